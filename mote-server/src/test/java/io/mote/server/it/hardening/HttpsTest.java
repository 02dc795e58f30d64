package io.mote.server.it.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.mote.common.json.Json;
import io.mote.server.it.TestServer;
import io.mote.server.web.HttpsConfig;

/**
 * HTTPS with the self-signed pair generated under the data directory: the REST API, the HTTP device API
 * and the WebSocket (wss) through the JDK's TLS client, trusting exactly that certificate.
 */
class HttpsTest {

    /** Trusts exactly one certificate (the generated one has no host name to verify). */
    private static SSLContext pinned(X509Certificate cert) throws Exception {
        X509ExtendedTrustManager tm = new X509ExtendedTrustManager() {
            private void check(X509Certificate[] chain) throws CertificateException {
                if (chain == null || chain.length == 0 || !chain[0].equals(cert)) {
                    throw new CertificateException("not the generated server certificate");
                }
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket s) throws CertificateException {
                check(chain);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine e) throws CertificateException {
                check(chain);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                check(chain);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket s) throws CertificateException {
                throw new CertificateException("client side only");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine e) throws CertificateException {
                throw new CertificateException("client side only");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("client side only");
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[] {cert};
            }
        };
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new javax.net.ssl.TrustManager[] {tm}, null);
        return ctx;
    }

    private static HttpResponse<String> send(HttpClient c, HttpRequest.Builder b) throws Exception {
        return c.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void restDeviceApiAndWebSocketOverTls() throws Exception {
        Path dir = Files.createTempDirectory("mote-https");
        try (TestServer server = TestServer.start(dir, "--mote.http.ssl.enabled=true", "--mote.http.ssl.port=0")) {
            X509Certificate cert;
            try (InputStream in = Files.newInputStream(dir.resolve("https").resolve("server.crt"))) {
                cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            String base = "https://127.0.0.1:" + server.bean(HttpsConfig.HttpsConnector.class).port();
            HttpClient c = HttpClient.newBuilder().sslContext(pinned(cert)).build();

            assertThat(send(c, HttpRequest.newBuilder(URI.create(base + "/actuator/health"))).statusCode()).isEqualTo(200);
            HttpResponse<String> login = send(c, HttpRequest.newBuilder(URI.create(base + "/api/auth/login"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"username\":\"tenant@mote.local\",\"password\":\"" + TestServer.TENANT_PASSWORD + "\"}")));
            assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
            String jwt = Json.parse(login.body()).get("token").asString();
            String token = "tls-" + UUID.randomUUID();
            HttpResponse<String> device = send(c, HttpRequest.newBuilder(URI.create(base + "/api/device?accessToken=" + token))
                    .header("Content-Type", "application/json").header("X-Authorization", "Bearer " + jwt)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"tls-device\"}")));
            assertThat(device.statusCode()).as(device.body()).isEqualTo(200);
            String deviceId = Json.parse(device.body()).get("id").get("id").asString();

            LinkedBlockingQueue<JsonNode> pushed = new LinkedBlockingQueue<>();
            WebSocket ws = c.newWebSocketBuilder().buildAsync(
                    URI.create(base.replace("https", "wss") + "/api/ws/plugins/telemetry?token=" + jwt),
                    new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            pushed.add(Json.parse(data.toString()));
                            w.request(1);
                            return null;
                        }
                    }).get(30, TimeUnit.SECONDS);
            ws.sendText("{\"tsSubCmds\":[{\"entityType\":\"DEVICE\",\"entityId\":\"" + deviceId
                    + "\",\"scope\":\"LATEST_TELEMETRY\",\"cmdId\":1,\"keys\":\"temp\"}],\"historyCmds\":[]}", true).get();
            assertThat(pushed.poll(30, TimeUnit.SECONDS)).as("the subscription's first answer").isNotNull();

            HttpResponse<String> posted = send(c, HttpRequest.newBuilder(URI.create(base + "/api/v1/" + token + "/telemetry"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"temp\":42}")));
            assertThat(posted.statusCode()).isEqualTo(200);
            JsonNode update = pushed.poll(30, TimeUnit.SECONDS);
            assertThat(update).as("the update pushed over wss").isNotNull();
            assertThat(update.get("data").get("temp").get(0).get(1).asString()).isEqualTo("42");
            ws.abort();

            // The certificate is kept: a second start would reuse it rather than generate another.
            assertThat(Files.exists(dir.resolve("https").resolve("server.key"))).isTrue();
        }
    }
}
