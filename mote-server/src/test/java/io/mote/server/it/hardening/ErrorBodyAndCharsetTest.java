package io.mote.server.it.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.mote.common.json.Json;
import io.mote.server.it.Api;
import io.mote.server.it.TestServer;

/**
 * Errors the container answers itself (a 100 KB header, an unparsable request line) carry Mote's JSON
 * error body, not an HTML page; a body's declared charset is honoured, or refused with 415.
 */
class ErrorBodyAndCharsetTest {

    private final TestServer server = TestServer.shared();
    private final Api anon = server.api();

    /** Sends raw request bytes and answers the whole response (status line, headers, body). */
    private String raw(String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void assertJsonError(String response, int status) {
        assertThat(response).startsWith("HTTP/1.1 " + status);
        assertThat(response.toLowerCase()).contains("content-type: application/json").doesNotContain("<html");
        JsonNode body = Json.parse(response.substring(response.indexOf("\r\n\r\n") + 4).trim());
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("message").asString()).isNotBlank();
        assertThat(body.get("errorCode").isInt()).isTrue();
        assertThat(body.get("timestamp").asLong()).isPositive();
    }

    @Test
    void oversizedHeadersAndBadRequestLinesGetTheJsonErrorBody() throws Exception {
        String huge = "Bearer " + "x".repeat(100 * 1024);
        for (String path : new String[] {"/api/auth/user", "/api/v1/some-token/attributes", "/api/ws/plugins/telemetry"}) {
            String r = raw("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nX-Authorization: " + huge
                    + "\r\nConnection: close\r\n\r\n");
            assertJsonError(r, 400);
        }
        assertJsonError(raw("GET /api/auth/user?a=<> HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), 400);
        assertJsonError(raw("GET /nothing/here HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), 404);
        // The server keeps serving.
        assertThat(anon.get("/actuator/health").status()).isEqualTo(200);
    }

    private Api.Res post(Api api, String path, String contentType, byte[] body) {
        return api.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    @Test
    void aDeclaredCharsetIsDecodedOrRefusedWith415() {
        Api.TestDevice d = anon.newTenantWithDevice("charset");
        byte[] latin1 = "{\"city\":\"Grüße\"}".getBytes(StandardCharsets.ISO_8859_1);
        String type = "application/json; charset=ISO-8859-1";
        assertThat(post(anon, "/api/v1/" + d.token() + "/telemetry", type, latin1).status()).isEqualTo(200);
        assertThat(post(anon, "/api/v1/" + d.token() + "/attributes", type, latin1).status()).isEqualTo(200);
        String base = "/api/plugins/telemetry/DEVICE/" + d.id();
        assertThat(post(d.tenant(), base + "/timeseries/ANY", type,
                "{\"street\":\"Königsallee\"}".getBytes(StandardCharsets.ISO_8859_1)).status()).isEqualTo(200);
        assertThat(post(d.tenant(), base + "/attributes/SERVER_SCOPE", type, latin1).status()).isEqualTo(200);
        JsonNode ts = d.tenant().get(base + "/values/timeseries?keys=city,street").ok();
        assertThat(ts.get("city").get(0).get("value").asString()).isEqualTo("Grüße");
        assertThat(ts.get("street").get(0).get("value").asString()).isEqualTo("Königsallee");
        assertThat(d.tenant().get(base + "/values/attributes/CLIENT_SCOPE?keys=city").ok().get(0).get("value").asString())
                .isEqualTo("Grüße");
        assertThat(d.tenant().get(base + "/values/attributes/SERVER_SCOPE?keys=city").ok().get(0).get("value").asString())
                .isEqualTo("Grüße");
        // An entity body in Latin-1 too.
        Api.Res created = post(d.tenant(), "/api/device", type, "{\"name\":\"Gerät-ä\"}".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(created.ok().get("name").asString()).isEqualTo("Gerät-ä");

        String unknown = "application/json; charset=x-no-such-charset";
        byte[] plain = "{\"a\":1}".getBytes(StandardCharsets.US_ASCII);
        for (Api.Res r : new Api.Res[] {post(anon, "/api/v1/" + d.token() + "/telemetry", unknown, plain),
                post(d.tenant(), base + "/timeseries/ANY", unknown, plain)}) {
            assertThat(r.status()).as(r.text()).isEqualTo(415);
            assertThat(r.json().get("status").asInt()).isEqualTo(415);
            assertThat(r.json().get("message").asString()).contains("not supported");
        }
    }

    /**
     * An empty or unnameable charset is refused with 415 on every path, error answers included: Spring
     * decoded the path in the declared charset while writing the 405 answer and failed with a 500 (found
     * by FuzzTest).
     */
    @Test
    void aCharsetThatCannotBeNamedIsRefusedWith415() {
        Api.TestDevice d = anon.newTenantWithDevice("charset-empty");
        byte[] plain = "{\"a\":1}".getBytes(StandardCharsets.US_ASCII);
        for (String type : new String[] {"application/json; charset=", "application/json; charset=\"\"",
                "application/json; charset=**"}) {
            for (String method : new String[] {"POST", "PUT", "PATCH"}) {
                Api.Res r = anon.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v1/" + d.token()
                        + "/telemetry")).header("Content-Type", type)
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(plain)));
                assertThat(r.status()).as(method + " " + type + ": " + r.text()).isEqualTo(415);
                assertThat(r.json().get("status").asInt()).isEqualTo(415);
            }
        }
    }

    /** Broken percent-encoding in a query is a 400 with the JSON body; Tomcat's exception was a 500 (found by FuzzTest). */
    @Test
    void aBrokenPercentEncodingInTheQueryIs400() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("percent");
        for (String query : new String[] {"title=a&version=b&chunk=%zz", "title=%", "title=%E9", "clientKeys=%4"}) {
            for (String path : new String[] {"/firmware?", "/attributes?"}) {
                String answer = rawGet("/api/v1/" + d.token() + path + query);
                assertThat(answer).as(path + query).startsWith("HTTP/1.1 400");
                assertThat(answer).contains("\"status\":400");
            }
        }
        // Valid escapes still work.
        assertThat(rawGet("/api/v1/" + d.token() + "/attributes?clientKeys=a%2Cb%20c")).startsWith("HTTP/1.1 200");
    }

    /** A GET written byte by byte: java.net.URI refuses the broken escapes this test sends. */
    private String rawGet(String target) throws java.io.IOException {
        java.net.URI base = java.net.URI.create(server.baseUrl());
        try (java.net.Socket s = new java.net.Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
