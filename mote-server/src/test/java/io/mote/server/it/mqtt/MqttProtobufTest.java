package io.mote.server.it.mqtt;

import static io.mote.server.it.DeviceProtos.ATTRIBUTES;
import static io.mote.server.it.DeviceProtos.DEVICE_API;
import static io.mote.server.it.DeviceProtos.RPC_REQUEST;
import static io.mote.server.it.DeviceProtos.RPC_RESPONSE;
import static io.mote.server.it.DeviceProtos.TELEMETRY;
import static io.mote.server.it.DeviceProtos.encode;
import static io.mote.server.it.mqtt.MqttTestClients.next;
import static io.mote.server.it.mqtt.MqttTestClients.publish;
import static io.mote.server.it.mqtt.MqttTestClients.publishes;
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
 * PROTOBUF payloads of an MQTT device profile: a real client publishes protobuf-encoded telemetry,
 * attributes, attribute requests and RPC answers, and decodes the protobuf it receives.
 */
class MqttProtobufTest {


    private final Api tenant = TestServer.shared().api().newTenant();

    private String protobufDevice(boolean jsonCompatible) {
        ObjectNode p = Json.object().put("name", "proto-" + UUID.randomUUID()).put("type", "DEFAULT")
                .put("transportType", "MQTT");
        ObjectNode tc = ((ObjectNode) p.putObject("profileData")).putObject("transportConfiguration");
        tc.put("type", "MQTT");
        tc.putObject("transportPayloadTypeConfiguration").put("transportPayloadType", "PROTOBUF")
                .put("deviceTelemetryProtoSchema", TELEMETRY).put("deviceAttributesProtoSchema", ATTRIBUTES)
                .put("deviceRpcRequestProtoSchema", RPC_REQUEST).put("deviceRpcResponseProtoSchema", RPC_RESPONSE)
                .put("enableCompatibilityWithJsonPayloadFormat", jsonCompatible)
                .put("useJsonPayloadFormatForDefaultDownlinkTopics", false);
        JsonNode profile = tenant.post("/api/deviceProfile", p).ok();
        String token = "proto-" + UUID.randomUUID();
        ObjectNode d = Json.object().put("name", "proto-dev-" + UUID.randomUUID());
        d.set("deviceProfileId", profile.get("id"));
        tenant.post("/api/device?accessToken=" + token, d).ok();
        return token;
    }


    private static JsonNode decode(String schema, String messageName, Mqtt5Publish m) throws Exception {
        return DeviceProtos.decode(schema, messageName, m.getPayloadAsBytes());
    }

    private static void publishBytes(Mqtt5BlockingClient c, String topic, byte[] payload) {
        c.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send();
    }

    @Test
    void protobufTelemetryAttributesAndRpc() throws Exception {
        String token = protobufDevice(true);
        JsonNode devices = tenant.get("/api/tenant/devices?pageSize=10&page=0").ok();
        String id = Api.id(devices.get("data").get(0));
        Mqtt5BlockingClient c = MqttTestClients.v5Token(token);
        var in = publishes(c);
        c.subscribeWith().topicFilter("v1/devices/me/attributes").qos(MqttQos.AT_LEAST_ONCE).send();
        c.subscribeWith().topicFilter("v1/devices/me/attributes/response/+").qos(MqttQos.AT_LEAST_ONCE).send();
        c.subscribeWith().topicFilter("v1/devices/me/rpc/request/+").qos(MqttQos.AT_LEAST_ONCE).send();

        // Telemetry and attributes in the profile's messages.
        publishBytes(c, "v1/devices/me/telemetry", encode(TELEMETRY,
                "{\"temperature\":21.5,\"count\":7,\"inner\":{\"label\":\"east\"},\"mode\":\"RUNNING\"}"));
        JsonNode t = tenant.get("/api/plugins/telemetry/DEVICE/" + id
                + "/values/timeseries?keys=temperature,count,inner,mode").ok();
        assertThat(t.get("temperature").get(0).get("value").asString()).isEqualTo("21.5");
        assertThat(t.get("count").get(0).get("value").asString()).isEqualTo("7");
        assertThat(Json.parse(t.get("inner").get(0).get("value").asString()).get("label").asString()).isEqualTo("east");
        assertThat(t.get("mode").get(0).get("value").asString()).isEqualTo("RUNNING");

        publishBytes(c, "v1/devices/me/attributes", encode(ATTRIBUTES, "{\"firmwareVersion\":\"1.2.3\"}"));
        JsonNode client = tenant.get("/api/plugins/telemetry/DEVICE/" + id + "/values/attributes/CLIENT_SCOPE").ok();
        assertThat(client.toString()).contains("firmwareVersion").contains("1.2.3");

        // Compatibility mode: JSON is accepted too.
        publish(c, "v1/devices/me/telemetry", "{\"jsonKey\":42}");
        t = tenant.get("/api/plugins/telemetry/DEVICE/" + id + "/values/timeseries?keys=jsonKey").ok();
        assertThat(t.get("jsonKey").get(0).get("value").asString()).isEqualTo("42");

        // A shared attribute update arrives as AttributeUpdateNotificationMsg.
        tenant.post("/api/plugins/telemetry/DEVICE/" + id + "/attributes/SHARED_SCOPE", "{\"setpoint\":19}").ok();
        Mqtt5Publish m = next(in);
        assertThat(m.getTopic().toString()).isEqualTo("v1/devices/me/attributes");
        JsonNode update = decode(DEVICE_API, "AttributeUpdateNotificationMsg", m);
        JsonNode kv = update.get("sharedUpdated").get(0).get("kv");
        assertThat(kv.get("key").asString()).isEqualTo("setpoint");
        assertThat(kv.get("type").asString()).isEqualTo("LONG_V");
        assertThat(kv.get("long_v").asLong()).isEqualTo(19);

        // An attribute request (AttributesRequest) is answered with GetAttributeResponseMsg.
        publishBytes(c, "v1/devices/me/attributes/request/3", encode(DEVICE_API, "AttributesRequest", "{\"sharedKeys\":\"setpoint\"}"));
        m = next(in);
        assertThat(m.getTopic().toString()).isEqualTo("v1/devices/me/attributes/response/3");
        JsonNode response = decode(DEVICE_API, "GetAttributeResponseMsg", m);
        assertThat(response.get("requestId").asInt()).isEqualTo(3);
        assertThat(response.get("sharedAttributeList").get(0).get("kv").get("long_v").asLong()).isEqualTo(19);
        assertThat(response.has("clientAttributeList")).isFalse();

        // Server-side RPC: RpcRequestMsg out, RpcResponseMsg back.
        CompletableFuture<Api.Res> call = CompletableFuture.supplyAsync(() -> tenant.post("/api/rpc/twoway/" + id,
                "{\"method\":\"setMode\",\"params\":{\"mode\":\"eco\"}}"));
        m = next(in);
        JsonNode rpc = decode(RPC_REQUEST, "RpcRequestMsg", m);
        assertThat(rpc.get("method").asString()).isEqualTo("setMode");
        assertThat(Json.parse(rpc.get("params").asString()).get("mode").asString()).isEqualTo("eco");
        int requestId = rpc.get("requestId").asInt();
        assertThat(m.getTopic().toString()).isEqualTo("v1/devices/me/rpc/request/" + requestId);
        publishBytes(c, "v1/devices/me/rpc/response/" + requestId, encode(RPC_RESPONSE, "{\"payload\":\"done\"}"));
        Api.Res answer = call.get(20, TimeUnit.SECONDS);
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.json().get("payload").asString()).isEqualTo("done");
        c.disconnect();
    }

    @Test
    void withoutCompatibilityJsonIsRefusedAndGarbageToo() {
        String token = protobufDevice(false);
        Mqtt5BlockingClient c = MqttTestClients.v5Token(token);
        assertThatThrownBy(() -> publish(c, "v1/devices/me/telemetry", "{\"jsonKey\":42}"))
                .isInstanceOfSatisfying(Mqtt5PubAckException.class, e -> assertThat(e.getMqttMessage().getReasonCode())
                        .isEqualTo(Mqtt5PubAckReasonCode.PAYLOAD_FORMAT_INVALID));
        assertThatThrownBy(() -> publishBytes(c, "v1/devices/me/telemetry", new byte[] {(byte) 0xff, 0x01, 0x02}))
                .isInstanceOfSatisfying(Mqtt5PubAckException.class, e -> assertThat(e.getMqttMessage().getReasonCode())
                        .isEqualTo(Mqtt5PubAckReasonCode.PAYLOAD_FORMAT_INVALID));
        publishBytes(c, "v1/devices/me/telemetry", encode(TELEMETRY, "{\"temperature\":1}"));
        c.disconnect();
    }

    @Test
    void aProfileWithABadSchemaIsRefused() {
        ObjectNode p = Json.object().put("name", "proto-bad-" + UUID.randomUUID()).put("type", "DEFAULT")
                .put("transportType", "MQTT");
        ObjectNode tc = ((ObjectNode) p.putObject("profileData")).putObject("transportConfiguration");
        tc.put("type", "MQTT");
        tc.putObject("transportPayloadTypeConfiguration").put("transportPayloadType", "PROTOBUF")
                .put("deviceTelemetryProtoSchema", "syntax = \"proto3\"; message M { optional strin x = 1; }");
        Api.Res res = tenant.post("/api/deviceProfile", p);
        assertThat(res.status()).isEqualTo(400);
        assertThat(res.json().get("message").asString()).contains("deviceTelemetryProtoSchema");

        tc.putObject("transportPayloadTypeConfiguration").put("transportPayloadType", "PROTOBUF")
                .put("deviceAttributesProtoSchema", "message M { optional string x = 1; }");
        res = tenant.post("/api/deviceProfile", p);
        assertThat(res.status()).isEqualTo(400);
        assertThat(res.json().get("message").asString()).contains("deviceAttributesProtoSchema").contains("proto3");
    }
}
