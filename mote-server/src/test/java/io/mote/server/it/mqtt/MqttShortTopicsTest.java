package io.mote.server.it.mqtt;

import static io.mote.server.it.DeviceProtos.ATTRIBUTES;
import static io.mote.server.it.DeviceProtos.DEVICE_API;
import static io.mote.server.it.DeviceProtos.RPC_REQUEST;
import static io.mote.server.it.DeviceProtos.RPC_RESPONSE;
import static io.mote.server.it.DeviceProtos.TELEMETRY;
import static io.mote.server.it.DeviceProtos.encode;
import static io.mote.server.it.mqtt.MqttTestClients.json;
import static io.mote.server.it.mqtt.MqttTestClients.next;
import static io.mote.server.it.mqtt.MqttTestClients.publish;
import static io.mote.server.it.mqtt.MqttTestClients.publishes;
import static io.mote.server.it.mqtt.MqttTestClients.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;
import io.mote.server.it.Api;
import io.mote.server.it.DeviceProtos;
import io.mote.server.it.TestServer;

/**
 * ThingsBoard's short topics ({@code v2/t}, {@code v2/a}, {@code v2/a/req|res/+}, {@code v2/r/req|res/+})
 * with and without the {@code /j} (JSON) and {@code /p} (PROTOBUF) levels.
 */
class MqttShortTopicsTest {

    private final Api anon = TestServer.shared().api();

    @Test
    void jsonDeviceOnShortTopics() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("short");
        Mqtt5BlockingClient c = MqttTestClients.v5Token(d.token());
        var in = publishes(c);

        publish(c, "v2/t", "{\"a\":1}");
        publish(c, "v2/t/j", "{\"ts\":1700000000000,\"values\":{\"b\":2}}");
        publish(c, "v2/a", "{\"model\":\"T1\"}");
        publish(c, "v2/a/j", "{\"serial\":\"S9\"}");
        JsonNode ts = d.tenant().get("/api/plugins/telemetry/DEVICE/" + d.id() + "/values/timeseries?keys=a,b").ok();
        assertThat(ts.get("a").get(0).get("value").asString()).isEqualTo("1");
        assertThat(ts.get("b").get(0).get("ts").asLong()).isEqualTo(1700000000000L);
        String attrs = d.tenant().get("/api/plugins/telemetry/DEVICE/" + d.id() + "/values/attributes/CLIENT_SCOPE")
                .ok().toString();
        assertThat(attrs).contains("\"model\"").contains("\"serial\"");
        // PROTOBUF needs a profile with schemas.
        assertThatThrownBy(() -> publish(c, "v2/t/p", "{\"a\":1}")).isInstanceOfSatisfying(Mqtt5PubAckException.class,
                e -> assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.PAYLOAD_FORMAT_INVALID));

        // Shared-attribute updates on v2/a; attribute requests answered on v2/a/res/{id} and v2/a/res/j/{id}.
        c.subscribeWith().topicFilter("v2/a").qos(MqttQos.AT_LEAST_ONCE).send();
        c.subscribeWith().topicFilter("v2/a/res/+").qos(MqttQos.AT_LEAST_ONCE).send();
        c.subscribeWith().topicFilter("v2/a/res/j/+").qos(MqttQos.AT_LEAST_ONCE).send();
        d.tenant().post("/api/plugins/telemetry/DEVICE/" + d.id() + "/attributes/SHARED_SCOPE", "{\"target\":5}").ok();
        Mqtt5Publish m = next(in);
        assertThat(m.getTopic().toString()).isEqualTo("v2/a");
        assertThat(text(m)).isEqualTo("{\"target\":5}");
        publish(c, "v2/a/req/11", "{\"sharedKeys\":\"target\"}");
        m = next(in);
        assertThat(m.getTopic().toString()).isEqualTo("v2/a/res/11");
        assertThat(text(m)).isEqualTo("{\"shared\":{\"target\":5}}");
        publish(c, "v2/a/req/j/12", "{\"clientKeys\":\"model\"}");
        m = next(in);
        assertThat(m.getTopic().toString()).isEqualTo("v2/a/res/j/12");
        assertThat(json(m).get("client").get("model").asString()).isEqualTo("T1");

        // Server-side RPC on v2/r/req/{id}, answered on v2/r/res/{id}.
        c.subscribeWith().topicFilter("v2/r/req/+").qos(MqttQos.AT_LEAST_ONCE).send();
        CompletableFuture<Api.Res> call = CompletableFuture.supplyAsync(() -> d.tenant().post("/api/rpc/twoway/" + d.id(),
                "{\"method\":\"getValue\",\"params\":true}"));
        m = next(in);
        assertThat(m.getTopic().toString()).startsWith("v2/r/req/");
        assertThat(text(m)).isEqualTo("{\"method\":\"getValue\",\"params\":true}");
        String id = m.getTopic().toString().substring("v2/r/req/".length());
        publish(c, "v2/r/res/" + id, "{\"value\":3}");
        Api.Res answer = call.get(20, TimeUnit.SECONDS);
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.json().get("value").asInt()).isEqualTo(3);

        // Client-side RPC on v2/r/req/{id}: the answer comes on v2/r/res/{id}.
        c.subscribeWith().topicFilter("v2/r/res/+").qos(MqttQos.AT_LEAST_ONCE).send();
        publish(c, "v2/r/req/77", "{\"method\":\"getCurrentTime\",\"params\":{}}");
        m = next(in);
        assertThat(m.getTopic().toString()).isEqualTo("v2/r/res/77");
        assertThat(text(m)).contains("currentTime");
        c.disconnect();
    }

    @Test
    void protobufProfileOnShortTopicsWithTheJsonLevelToo() throws Exception {
        Api tenant = anon.newTenant();
        ObjectNode p = Json.object().put("name", "short-proto-" + UUID.randomUUID()).put("type", "DEFAULT")
                .put("transportType", "MQTT");
        ObjectNode tc = ((ObjectNode) p.putObject("profileData")).putObject("transportConfiguration");
        tc.put("type", "MQTT");
        tc.putObject("transportPayloadTypeConfiguration").put("transportPayloadType", "PROTOBUF")
                .put("deviceTelemetryProtoSchema", TELEMETRY).put("deviceAttributesProtoSchema", ATTRIBUTES)
                .put("deviceRpcRequestProtoSchema", RPC_REQUEST).put("deviceRpcResponseProtoSchema", RPC_RESPONSE);
        JsonNode profile = tenant.post("/api/deviceProfile", p).ok();
        String token = "short-proto-" + UUID.randomUUID();
        ObjectNode dev = Json.object().put("name", "short-proto-dev-" + UUID.randomUUID());
        dev.set("deviceProfileId", profile.get("id"));
        String id = Api.id(tenant.post("/api/device?accessToken=" + token, dev).ok());

        Mqtt5BlockingClient c = MqttTestClients.v5Token(token);
        var in = publishes(c);
        c.publishWith().topic("v2/t/p").qos(MqttQos.AT_LEAST_ONCE).payload(encode(TELEMETRY, "{\"temperature\":3.5}"))
                .send();
        c.publishWith().topic("v2/t").qos(MqttQos.AT_LEAST_ONCE).payload(encode(TELEMETRY, "{\"count\":4}")).send();
        // /j takes JSON even though the profile says PROTOBUF (without JSON compatibility).
        publish(c, "v2/t/j", "{\"viaJson\":true}");
        JsonNode ts = tenant.get("/api/plugins/telemetry/DEVICE/" + id
                + "/values/timeseries?keys=temperature,count,viaJson").ok();
        assertThat(ts.get("temperature").get(0).get("value").asString()).isEqualTo("3.5");
        assertThat(ts.get("count").get(0).get("value").asString()).isEqualTo("4");
        assertThat(ts.get("viaJson").get(0).get("value").asString()).isEqualTo("true");

        // PROTOBUF attribute request on v2/a/req/p/{id}, JSON one on v2/a/req/j/{id}.
        tenant.post("/api/plugins/telemetry/DEVICE/" + id + "/attributes/SHARED_SCOPE", "{\"limit\":8}").ok();
        c.subscribeWith().topicFilter("v2/a/res/p/+").qos(MqttQos.AT_LEAST_ONCE).send();
        c.subscribeWith().topicFilter("v2/a/res/j/+").qos(MqttQos.AT_LEAST_ONCE).send();
        c.publishWith().topic("v2/a/req/p/4").qos(MqttQos.AT_LEAST_ONCE)
                .payload(encode(DEVICE_API, "AttributesRequest", "{\"sharedKeys\":\"limit\"}")).send();
        Mqtt5Publish m = next(in);
        assertThat(m.getTopic().toString()).isEqualTo("v2/a/res/p/4");
        JsonNode response = DeviceProtos.decode(DEVICE_API, "GetAttributeResponseMsg", m.getPayloadAsBytes());
        assertThat(response.get("sharedAttributeList").get(0).get("kv").get("long_v").asLong()).isEqualTo(8);
        publish(c, "v2/a/req/j/5", "{\"sharedKeys\":\"limit\"}");
        m = next(in);
        assertThat(m.getTopic().toString()).isEqualTo("v2/a/res/j/5");
        assertThat(text(m)).isEqualTo("{\"shared\":{\"limit\":8}}");

        // RPC subscribed on the JSON level comes as JSON on v2/r/req/j/{id}.
        c.subscribeWith().topicFilter("v2/r/req/j/+").qos(MqttQos.AT_LEAST_ONCE).send();
        CompletableFuture<Api.Res> call = CompletableFuture.supplyAsync(() -> tenant.post("/api/rpc/twoway/" + id,
                "{\"method\":\"ping\",\"params\":{}}"));
        m = next(in);
        assertThat(m.getTopic().toString()).startsWith("v2/r/req/j/");
        assertThat(text(m)).isEqualTo("{\"method\":\"ping\",\"params\":{}}");
        publish(c, "v2/r/res/j/" + m.getTopic().toString().substring("v2/r/req/j/".length()), "{\"pong\":1}");
        assertThat(call.get(20, TimeUnit.SECONDS).json().get("pong").asInt()).isEqualTo(1);
        c.disconnect();
    }
}
