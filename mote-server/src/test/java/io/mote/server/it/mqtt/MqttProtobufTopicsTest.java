package io.mote.server.it.mqtt;

import static io.mote.server.it.DeviceProtos.MQTT_API;
import static io.mote.server.it.DeviceProtos.encode;
import static io.mote.server.it.mqtt.MqttTestClients.next;
import static io.mote.server.it.mqtt.MqttTestClients.publishes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
 * PROTOBUF payloads on the topics of ThingsBoard's fixed messages (claiming, client-side RPC, the gateway
 * API) for a PROTOBUF profile: a HiveMQ client publishes and decodes them as a device built against
 * ThingsBoard's transport messages does.
 */
class MqttProtobufTopicsTest {

    private final Api tenant = TestServer.shared().api().newTenant();

    /** A device of a fresh PROTOBUF profile; returns {token, id, name}. */
    private String[] protobufDevice(boolean gateway) {
        ObjectNode p = Json.object().put("name", "proto-api-" + UUID.randomUUID()).put("type", "DEFAULT")
                .put("transportType", "MQTT");
        ObjectNode tc = ((ObjectNode) p.putObject("profileData")).putObject("transportConfiguration");
        tc.put("type", "MQTT");
        tc.putObject("transportPayloadTypeConfiguration").put("transportPayloadType", "PROTOBUF");
        JsonNode profile = tenant.post("/api/deviceProfile", p).ok();
        String token = "proto-api-" + UUID.randomUUID();
        String name = "proto-api-dev-" + UUID.randomUUID();
        ObjectNode d = Json.object().put("name", name);
        d.set("deviceProfileId", profile.get("id"));
        d.putObject("additionalInfo").put("gateway", gateway);
        return new String[] {token, Api.id(tenant.post("/api/device?accessToken=" + token, d).ok()), name};
    }

    private static void publish(Mqtt5BlockingClient c, String topic, String message, String json) {
        c.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(encode(MQTT_API, message, json)).send();
    }

    private static JsonNode decode(String message, Mqtt5Publish m) throws Exception {
        return DeviceProtos.decode(MQTT_API, message, m.getPayloadAsBytes());
    }

    private static String encoded(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Test
    void claimAndClientSideRpc() throws Exception {
        String[] dev = protobufDevice(false);
        Mqtt5BlockingClient c = MqttTestClients.v5Token(dev[0]);
        var in = publishes(c);
        c.subscribeWith().topicFilter("v1/devices/me/rpc/response/+").qos(MqttQos.AT_LEAST_ONCE).send();

        // ClaimDevice, then a customer user claims with the secret.
        publish(c, "v1/devices/me/claim", "ClaimDevice", "{\"secretKey\":\"s3cret\",\"durationMs\":60000}");
        String customerId = Api.id(tenant.post("/api/customer", Json.object().put("title", "C " + UUID.randomUUID())).ok());
        JsonNode claimed = tenant.newCustomerUser(customerId).post("/api/customer/device/" + encoded(dev[2]) + "/claim",
                Json.write(Json.object().put("secretKey", "s3cret"))).ok();
        assertThat(claimed.get("response").asString()).isEqualTo("SUCCESS");

        // RpcRequest in, ToServerRpcResponseMsg out.
        publish(c, "v1/devices/me/rpc/request/5", "RpcRequest", "{\"method\":\"getCurrentTime\",\"params\":\"{}\"}");
        Mqtt5Publish m = next(in);
        assertThat(m.getTopic().toString()).isEqualTo("v1/devices/me/rpc/response/5");
        JsonNode answer = decode("ToServerRpcResponseMsg", m);
        assertThat(answer.get("requestId").asInt()).isEqualTo(5);
        assertThat(Json.parse(answer.get("payload").asString()).get("currentTime").asLong()).isPositive();
        assertThat(answer.get("error").asString()).isEmpty();

        // JSON on these topics is refused for a PROTOBUF profile without compatibility mode.
        assertThatThrownBy(() -> MqttTestClients.publish(c, "v1/devices/me/claim", "{\"secretKey\":\"x\"}"))
                .isInstanceOfSatisfying(Mqtt5PubAckException.class, e -> assertThat(e.getMqttMessage().getReasonCode())
                        .isEqualTo(Mqtt5PubAckReasonCode.PAYLOAD_FORMAT_INVALID));
    }

    @Test
    void gatewayTopics() throws Exception {
        String[] gw = protobufDevice(true);
        String child = "Meter " + UUID.randomUUID().toString().substring(0, 8);
        Mqtt5BlockingClient c = MqttTestClients.v5Token(gw[0]);
        var in = publishes(c);
        c.subscribeWith().topicFilter("v1/gateway/attributes").qos(MqttQos.AT_LEAST_ONCE).send();
        c.subscribeWith().topicFilter("v1/gateway/rpc").qos(MqttQos.AT_LEAST_ONCE).send();
        c.subscribeWith().topicFilter("v1/gateway/attributes/response").qos(MqttQos.AT_LEAST_ONCE).send();

        publish(c, "v1/gateway/connect", "ConnectMsg", "{\"deviceName\":\"" + child + "\",\"deviceType\":\"meter\"}");
        JsonNode dev = tenant.get("/api/tenant/devices?deviceName=" + encoded(child)).ok();
        assertThat(dev.get("type").asString()).isEqualTo("meter");
        String childId = Api.id(dev);

        publish(c, "v1/gateway/telemetry", "GatewayTelemetryMsg", "{\"msg\":[{\"deviceName\":\"" + child + "\",\"msg\":"
                + "{\"tsKvList\":[{\"ts\":1700000000000,\"kv\":[{\"key\":\"power\",\"type\":\"DOUBLE_V\",\"double_v\":1.25},"
                + "{\"key\":\"cfg\",\"type\":\"JSON_V\",\"json_v\":\"{\\\"a\\\":1}\"}]}]}}]}");
        JsonNode t = tenant.get("/api/plugins/telemetry/DEVICE/" + childId + "/values/timeseries?keys=power,cfg").ok();
        assertThat(t.get("power").get(0).get("value").asString()).isEqualTo("1.25");
        assertThat(t.get("power").get(0).get("ts").asLong()).isEqualTo(1700000000000L);
        assertThat(Json.parse(t.get("cfg").get(0).get("value").asString()).get("a").asInt()).isEqualTo(1);

        publish(c, "v1/gateway/attributes", "GatewayAttributesMsg", "{\"msg\":[{\"deviceName\":\"" + child + "\",\"msg\":"
                + "{\"kv\":[{\"key\":\"model\",\"type\":\"STRING_V\",\"string_v\":\"M-7\"}]}}]}");
        assertThat(tenant.get("/api/plugins/telemetry/DEVICE/" + childId + "/values/attributes/CLIENT_SCOPE").ok()
                .toString()).contains("M-7");

        // GatewayAttributesRequestMsg, answered with GatewayAttributeResponseMsg.
        publish(c, "v1/gateway/attributes/request", "GatewayAttributesRequestMsg",
                "{\"id\":7,\"deviceName\":\"" + child + "\",\"client\":true,\"keys\":[\"model\"]}");
        Mqtt5Publish m = next(in);
        assertThat(m.getTopic().toString()).isEqualTo("v1/gateway/attributes/response");
        JsonNode response = decode("GatewayAttributeResponseMsg", m);
        assertThat(response.get("deviceName").asString()).isEqualTo(child);
        assertThat(response.get("responseMsg").get("requestId").asInt()).isEqualTo(7);
        assertThat(response.get("responseMsg").get("clientAttributeList").get(0).get("kv").get("string_v").asString())
                .isEqualTo("M-7");

        // A shared attribute update of the child: GatewayAttributeUpdateNotificationMsg.
        tenant.post("/api/plugins/telemetry/DEVICE/" + childId + "/attributes/SHARED_SCOPE", "{\"limit\":40}").ok();
        m = next(in);
        assertThat(m.getTopic().toString()).isEqualTo("v1/gateway/attributes");
        JsonNode update = decode("GatewayAttributeUpdateNotificationMsg", m);
        assertThat(update.get("deviceName").asString()).isEqualTo(child);
        JsonNode kv = update.get("notificationMsg").get("sharedUpdated").get(0).get("kv");
        assertThat(kv.get("key").asString()).isEqualTo("limit");
        assertThat(kv.get("long_v").asLong()).isEqualTo(40);

        // RPC to the child: GatewayDeviceRpcRequestMsg out, GatewayRpcResponseMsg back.
        CompletableFuture<Api.Res> call = CompletableFuture.supplyAsync(() -> tenant.post("/api/rpc/twoway/" + childId,
                "{\"method\":\"reset\",\"params\":{\"hard\":true}}"));
        m = next(in);
        assertThat(m.getTopic().toString()).isEqualTo("v1/gateway/rpc");
        JsonNode rpc = decode("GatewayDeviceRpcRequestMsg", m);
        assertThat(rpc.get("deviceName").asString()).isEqualTo(child);
        assertThat(rpc.get("rpcRequestMsg").get("methodName").asString()).isEqualTo("reset");
        assertThat(Json.parse(rpc.get("rpcRequestMsg").get("params").asString()).get("hard").asBoolean()).isTrue();
        int id = rpc.get("rpcRequestMsg").get("requestId").asInt();
        publish(c, "v1/gateway/rpc", "GatewayRpcResponseMsg",
                "{\"deviceName\":\"" + child + "\",\"id\":" + id + ",\"data\":\"{\\\"done\\\":true}\"}");
        Api.Res answer = call.get(20, TimeUnit.SECONDS);
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.json().get("done").asBoolean()).isTrue();

        // GatewayClaimMsg, then DisconnectMsg.
        publish(c, "v1/gateway/claim", "GatewayClaimMsg", "{\"msg\":[{\"deviceName\":\"" + child
                + "\",\"claimRequest\":{\"secretKey\":\"k\",\"durationMs\":60000}}]}");
        String customerId = Api.id(tenant.post("/api/customer", Json.object().put("title", "C " + UUID.randomUUID())).ok());
        JsonNode claimed = tenant.newCustomerUser(customerId).post("/api/customer/device/" + encoded(child) + "/claim",
                Json.write(Json.object().put("secretKey", "k"))).ok();
        assertThat(claimed.get("response").asString()).isEqualTo("SUCCESS");
        publish(c, "v1/gateway/disconnect", "DisconnectMsg", "{\"deviceName\":\"" + child + "\"}");
        // A message naming no device is refused.
        assertThatThrownBy(() -> publish(c, "v1/gateway/connect", "ConnectMsg", "{\"deviceType\":\"meter\"}"))
                .isInstanceOfSatisfying(Mqtt5PubAckException.class, e -> assertThat(e.getMqttMessage().getReasonCode())
                        .isEqualTo(Mqtt5PubAckReasonCode.PAYLOAD_FORMAT_INVALID));
        c.disconnect();
    }
}
