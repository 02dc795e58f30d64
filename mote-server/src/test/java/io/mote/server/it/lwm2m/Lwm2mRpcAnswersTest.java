package io.mote.server.it.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.mote.common.json.Json;
import io.mote.server.it.Api;

/**
 * How an LwM2M RPC ends when the device does not answer: every command of a client that stopped answering
 * times out alike (504 and a message naming the command), and a device that is not registered gets 504 with a
 * message saying it is offline, as a two-way RPC to any offline device does.
 */
class Lwm2mRpcAnswersTest extends Lwm2mTestBase {

    private Api.Res call(String method, String params, int timeoutMs) {
        return tenant.post("/api/rpc/twoway/" + deviceId,
                "{\"method\":\"" + method + "\",\"params\":" + params + ",\"timeout\":" + timeoutMs + "}");
    }

    @Test
    void everyCommandToAClientThatStoppedAnsweringTimesOutTheSameWay() throws Exception {
        setUp(deviceMapping("SINGLE"));
        register();
        awaitTelemetry("batteryLevel", "75");
        client.client.stop(false); // gone without deregistering: the server still holds its registration

        Map<String, String> commands = new java.util.LinkedHashMap<>();
        commands.put("Read", "{\"id\":\"/3/0/9\"}");
        commands.put("Discover", "{\"id\":\"/3/0\"}");
        commands.put("WriteReplace", "{\"key\":\"timezone\",\"value\":\"+10\"}");
        commands.put("WriteUpdate", "{\"id\":\"/3/0\",\"value\":{\"14\":\"+5\"}}");
        commands.put("WriteAttributes", "{\"id\":\"/3/0/9\",\"attributes\":{\"pmax\":120}}");
        commands.put("Execute", "{\"id\":\"/3/0/4\"}");
        commands.put("Create", "{\"id\":\"/19/1\",\"value\":{\"0\":\"0a0b\"}}");
        commands.put("Delete", "{\"id\":\"/19/0\"}");
        commands.put("Observe", "{\"id\":\"/3/0/14\"}");
        commands.put("ReadComposite", "{\"ids\":[\"/3/0/9\",\"/3/0/0\"]}");
        commands.put("WriteComposite", "{\"nodes\":{\"/3/0/14\":\"+04\"}}");
        List<CompletableFuture<Api.Res>> answers = commands.entrySet().stream()
                .map(e -> CompletableFuture.supplyAsync(() -> call(e.getKey(), e.getValue(), 15_000))).toList();
        int i = 0;
        for (Map.Entry<String, String> e : commands.entrySet()) {
            Api.Res r = answers.get(i++).get(60, TimeUnit.SECONDS);
            assertThat(r.status()).as(e.getKey() + " " + r.text()).isEqualTo(504);
            JsonNode body = Json.MAPPER.readTree(r.text());
            assertThat(body.get("status").asInt()).isEqualTo(504);
            // The request waits for the client until just before the RPC's own 15 s, longer than the
            // transport's default request timeout (10 s).
            String message = body.get("message").asString();
            String prefix = "LwM2M client did not answer " + e.getKey() + " " + Json.write(Json.parse(e.getValue()))
                    + " within ";
            assertThat(message).as(e.getKey()).startsWith(prefix).endsWith(" ms");
            assertThat(Long.parseLong(message.substring(prefix.length(), message.length() - 3))).as(e.getKey())
                    .isGreaterThan(10_000).isLessThan(15_000);
            assertThat(body.get("errorCode").asInt()).isEqualTo(2);
        }
        awaitLog("timed out: LwM2M client did not answer Read");
    }

    @Test
    void anRpcToAnUnregisteredDeviceSaysItIsOffline() throws Exception {
        setUp(deviceMapping("SINGLE"));
        Api.Res r = call("Read", "{\"id\":\"/3/0/9\"}", 5000);
        assertThat(r.status()).isEqualTo(504);
        JsonNode body = Json.MAPPER.readTree(r.text());
        assertThat(body.get("status").asInt()).isEqualTo(504);
        assertThat(body.get("message").asString()).isEqualTo("Device is offline: RPC 1 'Read' was not delivered within 5000 ms");

        // the legacy path answers 408, with the same body
        Api.Res v1 = tenant.post("/api/plugins/rpc/twoway/" + deviceId, "{\"method\":\"Read\",\"params\":{},\"timeout\":5000}");
        assertThat(v1.status()).isEqualTo(408);
        assertThat(Json.MAPPER.readTree(v1.text()).get("message").asString())
                .isEqualTo("Device is offline: RPC 2 'Read' was not delivered within 5000 ms");
    }

    @Test
    void successClientErrorsAndBadParamsAre200WithTheResult() throws Exception {
        setUp(deviceMapping("SINGLE"));
        register();
        awaitTelemetry("batteryLevel", "75");
        Api.Res ok = call("Read", "{\"id\":\"/3/0/9\"}", 20_000);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.text()).isEqualTo("{\"result\":\"CONTENT\",\"value\":\"LwM2mSingleResource [id=9, value=75, type=INTEGER]\"}");
        Api.Res clientError = call("Read", "{\"id\":\"/19/7\"}", 20_000);
        assertThat(clientError.status()).isEqualTo(200);
        assertThat(clientError.text()).isEqualTo("{\"result\":\"NOT_FOUND\",\"error\":\"NOT_FOUND\"}");
        Api.Res bad = call("Read", "{}", 20_000);
        assertThat(bad.status()).isEqualTo(200);
        assertThat(bad.text()).isEqualTo("{\"result\":\"BAD_REQUEST\",\"error\":\"params.id or params.key is required\"}");
    }
}
