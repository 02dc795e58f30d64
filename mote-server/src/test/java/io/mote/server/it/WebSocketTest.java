package io.mote.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.mote.common.json.Json;

/** Live subscriptions over the telemetry WebSocket, in ThingsBoard's command format. */
class WebSocketTest {

    private final Api anon = TestServer.shared().api();

    /** Collects the text messages the server pushes. */
    static final class Listener implements WebSocket.Listener {
        final LinkedBlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(Json.MAPPER.readTree(partial.toString()));
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        JsonNode next() throws InterruptedException {
            JsonNode m = messages.poll(10, TimeUnit.SECONDS);
            assertThat(m).as("a message within 10 s").isNotNull();
            return m;
        }
    }

    @Test
    void timeseriesAndAttributeSubscriptionsPushCurrentValuesThenChanges() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Api tenant = anon.newTenant();
        String token = "ws-" + suffix;
        String deviceId = Api.id(tenant.createDevice("ws-dev-" + suffix, token));
        anon.post("/api/v1/" + token + "/telemetry", "{\"ts\":1000,\"values\":{\"temp\":20}}").ok();

        String jwt = tenant.authToken();
        Listener listener = new Listener();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(anon.base().replace("http", "ws") + "/api/ws/plugins/telemetry?token=" + jwt),
                        listener).get(10, TimeUnit.SECONDS);
        ws.sendText("{\"tsSubCmds\":[{\"entityType\":\"DEVICE\",\"entityId\":\"" + deviceId
                + "\",\"scope\":\"LATEST_TELEMETRY\",\"cmdId\":1,\"keys\":\"temp\"}],"
                + "\"attrSubCmds\":[{\"entityType\":\"DEVICE\",\"entityId\":\"" + deviceId
                + "\",\"scope\":\"CLIENT_SCOPE\",\"cmdId\":2}],\"historyCmds\":[]}", true).get();

        JsonNode first = listener.next();
        JsonNode second = listener.next();
        JsonNode ts = first.get("subscriptionId").asInt() == 1 ? first : second;
        JsonNode attr = first.get("subscriptionId").asInt() == 2 ? first : second;
        assertThat(ts.get("errorCode").asInt()).isZero();
        assertThat(ts.get("data").get("temp").get(0).get(0).asLong()).isEqualTo(1000);
        assertThat(ts.get("data").get("temp").get(0).get(1).asString()).isEqualTo("20");
        assertThat(attr.get("data").size()).isZero();

        anon.post("/api/v1/" + token + "/telemetry", "{\"ts\":2000,\"values\":{\"temp\":21.5,\"other\":1}}").ok();
        JsonNode update = listener.next();
        assertThat(update.get("subscriptionId").asInt()).isEqualTo(1);
        assertThat(update.get("data").get("temp").get(0).get(1).asString()).isEqualTo("21.5");
        assertThat(update.get("data").has("other")).isFalse();
        assertThat(update.get("latestValues").get("temp").asLong()).isEqualTo(2000);

        anon.post("/api/v1/" + token + "/attributes", "{\"fw\":\"2.0\"}").ok();
        JsonNode attrUpdate = listener.next();
        assertThat(attrUpdate.get("subscriptionId").asInt()).isEqualTo(2);
        assertThat(attrUpdate.get("data").get("fw").get(0).get(1).asString()).isEqualTo("2.0");

        // History command, then unsubscribe: further telemetry is not pushed.
        ws.sendText("{\"historyCmds\":[{\"entityType\":\"DEVICE\",\"entityId\":\"" + deviceId
                + "\",\"keys\":\"temp\",\"startTs\":0,\"endTs\":5000,\"cmdId\":3,\"limit\":10,\"agg\":\"NONE\"}]}", true).get();
        JsonNode hist = listener.next();
        assertThat(hist.get("subscriptionId").asInt()).isEqualTo(3);
        assertThat(hist.get("data").get("temp")).hasSize(2);

        ws.sendText("{\"tsSubCmds\":[{\"cmdId\":1,\"unsubscribe\":true}],\"attrSubCmds\":[{\"cmdId\":2,\"unsubscribe\":true}]}",
                true).get();
        Thread.sleep(200);
        anon.post("/api/v1/" + token + "/telemetry", "{\"temp\":30}").ok();
        assertThat(listener.messages.poll(1, TimeUnit.SECONDS)).isNull();
        ws.abort();
    }

    @Test
    void latestValuesSubscriptionSkipsOlderPointsWhileTimeseriesSubscriptionGetsThem() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Api tenant = anon.newTenant();
        String token = "wsl-" + suffix;
        String deviceId = Api.id(tenant.createDevice("wsl-dev-" + suffix, token));
        long now = System.currentTimeMillis();
        Listener listener = new Listener();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(anon.base().replace("http", "ws") + "/api/ws/plugins/telemetry?token="
                        + tenant.authToken()), listener).get(10, TimeUnit.SECONDS);
        ws.sendText("{\"tsSubCmds\":[{\"entityType\":\"DEVICE\",\"entityId\":\"" + deviceId
                + "\",\"scope\":\"LATEST_TELEMETRY\",\"cmdId\":1,\"keys\":\"k\"},"
                + "{\"entityType\":\"DEVICE\",\"entityId\":\"" + deviceId
                + "\",\"cmdId\":2,\"keys\":\"k\",\"timeWindow\":86400000,\"limit\":100}]}", true).get();
        listener.next();
        listener.next();

        anon.post("/api/v1/" + token + "/telemetry", "{\"k\":\"new\"}").ok();
        JsonNode a = listener.next();
        JsonNode b = listener.next();
        assertThat(a.get("data").get("k").get(0).get(1).asString()).isEqualTo("new");
        assertThat(b.get("data").get("k").get(0).get(1).asString()).isEqualTo("new");

        anon.post("/api/v1/" + token + "/telemetry",
                "{\"ts\":" + (now - 3_600_000) + ",\"values\":{\"k\":\"old\"}}").ok();
        JsonNode old = listener.next();
        assertThat(old.get("subscriptionId").asInt()).as("only the time series subscription gets the old point")
                .isEqualTo(2);
        assertThat(old.get("data").get("k").get(0).get(1).asString()).isEqualTo("old");
        assertThat(listener.messages.poll(1, TimeUnit.SECONDS)).isNull();
        assertThat(tenant.get("/api/plugins/telemetry/DEVICE/" + deviceId + "/values/timeseries?keys=k").ok()
                .get("k").get(0).get("value").asString()).isEqualTo("new");

        // A newer point is still pushed to both.
        anon.post("/api/v1/" + token + "/telemetry", "{\"ts\":" + (now + 60_000) + ",\"values\":{\"k\":\"newer\"}}")
                .ok();
        assertThat(listener.next().get("data").get("k").get(0).get(1).asString()).isEqualTo("newer");
        assertThat(listener.next().get("data").get("k").get(0).get(1).asString()).isEqualTo("newer");
        ws.abort();
    }

    @Test
    void foreignEntityAndBadCommandsAnswerWithErrorCodes() throws Exception {
        Api a = anon.newTenant();
        Api b = anon.newTenant();
        String foreign = Api.id(a.createDevice("a-dev", "a-" + UUID.randomUUID()));
        Listener listener = new Listener();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(anon.base().replace("http", "ws") + "/api/ws/plugins/telemetry?token="
                        + b.authToken()), listener).get(10, TimeUnit.SECONDS);
        ws.sendText("{\"tsSubCmds\":[{\"entityType\":\"DEVICE\",\"entityId\":\"" + foreign + "\",\"cmdId\":7}]}", true)
                .get();
        JsonNode err = listener.next();
        assertThat(err.get("subscriptionId").asInt()).isEqualTo(7);
        assertThat(err.get("errorCode").asInt()).isEqualTo(3);
        ws.sendText("not json", true).get();
        assertThat(listener.next().get("errorCode").asInt()).isEqualTo(2);
        ws.abort();
    }

    /**
     * Numbers that are not numbers (text, objects, out of range) answer ThingsBoard's BAD_REQUEST (2) for
     * their command, log nothing, and leave no subscription behind; the connection goes on serving.
     */
    @Test
    void parametersOfTheWrongKindAnswerBadRequest() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Api tenant = anon.newTenant();
        String token = "ws-bad-" + suffix;
        String deviceId = Api.id(tenant.createDevice("ws-bad-" + suffix, token));
        String entity = "\"entityType\":\"DEVICE\",\"entityId\":\"" + deviceId + "\"";
        Listener listener = new Listener();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(anon.base().replace("http", "ws") + "/api/ws/plugins/telemetry?token="
                        + tenant.authToken()), listener).get(10, TimeUnit.SECONDS);
        String[] bad = {
                "{\"tsSubCmds\":[{" + entity + ",\"cmdId\":11,\"keys\":\"t\",\"startTs\":\"abc\"}]}",
                "{\"tsSubCmds\":[{" + entity + ",\"cmdId\":12,\"keys\":\"t\",\"timeWindow\":{}}]}",
                "{\"tsSubCmds\":[{" + entity + ",\"cmdId\":13,\"keys\":\"t\",\"startTs\":1,\"limit\":\"many\"}]}",
                "{\"tsSubCmds\":[{" + entity + ",\"cmdId\":14,\"keys\":[{}]}]}",
                "{\"attrSubCmds\":[{" + entity + ",\"cmdId\":15,\"keys\":{\"a\":1}}]}",
                "{\"historyCmds\":[{" + entity + ",\"cmdId\":16,\"keys\":\"t\",\"startTs\":[1],\"endTs\":2}]}",
                "{\"historyCmds\":[{" + entity + ",\"cmdId\":17,\"keys\":\"t\",\"startTs\":1,\"endTs\":1e400}]}",
                "{\"historyCmds\":[{" + entity + ",\"cmdId\":18,\"keys\":\"t\",\"startTs\":1,\"endTs\":2,\"interval\":true}]}",
        };
        try (LogWatch log = LogWatch.watch()) {
            for (String cmd : bad) {
                ws.sendText(cmd, true).get();
                JsonNode err = listener.next();
                assertThat(err.get("errorCode").asInt()).as(cmd).isEqualTo(2);
                assertThat(err.get("subscriptionId").asInt()).as(cmd).isBetween(11, 18);
            }
            // A cmdId beyond an int is no cmdId.
            ws.sendText("{\"tsSubCmds\":[{" + entity + ",\"cmdId\":10000000000,\"keys\":\"t\"}]}", true).get();
            assertThat(listener.next().get("errorCode").asInt()).isEqualTo(2);
            assertThat(log.lines("io.mote.rest")).isEmpty();
        }
        // Still serving, and the refused time-series subscriptions left nothing that pushes.
        ws.sendText("{\"tsSubCmds\":[{" + entity + ",\"cmdId\":20,\"keys\":\"t\",\"startTs\":\"0\"}]}", true).get();
        assertThat(listener.next().get("subscriptionId").asInt()).isEqualTo(20);
        anon.post("/api/v1/" + token + "/telemetry", "{\"t\":5}").ok();
        JsonNode update = listener.next();
        assertThat(update.get("subscriptionId").asInt()).isEqualTo(20);
        assertThat(update.at("/data/t/0/1").asString()).isEqualTo("5");
        ws.abort();
    }

    @Test
    void handshakeWithoutValidTokenIsRefused() {
        Listener listener = new Listener();
        var attempt = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(anon.base().replace("http", "ws") + "/api/ws/plugins/telemetry?token=bad"), listener);
        assertThat(attempt).failsWithin(10, TimeUnit.SECONDS);
    }
}
