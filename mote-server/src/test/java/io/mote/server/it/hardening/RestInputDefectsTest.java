package io.mote.server.it.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.mote.common.json.Json;
import io.mote.server.it.Api;
import io.mote.server.it.LogWatch;
import io.mote.server.it.TestServer;

/**
 * Operator REST inputs that answered 500 with a stack trace in the log (found by the REST fuzzer): a query
 * parameter without a name, an Accept that excludes JSON, an RPC timeout beyond a long, a form body that
 * does not decode on a PUT or DELETE. Each is a 4xx with
 * the JSON error body now, and nothing is logged.
 */
class RestInputDefectsTest {

    private final TestServer server = TestServer.shared();

    /** Sends a raw request as the tenant administrator and answers the whole response. */
    private String raw(Api tenant, String method, String target, String extraHeaders, String body) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(30_000);
            byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            String head = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                    + "X-Authorization: Bearer " + tenant.authToken() + "\r\n" + extraHeaders
                    + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: " + b.length + "\r\n") + "\r\n";
            s.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().write(b);
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void assertJsonError(String response, int status) {
        assertThat(response).startsWith("HTTP/1.1 " + status);
        assertThat(response.toLowerCase()).contains("content-type: application/json");
        JsonNode body = Json.parse(response.substring(response.indexOf("\r\n\r\n") + 4).trim());
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("message").asString()).isNotBlank();
        assertThat(body.get("errorCode").isInt()).isTrue();
        assertThat(body.get("timestamp").asLong()).isPositive();
    }

    @Test
    void aQueryParameterWithoutANameIs400() throws Exception {
        Api tenant = server.api().newTenant();
        try (LogWatch log = LogWatch.watch()) {
            for (String query : new String[] {"=x&pageSize=10&page=0", "pageSize=10&=38&page=0", "pageSize=10&page=0&=="}) {
                assertJsonError(raw(tenant, "GET", "/api/tenant/devices?" + query, "", null), 400);
            }
            assertThat(log.stackTraces()).isEmpty();
        }
        // An empty chunk (&&) is no parameter at all and stays accepted.
        assertThat(raw(tenant, "GET", "/api/tenant/devices?pageSize=10&&page=0", "", null)).startsWith("HTTP/1.1 200");
    }

    @Test
    void anAcceptWithoutJsonIs406WithTheJsonErrorBody() throws Exception {
        Api tenant = server.api().newTenant();
        try (LogWatch log = LogWatch.watch()) {
            for (String accept : new String[] {"text/html", "application/xml"}) {
                assertJsonError(raw(tenant, "GET", "/api/tenant/devices?pageSize=10&page=0", "Accept: " + accept + "\r\n",
                        null), 406);
            }
            assertThat(log.stackTraces()).isEmpty();
        }
    }

    @Test
    void anRpcNumberBeyondALongIs400() throws Exception {
        Api.TestDevice d = server.api().newTenantWithDevice("rpc-long");
        try (LogWatch log = LogWatch.watch()) {
            for (String field : new String[] {"timeout", "expirationTime", "retries"}) {
                for (String value : new String[] {"9223372036854775808", "-1" + "0".repeat(30)}) {
                    String body = "{\"method\":\"m\",\"params\":{},\"persistent\":true,\"" + field + "\":" + value + "}";
                    assertJsonError(raw(d.tenant(), "POST", "/api/rpc/oneway/" + d.id(), "", body), 400);
                }
            }
            assertThat(log.stackTraces()).isEmpty();
        }
    }

    @Test
    void anUndecodableFormBodyOnPutOrDeleteIsNot500() throws Exception {
        Api tenant = server.api().newTenant();
        try (LogWatch log = LogWatch.watch()) {
            for (String method : new String[] {"PUT", "DELETE"}) {
                String target = method.equals("PUT") ? "/api/apiKey/" + java.util.UUID.randomUUID() + "/enabled/true"
                        : "/api/device/" + java.util.UUID.randomUUID();
                for (String form : new String[] {"a=%zz", "a=%E9", "%"}) {
                    String answer = raw(tenant, method, target, "Content-Type: application/x-www-form-urlencoded\r\n"
                            + "Content-Length: " + form.length() + "\r\n\r\n" + form, null);
                    assertThat(answer).as(method + " " + form).doesNotStartWith("HTTP/1.1 5");
                    assertJsonError(answer, Integer.parseInt(answer.substring(9, 12)));
                }
            }
            assertThat(log.stackTraces()).isEmpty();
        }
    }
}
