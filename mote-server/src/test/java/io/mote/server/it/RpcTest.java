package io.mote.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.mote.common.json.Json;
import io.mote.core.session.DeviceSessionRegistry;

/** Server-side RPC through the HTTP device API's long-poll, persistent RPC, and client-side RPC. */
class RpcTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Api anon = TestServer.shared().api();
    private Api tenant;
    private String token;
    private String deviceId;

    @BeforeEach
    void device() {
        Api.TestDevice d = anon.newTenantWithDevice("rpc");
        tenant = d.tenant();
        token = d.token();
        deviceId = d.id();
    }

    private CompletableFuture<Api.Res> async(String path, String body) {
        return CompletableFuture.supplyAsync(() -> tenant.post(path, body));
    }

    private CompletableFuture<HttpResponse<String>> poll(int timeoutMs) {
        return HTTP.sendAsync(HttpRequest.newBuilder(URI.create(anon.base() + "/api/v1/" + token + "/rpc?timeout=" + timeoutMs))
                .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode body(CompletableFuture<HttpResponse<String>> f) throws Exception {
        HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
    }

    private void awaitPolling() throws InterruptedException {
        DeviceSessionRegistry registry = TestServer.shared().bean(DeviceSessionRegistry.class);
        for (int i = 0; i < 200 && !registry.isConnected(UUID.fromString(deviceId)); i++) {
            Thread.sleep(25);
        }
    }

    @Test
    void twoWayRpcIsAnsweredByALongPollingDevice() throws Exception {
        var polled = poll(20000);
        awaitPolling();
        var call = async("/api/rpc/twoway/" + deviceId, "{\"method\":\"setGpio\",\"params\":{\"pin\":23,\"value\":1}}");
        JsonNode request = body(polled);
        assertThat(request.get("method").asString()).isEqualTo("setGpio");
        assertThat(request.get("params").get("pin").asInt()).isEqualTo(23);
        int id = request.get("id").asInt();
        assertThat(id).isPositive();
        anon.post("/api/v1/" + token + "/rpc/" + id, "{\"result\":\"ok\"}").ok();
        Api.Res answer = call.get(20, TimeUnit.SECONDS);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().get("result").asString()).isEqualTo("ok");

        // A call made while the device is not polling waits for its next poll, with the next id.
        var second = async("/api/plugins/rpc/twoway/" + deviceId, "{\"method\":\"getTemp\",\"params\":{}}");
        Thread.sleep(300);
        JsonNode next = body(poll(20000));
        assertThat(next.get("id").asInt()).isEqualTo(id + 1);
        anon.post("/api/v1/" + token + "/rpc/" + next.get("id").asInt(), "{\"temp\":21}").ok();
        assertThat(second.get(20, TimeUnit.SECONDS).json().get("temp").asInt()).isEqualTo(21);
    }

    @Test
    void oneWayRpcCompletesWhenDelivered() throws Exception {
        var call = async("/api/rpc/oneway/" + deviceId, "{\"method\":\"reboot\"}");
        JsonNode request = body(poll(20000));
        assertThat(request.get("method").asString()).isEqualTo("reboot");
        assertThat(request.get("params").isObject()).isTrue();
        assertThat(call.get(20, TimeUnit.SECONDS).status()).isEqualTo(200);
    }

    @Test
    void unansweredCallsTimeOut() throws Exception {
        long t0 = System.nanoTime();
        var v2 = async("/api/rpc/twoway/" + deviceId, "{\"method\":\"m\",\"timeout\":5000}");
        var v1 = async("/api/plugins/rpc/twoway/" + deviceId, "{\"method\":\"m\",\"timeout\":1000}");
        Api.Res r2 = v2.get(30, TimeUnit.SECONDS);
        Api.Res r1 = v1.get(30, TimeUnit.SECONDS);
        assertThat(r2.status()).isEqualTo(504);
        assertThat(r1.status()).isEqualTo(408);
        // ThingsBoard's error body, saying the device never took the call
        JsonNode body = Json.MAPPER.readTree(r2.text());
        assertThat(body.get("status").asInt()).isEqualTo(504);
        assertThat(body.get("message").asString()).matches("Device is offline: RPC \\d+ 'm' was not delivered within 5000 ms");
        assertThat(Json.MAPPER.readTree(r1.text()).get("message").asString()).contains("was not delivered within 5000 ms");
        // The minimum timeout is 5 s even when less is asked for.
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(4900);
        // The device polling afterwards gets nothing: timed-out calls are gone.
        var r = poll(500).get(10, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(408);
    }

    @Test
    void persistentRpcIsQueuedDeliveredAndAnswered() throws Exception {
        JsonNode created = tenant.post("/api/rpc/twoway/" + deviceId,
                "{\"method\":\"configure\",\"params\":{\"rate\":5},\"persistent\":true,\"timeout\":60000,"
                        + "\"additionalInfo\":{\"note\":\"x\"}}").ok();
        String rpcId = created.get("rpcId").asString();
        JsonNode stored = tenant.get("/api/rpc/persistent/" + rpcId).ok();
        assertThat(stored.get("status").asString()).isEqualTo("QUEUED");
        assertThat(stored.get("id").get("entityType").asString()).isEqualTo("RPC");
        assertThat(stored.get("deviceId").get("id").asString()).isEqualTo(deviceId);
        assertThat(stored.get("request").get("body").get("method").asString()).isEqualTo("configure");
        assertThat(stored.get("additionalInfo").get("note").asString()).isEqualTo("x");

        JsonNode request = body(poll(20000));
        assertThat(request.get("method").asString()).isEqualTo("configure");
        awaitStatus(rpcId, "DELIVERED");
        anon.post("/api/v1/" + token + "/rpc/" + request.get("id").asInt(), "{\"done\":true}").ok();
        JsonNode done = awaitStatus(rpcId, "SUCCESSFUL");
        assertThat(done.get("response").get("done").asBoolean()).isTrue();
        List<String> history = new ArrayList<>();
        done.get("statusHistory").forEach(h -> history.add(h.get("status").asString()));
        assertThat(history).containsExactly("QUEUED", "SENT", "DELIVERED", "SUCCESSFUL");

        JsonNode page = tenant.get("/api/rpc/persistent/device/" + deviceId + "?pageSize=10&page=0&rpcStatus=SUCCESSFUL")
                .ok();
        assertThat(page.get("totalElements").asInt()).isEqualTo(1);
        assertThat(tenant.get("/api/rpc/persistent/device/" + deviceId + "?pageSize=10&page=0&rpcStatus=QUEUED").ok()
                .get("totalElements").asInt()).isZero();
        tenant.delete("/api/rpc/persistent/" + rpcId).ok();
        assertThat(tenant.get("/api/rpc/persistent/" + rpcId).status()).isEqualTo(404);
    }

    @Test
    void persistentRpcExpiresWhenTheDeviceStaysAway() throws Exception {
        long expiration = System.currentTimeMillis() + 1500;
        String rpcId = tenant.post("/api/rpc/oneway/" + deviceId,
                "{\"method\":\"later\",\"persistent\":true,\"expirationTime\":" + expiration + "}").ok()
                .get("rpcId").asString();
        awaitStatus(rpcId, "EXPIRED");
        assertThat(poll(500).get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(408);
    }

    @Test
    void unansweredPersistentRpcIsRetriedThenTimesOut() throws Exception {
        String rpcId = tenant.post("/api/rpc/twoway/" + deviceId,
                "{\"method\":\"flaky\",\"persistent\":true,\"timeout\":5000,\"retries\":1,\"expirationTime\":"
                        + (System.currentTimeMillis() + 60000) + "}").ok().get("rpcId").asString();
        int first = body(poll(20000)).get("id").asInt();
        // Not answered: after its 5 s timeout it is sent again, with the same id.
        int again = body(poll(20000)).get("id").asInt();
        assertThat(again).isEqualTo(first);
        JsonNode timedOut = awaitStatus(rpcId, "TIMEOUT");
        List<String> history = new ArrayList<>();
        timedOut.get("statusHistory").forEach(h -> history.add(h.get("status").asString()));
        assertThat(history).containsSubsequence("SENT", "QUEUED", "SENT", "TIMEOUT");
    }

    @Test
    void clientSideRpcBuiltInsAndApplicationHandler() throws Exception {
        JsonNode time = anon.post("/api/v1/" + token + "/rpc", "{\"method\":\"getCurrentTime\",\"params\":{}}").ok();
        assertThat(time.get("currentTime").asLong()).isCloseTo(System.currentTimeMillis(),
                org.assertj.core.data.Offset.offset(60_000L));
        JsonNode limits = anon.post("/api/v1/" + token + "/rpc", "{\"method\":\"getSessionLimits\",\"params\":{}}").ok();
        assertThat(limits.get("rateLimits").has("messages")).isTrue();
        assertThat(limits.get("rateLimits").has("telemetryMessages")).isTrue();
        assertThat(limits.get("rateLimits").has("telemetryDataPoints")).isTrue();
        assertThat(limits.get("maxPayloadSize").asInt()).isPositive();
        assertThat(limits.get("maxInflightMessages").asInt()).isPositive();

        JsonNode unhandled = anon.post("/api/v1/" + token + "/rpc", "{\"method\":\"whoAmI\",\"params\":{}}").ok();
        assertThat(unhandled.get("error").asString()).contains("whoAmI");

        WebSocketTest.Listener listener = new WebSocketTest.Listener();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(anon.base().replace("http", "ws") + "/api/ws/plugins/telemetry?token="
                        + tenant.authToken()), listener).get(10, TimeUnit.SECONDS);
        ws.sendText("{\"rpcSubCmds\":[{\"cmdId\":9,\"entityType\":\"DEVICE\",\"entityId\":\"" + deviceId + "\"}]}", true)
                .get();
        assertThat(listener.next().get("errorCode").asInt()).isZero();
        CompletableFuture<Api.Res> deviceCall = CompletableFuture.supplyAsync(() ->
                anon.post("/api/v1/" + token + "/rpc", "{\"method\":\"whoAmI\",\"params\":{\"x\":1}}"));
        JsonNode offered = listener.next();
        assertThat(offered.get("subscriptionId").asInt()).isEqualTo(9);
        JsonNode req = offered.get("rpcRequest");
        assertThat(req.get("method").asString()).isEqualTo("whoAmI");
        assertThat(req.get("params").get("x").asInt()).isEqualTo(1);
        assertThat(req.get("deviceId").asString()).isEqualTo(deviceId);
        ws.sendText("{\"rpcReplyCmds\":[{\"cmdId\":10,\"requestId\":\"" + req.get("requestId").asString()
                + "\",\"response\":{\"you\":\"device\"}}]}", true).get();
        assertThat(deviceCall.get(15, TimeUnit.SECONDS).json().get("you").asString()).isEqualTo("device");
        ws.abort();
    }

    @Test
    void badRpcInput() {
        assertThat(tenant.post("/api/rpc/twoway/" + deviceId, "{\"params\":{}}").status()).isEqualTo(400);
        assertThat(tenant.post("/api/rpc/twoway/" + deviceId, "{\"method\":").status()).isEqualTo(400);
        assertThat(tenant.post("/api/rpc/twoway/" + deviceId, "{\"method\":\"m\",\"timeout\":\"soon\"}").status())
                .isEqualTo(400);
        assertThat(tenant.post("/api/rpc/twoway/" + UUID.randomUUID(), "{\"method\":\"m\"}").status()).isEqualTo(404);
        Api other = anon.newTenant();
        assertThat(other.post("/api/rpc/twoway/" + deviceId, "{\"method\":\"m\"}").status()).isEqualTo(404);
        assertThat(anon.post("/api/rpc/twoway/" + deviceId, "{\"method\":\"m\"}").status()).isEqualTo(401);
        assertThat(anon.get("/api/v1/nope/rpc?timeout=100").status()).isEqualTo(401);
        assertThat(anon.post("/api/v1/" + token + "/rpc", "{\"params\":1}").status()).isEqualTo(400);
        assertThat(anon.post("/api/v1/" + token + "/rpc", "nope").status()).isEqualTo(400);
        assertThat(tenant.get("/api/rpc/persistent/" + UUID.randomUUID()).status()).isEqualTo(404);
    }

    private JsonNode awaitStatus(String rpcId, String status) throws InterruptedException {
        JsonNode rpc = null;
        for (int i = 0; i < 150; i++) {
            rpc = tenant.get("/api/rpc/persistent/" + rpcId).ok();
            if (rpc.get("status").asString().equals(status)) {
                return rpc;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("RPC never reached " + status + ": " + rpc);
    }
}
