package io.mote.server.it.mqtt;

import static io.mote.server.it.mqtt.MqttTestClients.await;
import static io.mote.server.it.mqtt.MqttTestClients.json;
import static io.mote.server.it.mqtt.MqttTestClients.next;
import static io.mote.server.it.mqtt.MqttTestClients.publish;
import static io.mote.server.it.mqtt.MqttTestClients.publishes;
import static io.mote.server.it.mqtt.MqttTestClients.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;
import io.mote.core.session.DeviceSessionRegistry;
import io.mote.server.it.Api;
import io.mote.server.it.LogWatch;
import io.mote.server.it.TestServer;

/** The MQTT device topics with real MQTT 3.1.1 and 5 clients. */
class MqttDeviceApiTest {

    private final Api anon = TestServer.shared().api();
    private Api tenant;
    private String token;
    private String deviceId;
    private Mqtt5BlockingClient c5;
    private Mqtt3BlockingClient c3;

    @BeforeEach
    void device() {
        Api.TestDevice d = anon.newTenantWithDevice("mqtt");
        tenant = d.tenant();
        token = d.token();
        deviceId = d.id();
    }

    @AfterEach
    void disconnect() {
        if (c5 != null && c5.getState().isConnected()) {
            c5.disconnect();
        }
        if (c3 != null && c3.getState().isConnected()) {
            c3.disconnect();
        }
    }

    private JsonNode latest(String keys) {
        return tenant.get("/api/plugins/telemetry/DEVICE/" + deviceId + "/values/timeseries?keys=" + keys).ok();
    }

    private String attrs(String rest) {
        return "/api/plugins/telemetry/DEVICE/" + deviceId + rest;
    }

    @Test
    void telemetryInEveryFormIsStoredBeforePuback() {
        c5 = MqttTestClients.v5Token(token);
        publish(c5, "v1/devices/me/telemetry", "{\"temperature\":21.5,\"on\":true}");
        JsonNode t = latest("temperature,on");
        assertThat(t.get("temperature").get(0).get("value").asString()).isEqualTo("21.5");
        assertThat(t.get("on").get(0).get("value").asString()).isEqualTo("true");

        publish(c5, "v1/devices/me/telemetry", "{\"ts\":1700000000000,\"values\":{\"humidity\":40}}");
        assertThat(latest("humidity").get("humidity").get(0).get("ts").asLong()).isEqualTo(1700000000000L);

        c3 = MqttTestClients.v3Token(token);
        publish(c3, "v1/devices/me/telemetry",
                "[{\"ts\":1700000001000,\"values\":{\"pressure\":1}},{\"ts\":1700000002000,\"values\":{\"pressure\":2}}]");
        JsonNode p = latest("pressure").get("pressure").get(0);
        assertThat(p.get("ts").asLong()).isEqualTo(1700000002000L);
        assertThat(p.get("value").asString()).isEqualTo("2");

        // QoS 0 is stored as well (no acknowledgement to wait for).
        c3.publishWith().topic("v1/devices/me/telemetry").qos(MqttQos.AT_MOST_ONCE).payload("{\"q0\":7}".getBytes()).send();
        awaitKey("q0");
    }

    private void awaitKey(String key) throws RuntimeException {
        try {
            await(key, () -> latest(key).has(key));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void qos2PublishIsStoredOnce() {
        c5 = MqttTestClients.v5Token(token);
        c5.publishWith().topic("v1/devices/me/telemetry").qos(MqttQos.EXACTLY_ONCE).payload("{\"q2\":2}".getBytes()).send();
        assertThat(latest("q2").get("q2").get(0).get("value").asString()).isEqualTo("2");
    }

    @Test
    void clientAttributesAndAttributeRequest() throws Exception {
        c3 = MqttTestClients.v3Token(token);
        publish(c3, "v1/devices/me/attributes", "{\"fw\":\"1.0.3\",\"battery\":97}");
        JsonNode client = tenant.get(attrs("/values/attributes/CLIENT_SCOPE")).ok();
        assertThat(client).hasSize(2);
        tenant.post(attrs("/attributes/SHARED_SCOPE"), "{\"target\":22.5,\"mode\":\"eco\"}").ok();

        var in = publishes(c3);
        c3.subscribeWith().topicFilter("v1/devices/me/attributes/response/+").qos(MqttQos.AT_LEAST_ONCE).send();
        publish(c3, "v1/devices/me/attributes/request/1", "{\"clientKeys\":\"fw\",\"sharedKeys\":\"target,mode\"}");
        var m = next(in);
        assertThat(m.getTopic().toString()).isEqualTo("v1/devices/me/attributes/response/1");
        JsonNode body = json(m);
        assertThat(body.get("client").get("fw").asString()).isEqualTo("1.0.3");
        assertThat(body.get("shared").get("target").asDouble()).isEqualTo(22.5);
        assertThat(body.get("shared").get("mode").asString()).isEqualTo("eco");

        publish(c3, "v1/devices/me/attributes/request/2", "{\"sharedKeys\":\"mode\"}");
        body = json(next(in));
        assertThat(body.has("client")).isFalse();
        assertThat(body.get("shared").size()).isEqualTo(1);
    }

    @Test
    void sharedAttributeUpdatesAndDeletionsArePushed() throws Exception {
        c5 = MqttTestClients.v5Token(token);
        var in = publishes(c5);
        c5.subscribeWith().topicFilter("v1/devices/me/attributes").qos(MqttQos.AT_LEAST_ONCE).send();
        tenant.post(attrs("/attributes/SHARED_SCOPE"), "{\"target\":23}").ok();
        Mqtt5Publish m = next(in);
        assertThat(m.getTopic().toString()).isEqualTo("v1/devices/me/attributes");
        assertThat(json(m).get("target").asInt()).isEqualTo(23);
        tenant.delete(attrs("/SHARED_SCOPE?keys=target")).ok();
        JsonNode deleted = json(next(in));
        assertThat(deleted.get("deleted").get(0).asString()).isEqualTo("target");
    }

    @Test
    void serverSideRpcIsAnswered() throws Exception {
        c5 = MqttTestClients.v5Token(token);
        var in = publishes(c5);
        c5.subscribeWith().topicFilter("v1/devices/me/rpc/request/+").qos(MqttQos.AT_LEAST_ONCE).send();
        CompletableFuture<Api.Res> call = CompletableFuture.supplyAsync(() -> tenant.post("/api/rpc/twoway/" + deviceId,
                "{\"method\":\"setGpio\",\"params\":{\"pin\":23,\"value\":1}}"));
        Mqtt5Publish m = next(in);
        assertThat(m.getTopic().toString()).startsWith("v1/devices/me/rpc/request/");
        // As ThingsBoard sends it: the id is in the topic, not in the body.
        assertThat(text(m)).isEqualTo("{\"method\":\"setGpio\",\"params\":{\"pin\":23,\"value\":1}}");
        String id = m.getTopic().getLevels().get(5);
        assertThat(Integer.parseInt(id)).isPositive();
        publish(c5, "v1/devices/me/rpc/response/" + id, "{\"result\":\"ok\"}");
        Api.Res answer = call.get(20, TimeUnit.SECONDS);
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.json().get("result").asString()).isEqualTo("ok");
    }

    @Test
    void persistentRpcQueuedWhileAwayIsDeliveredOnSubscribe() throws Exception {
        JsonNode queued = tenant.post("/api/rpc/oneway/" + deviceId, "{\"method\":\"reboot\",\"params\":{},"
                + "\"persistent\":true,\"expirationTime\":" + (System.currentTimeMillis() + 600_000) + "}").ok();
        String rpcId = queued.get("rpcId").asString();
        c3 = MqttTestClients.v3Token(token);
        var in = publishes(c3);
        c3.subscribeWith().topicFilter("v1/devices/me/rpc/request/+").qos(MqttQos.AT_LEAST_ONCE).send();
        var m = next(in);
        assertThat(json(m).get("method").asString()).isEqualTo("reboot");
        await("delivered", () -> !tenant.get("/api/rpc/persistent/" + rpcId).ok().get("status").asString().equals("QUEUED"));
    }

    @Test
    void clientSideRpcIncludingSessionLimits() throws Exception {
        c5 = MqttTestClients.v5Token(token);
        var in = publishes(c5);
        c5.subscribeWith().topicFilter("v1/devices/me/rpc/response/+").qos(MqttQos.AT_LEAST_ONCE).send();
        publish(c5, "v1/devices/me/rpc/request/7", "{\"method\":\"getCurrentTime\",\"params\":{}}");
        Mqtt5Publish m = next(in);
        assertThat(m.getTopic().toString()).isEqualTo("v1/devices/me/rpc/response/7");
        assertThat(json(m).toString()).contains("currentTime");
        publish(c5, "v1/devices/me/rpc/request/8", "{\"method\":\"getSessionLimits\",\"params\":{}}");
        m = next(in);
        assertThat(m.getTopic().toString()).isEqualTo("v1/devices/me/rpc/response/8");
        assertThat(json(m).get("maxPayloadSize").asLong()).isPositive();
        publish(c5, "v1/devices/me/rpc/request/9", "{\"method\":\"nobodyHandlesThis\",\"params\":{}}");
        m = next(in);
        assertThat(text(m)).contains("error");
        // A request the device got wrong is answered, not logged (the fuzzer's devices made a WARN each).
        try (LogWatch log = LogWatch.watch()) {
            for (int id = 10; id < 15; id++) {
                publish(c5, "v1/devices/me/rpc/request/" + id, "{\"method\":\" \",\"params\":{}}");
                m = next(in);
                assertThat(m.getTopic().toString()).isEqualTo("v1/devices/me/rpc/response/" + id);
                assertThat(json(m).path("error").asString()).isEqualTo("RPC request must be {\"method\",\"params\"}");
            }
            assertThat(log.lines("io.mote.transport.mqtt")).isEmpty();
        }
    }

    @Test
    void customTopicsOfAnMqttProfile() throws Exception {
        ObjectNode p = Json.object().put("name", "mqtt-custom-" + UUID.randomUUID()).put("type", "DEFAULT")
                .put("transportType", "MQTT");
        ObjectNode tc = ((ObjectNode) p.putObject("profileData")).putObject("transportConfiguration");
        tc.put("type", "MQTT").put("deviceTelemetryTopic", "sensors/+/telemetry")
                .put("deviceAttributesTopic", "sensors/+/attributes").put("deviceAttributesSubscribeTopic", "sensors/shared");
        tc.putObject("transportPayloadTypeConfiguration").put("transportPayloadType", "JSON");
        JsonNode profile = tenant.post("/api/deviceProfile", p).ok();
        String tok = "custom-" + UUID.randomUUID();
        ObjectNode d = Json.object().put("name", "custom-" + UUID.randomUUID());
        d.set("deviceProfileId", profile.get("id"));
        ObjectNode data = d.putObject("deviceData");
        data.putObject("configuration").put("type", "DEFAULT");
        data.putObject("transportConfiguration").put("type", "MQTT");
        deviceId = Api.id(tenant.post("/api/device?accessToken=" + tok, d).ok());

        c5 = MqttTestClients.v5Token(tok);
        publish(c5, "sensors/kitchen/telemetry", "{\"custom\":5}");
        assertThat(latest("custom").get("custom").get(0).get("value").asString()).isEqualTo("5");
        publish(c5, "sensors/kitchen/attributes", "{\"where\":\"kitchen\"}");
        assertThat(tenant.get(attrs("/values/attributes/CLIENT_SCOPE")).ok().get(0).get("key").asString()).isEqualTo("where");
        var in = publishes(c5);
        c5.subscribeWith().topicFilter("sensors/shared").qos(MqttQos.AT_LEAST_ONCE).send();
        tenant.post(attrs("/attributes/SHARED_SCOPE"), "{\"rate\":5}").ok();
        Mqtt5Publish m = next(in);
        assertThat(m.getTopic().toString()).isEqualTo("sensors/shared");
        assertThat(json(m).get("rate").asInt()).isEqualTo(5);
    }

    @Test
    void deletingTheDeviceOrChangingItsCredentialsClosesTheSession() throws Exception {
        c5 = MqttTestClients.v5Token(token);
        DeviceSessionRegistry registry = TestServer.shared().bean(DeviceSessionRegistry.class);
        await("session", () -> registry.isConnected(UUID.fromString(deviceId)));
        ObjectNode creds = (ObjectNode) tenant.get("/api/device/" + deviceId + "/credentials").ok().deepCopy();
        creds.put("credentialsId", "changed-" + UUID.randomUUID());
        tenant.post("/api/device/credentials", creds).ok();
        await("disconnect", () -> !c5.getState().isConnected());

        String other = "del-" + UUID.randomUUID();
        String otherId = Api.id(tenant.createDevice("del-" + UUID.randomUUID(), other));
        c3 = MqttTestClients.v3Token(other);
        await("session", () -> registry.isConnected(UUID.fromString(otherId)));
        tenant.delete("/api/device/" + otherId).ok();
        await("disconnect", () -> !c3.getState().isConnected());
    }
}
