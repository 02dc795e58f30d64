package io.mote.server.it.mqtt;

import static io.mote.server.it.mqtt.MqttTestClients.await;
import static io.mote.server.it.mqtt.MqttTestClients.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;
import io.mote.server.it.Api;
import io.mote.server.it.TestServer;

/** Authentication, TLS, takeover, limits and bad input; the server keeps serving throughout. */
class MqttProtocolTest {

    private final Api anon = TestServer.shared().api();

    @TempDir
    Path tmp;

    @Test
    void unknownTokenIsNotAuthorized() {
        assertThatThrownBy(() -> MqttTestClients.v5Token("no-such-token-" + UUID.randomUUID()))
                .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e ->
                        assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED));
        assertThatThrownBy(() -> MqttTestClients.v3Token("no-such-token-" + UUID.randomUUID()))
                .isInstanceOfSatisfying(Mqtt3ConnAckException.class, e ->
                        assertThat(e.getMqttMessage().getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED));
    }

    @Test
    void mqttBasicCredentials() {
        Api.TestDevice d = anon.newTenantWithDevice("basic");
        String clientId = "client-" + UUID.randomUUID();
        String user = "user-" + UUID.randomUUID();
        setCredentials(d, "MQTT_BASIC", Json.write(Json.object().put("clientId", clientId).put("userName", user)
                .put("password", "secret")));
        Mqtt5BlockingClient ok = MqttTestClients.v5(clientId);
        ok.connectWith().simpleAuth().username(user).password("secret".getBytes()).applySimpleAuth().send();
        publish(ok, "v1/devices/me/telemetry", "{\"basic\":1}");
        ok.disconnect();

        assertThatThrownBy(() -> MqttTestClients.v5(clientId).connectWith().simpleAuth().username(user)
                .password("wrong".getBytes()).applySimpleAuth().send())
                .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> assertThat(e.getMqttMessage().getReasonCode())
                        .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD));
        assertThatThrownBy(() -> MqttTestClients.v3(clientId).connectWith().simpleAuth().username(user)
                .password("wrong".getBytes()).applySimpleAuth().send())
                .isInstanceOfSatisfying(Mqtt3ConnAckException.class, e -> assertThat(e.getMqttMessage().getReturnCode())
                        .isEqualTo(Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD));

        // Credentials naming only a client id: any user name, that password.
        Api.TestDevice d2 = anon.newTenantWithDevice("basic2");
        String clientOnly = "client-only-" + UUID.randomUUID();
        setCredentials(d2, "MQTT_BASIC", Json.write(Json.object().put("clientId", clientOnly).put("password", "pw2")));
        Mqtt3BlockingClient c3 = MqttTestClients.v3(clientOnly);
        c3.connectWith().simpleAuth().username("anyone").password("pw2".getBytes()).applySimpleAuth().send();
        publish(c3, "v1/devices/me/telemetry", "{\"basic\":2}");
        c3.disconnect();
        assertThat(d2.tenant().get("/api/plugins/telemetry/DEVICE/" + d2.id() + "/values/timeseries?keys=basic").ok()
                .get("basic").get(0).get("value").asString()).isEqualTo("2");
    }

    private static void setCredentials(Api.TestDevice d, String type, String value) {
        ObjectNode creds = (ObjectNode) d.tenant().get("/api/device/" + d.id() + "/credentials").ok().deepCopy();
        creds.put("credentialsType", type);
        creds.remove("credentialsId");
        creds.put("credentialsValue", value);
        d.tenant().post("/api/device/credentials", creds).ok();
    }

    @Test
    void x509ClientCertificateOverTlsAndTokenOverTls() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("x509");
        Path store = tmp.resolve("device.p12");
        String pem = keyPair(store, "CN=mqtt-device-" + UUID.randomUUID());
        // Token over TLS without a client certificate first.
        Mqtt5BlockingClient token = Mqtt5Client.builder().identifier("tls-" + UUID.randomUUID()).serverHost("127.0.0.1")
                .serverPort(TestServer.shared().mqttSslPort()).sslConfig()
                .trustManagerFactory(InsecureTrustManagerFactory.INSTANCE).applySslConfig().buildBlocking();
        token.connectWith().simpleAuth().username(d.token()).applySimpleAuth().send();
        publish(token, "v1/devices/me/telemetry", "{\"overTls\":1}");
        token.disconnect();

        setCredentials(d, "X509_CERTIFICATE", pem);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        Mqtt5BlockingClient cert = Mqtt5Client.builder().identifier("x509-" + UUID.randomUUID()).serverHost("127.0.0.1")
                .serverPort(TestServer.shared().mqttSslPort()).sslConfig().keyManagerFactory(kmf)
                .trustManagerFactory(InsecureTrustManagerFactory.INSTANCE).applySslConfig().buildBlocking();
        cert.connect();
        publish(cert, "v1/devices/me/telemetry", "{\"x509\":42}");
        cert.disconnect();
        assertThat(d.tenant().get("/api/plugins/telemetry/DEVICE/" + d.id() + "/values/timeseries?keys=x509,overTls")
                .ok().get("x509").get(0).get("value").asString()).isEqualTo("42");

        // An unknown certificate is not authorized.
        Path other = tmp.resolve("other.p12");
        keyPair(other, "CN=unknown");
        KeyStore ks2 = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(other)) {
            ks2.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf2 = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf2.init(ks2, "changeit".toCharArray());
        assertThatThrownBy(() -> Mqtt5Client.builder().identifier("x509-bad").serverHost("127.0.0.1")
                .serverPort(TestServer.shared().mqttSslPort()).sslConfig().keyManagerFactory(kmf2)
                .trustManagerFactory(InsecureTrustManagerFactory.INSTANCE).applySslConfig().buildBlocking().connect())
                .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e ->
                        assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED));
    }

    private String keyPair(Path store, String dname) throws IOException, InterruptedException {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Path pem = store.resolveSibling(store.getFileName() + ".pem");
        run(keytool, "-genkeypair", "-alias", "dev", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname,
                "-validity", "30", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit",
                "-keypass", "changeit");
        run(keytool, "-exportcert", "-rfc", "-alias", "dev", "-keystore", store.toString(), "-storepass", "changeit",
                "-file", pem.toString());
        return Files.readString(pem, StandardCharsets.US_ASCII);
    }

    private void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
    }

    @Test
    void sameClientIdTakesOver() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("takeover");
        String clientId = "same-" + UUID.randomUUID();
        CompletableFuture<Throwable> cause = new CompletableFuture<>();
        Mqtt5AsyncClient first = Mqtt5Client.builder().identifier(clientId).serverHost("127.0.0.1")
                .serverPort(MqttTestClients.port()).addDisconnectedListener(ctx -> cause.complete(ctx.getCause()))
                .buildAsync();
        first.connectWith().simpleAuth().username(d.token()).applySimpleAuth().send().get(20, TimeUnit.SECONDS);
        Mqtt5BlockingClient second = MqttTestClients.v5(clientId);
        second.connectWith().simpleAuth().username(d.token()).applySimpleAuth().send();
        Throwable t = cause.get(20, TimeUnit.SECONDS);
        assertThat(t).isInstanceOfSatisfying(Mqtt5DisconnectException.class, e ->
                assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5DisconnectReasonCode.SESSION_TAKEN_OVER));
        publish(second, "v1/devices/me/telemetry", "{\"after\":1}");
        second.disconnect();

        // MQTT 3.1.1: the old connection is closed.
        Mqtt3BlockingClient old3 = MqttTestClients.v3(clientId + "-3");
        old3.connectWith().simpleAuth().username(d.token()).applySimpleAuth().send();
        Mqtt3BlockingClient new3 = MqttTestClients.v3(clientId + "-3");
        new3.connectWith().simpleAuth().username(d.token()).applySimpleAuth().send();
        await("old closed", () -> !old3.getState().isConnected());
        publish(new3, "v1/devices/me/telemetry", "{\"after\":2}");
        new3.disconnect();
    }

    @Test
    void oversizedPayloadDisconnects() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("big");
        CompletableFuture<Throwable> cause = new CompletableFuture<>();
        Mqtt5AsyncClient c = Mqtt5Client.builder().identifier("big-" + UUID.randomUUID()).serverHost("127.0.0.1")
                .serverPort(MqttTestClients.port()).addDisconnectedListener(ctx -> cause.complete(ctx.getCause()))
                .buildAsync();
        c.connectWith().simpleAuth().username(d.token()).applySimpleAuth().send().get(20, TimeUnit.SECONDS);
        String big = "{\"k\":\"" + "x".repeat(70_000) + "\"}";
        c.publishWith().topic("v1/devices/me/telemetry").qos(MqttQos.AT_LEAST_ONCE).payload(big.getBytes()).send();
        assertThat(cause.get(20, TimeUnit.SECONDS)).isInstanceOfSatisfying(Mqtt5DisconnectException.class, e ->
                assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5DisconnectReasonCode.PACKET_TOO_LARGE));

        Mqtt3BlockingClient c3 = MqttTestClients.v3Token(d.token());
        c3.publishWith().topic("v1/devices/me/telemetry").qos(MqttQos.AT_MOST_ONCE).payload(big.getBytes()).send();
        await("closed", () -> !c3.getState().isConnected());
        serverStillServes(d);
    }

    @Test
    void badPayloadAndUnknownTopicGetReasonCodes() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("bad");
        Mqtt5BlockingClient c = MqttTestClients.v5Token(d.token());
        assertPubAck(c, "v1/devices/me/telemetry", "{not json", Mqtt5PubAckReasonCode.PAYLOAD_FORMAT_INVALID);
        assertPubAck(c, "v1/devices/me/telemetry", "[1]", Mqtt5PubAckReasonCode.PAYLOAD_FORMAT_INVALID);
        assertPubAck(c, "v1/devices/me/attributes", "{\"a\":null}", Mqtt5PubAckReasonCode.PAYLOAD_FORMAT_INVALID);
        assertPubAck(c, "v1/devices/me/nonsense", "{}", Mqtt5PubAckReasonCode.TOPIC_NAME_INVALID);
        assertPubAck(c, "v1/devices/me/rpc/response/abc", "{}", Mqtt5PubAckReasonCode.PAYLOAD_FORMAT_INVALID);
        // The connection survives all of that.
        publish(c, "v1/devices/me/telemetry", "{\"fine\":1}");
        assertThatThrownBy(() -> c.subscribeWith().topicFilter("#").qos(MqttQos.AT_LEAST_ONCE).send())
                .isInstanceOfSatisfying(Mqtt5SubAckException.class, e -> assertThat(e.getMqttMessage().getReasonCodes()
                        .get(0)).isEqualTo(Mqtt5SubAckReasonCode.TOPIC_FILTER_INVALID));
        c.disconnect();

        // MQTT 3.1.1 has no reason codes: the connection is closed.
        Mqtt3BlockingClient c3 = MqttTestClients.v3Token(d.token());
        c3.toAsync().publishWith().topic("v1/devices/me/telemetry").qos(MqttQos.AT_LEAST_ONCE).payload("oops".getBytes())
                .send();
        await("closed", () -> !c3.getState().isConnected());
        serverStillServes(d);
    }

    private static void assertPubAck(Mqtt5BlockingClient c, String topic, String payload, Mqtt5PubAckReasonCode code) {
        try {
            var result = c.toAsync().publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload.getBytes())
                    .send().get(20, TimeUnit.SECONDS);
            assertThat(result.getError()).isPresent();
            assertThat(result.getError().get()).isInstanceOfSatisfying(Mqtt5PubAckException.class,
                    e -> assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(code));
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            assertThat(cause).isInstanceOfSatisfying(Mqtt5PubAckException.class,
                    x -> assertThat(x.getMqttMessage().getReasonCode()).isEqualTo(code));
        }
    }

    private static void serverStillServes(Api.TestDevice d) {
        Mqtt5BlockingClient c = MqttTestClients.v5Token(d.token());
        publish(c, "v1/devices/me/telemetry", "{\"still\":1}");
        c.disconnect();
        assertThat(d.tenant().get("/api/plugins/telemetry/DEVICE/" + d.id() + "/values/timeseries?keys=still").ok()
                .has("still")).isTrue();
    }
}
