package io.mote.server.it.mqtt;

import static io.mote.server.it.mqtt.MqttTestClients.json;
import static io.mote.server.it.mqtt.MqttTestClients.next;
import static io.mote.server.it.mqtt.MqttTestClients.publish;
import static io.mote.server.it.mqtt.MqttTestClients.publishes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.mote.server.it.Api;
import io.mote.server.it.TestServer;

/** The gateway API: child devices, their telemetry and attributes, and routing updates and RPC to them. */
class MqttGatewayTest {

    private final Api anon = TestServer.shared().api();

    @Test
    void gatewayFlows() throws Exception {
        Api.TestDevice gw = anon.newTenantWithGateway("gw");
        Api tenant = gw.tenant();
        String child = "Child " + UUID.randomUUID().toString().substring(0, 8);
        Mqtt5BlockingClient c = MqttTestClients.v5Token(gw.token());
        var in = publishes(c);
        c.subscribeWith().topicFilter("v1/gateway/attributes").qos(MqttQos.AT_LEAST_ONCE).send();
        c.subscribeWith().topicFilter("v1/gateway/rpc").qos(MqttQos.AT_LEAST_ONCE).send();
        c.subscribeWith().topicFilter("v1/gateway/attributes/response").qos(MqttQos.AT_LEAST_ONCE).send();

        publish(c, "v1/gateway/connect", "{\"device\":\"" + child + "\",\"type\":\"thermostat\"}");
        JsonNode dev = tenant.get("/api/tenant/devices?deviceName=" + URLEncoder.encode(child, StandardCharsets.UTF_8)).ok();
        assertThat(dev.get("type").asString()).isEqualTo("thermostat");
        assertThat(dev.get("additionalInfo").get("lastConnectedGateway").asString()).isEqualTo(gw.id());
        String childId = Api.id(dev);

        publish(c, "v1/gateway/telemetry", "{\"" + child + "\":[{\"ts\":1700000000000,\"values\":{\"temp\":21}}]}");
        JsonNode t = tenant.get("/api/plugins/telemetry/DEVICE/" + childId + "/values/timeseries?keys=temp").ok();
        assertThat(t.get("temp").get(0).get("value").asString()).isEqualTo("21");
        assertThat(t.get("temp").get(0).get("ts").asLong()).isEqualTo(1700000000000L);

        publish(c, "v1/gateway/attributes", "{\"" + child + "\":{\"model\":\"T1000\"}}");
        assertThat(tenant.get("/api/plugins/telemetry/DEVICE/" + childId + "/values/attributes/CLIENT_SCOPE").ok()
                .get(0).get("value").asString()).isEqualTo("T1000");

        // Shared attribute update of the child reaches the gateway.
        tenant.post("/api/plugins/telemetry/DEVICE/" + childId + "/attributes/SHARED_SCOPE", "{\"setpoint\":19}").ok();
        Mqtt5Publish m = next(in);
        assertThat(m.getTopic().toString()).isEqualTo("v1/gateway/attributes");
        assertThat(json(m).get("device").asString()).isEqualTo(child);
        assertThat(json(m).get("data").get("setpoint").asInt()).isEqualTo(19);

        // Attribute request: one key, then several.
        publish(c, "v1/gateway/attributes/request", "{\"id\":5,\"device\":\"" + child + "\",\"client\":false,\"key\":\"setpoint\"}");
        m = next(in);
        assertThat(m.getTopic().toString()).isEqualTo("v1/gateway/attributes/response");
        assertThat(json(m).get("id").asInt()).isEqualTo(5);
        assertThat(json(m).get("device").asString()).isEqualTo(child);
        assertThat(json(m).get("value").asInt()).isEqualTo(19);
        publish(c, "v1/gateway/attributes/request", "{\"id\":6,\"device\":\"" + child + "\",\"client\":true,\"keys\":[\"model\"]}");
        m = next(in);
        assertThat(json(m).get("values").get("model").asString()).isEqualTo("T1000");

        // RPC to the child through the gateway.
        CompletableFuture<Api.Res> call = CompletableFuture.supplyAsync(() -> tenant.post("/api/rpc/twoway/" + childId,
                "{\"method\":\"setTemp\",\"params\":{\"value\":20}}"));
        m = next(in);
        assertThat(m.getTopic().toString()).isEqualTo("v1/gateway/rpc");
        JsonNode rpc = json(m);
        assertThat(rpc.get("device").asString()).isEqualTo(child);
        assertThat(rpc.get("data").get("method").asString()).isEqualTo("setTemp");
        int id = rpc.get("data").get("id").asInt();
        publish(c, "v1/gateway/rpc", "{\"device\":\"" + child + "\",\"id\":" + id + ",\"data\":{\"success\":true}}");
        Api.Res answer = call.get(20, TimeUnit.SECONDS);
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.json().get("success").asBoolean()).isTrue();

        // Telemetry for a device never connected creates it too.
        String auto = "Auto " + UUID.randomUUID().toString().substring(0, 8);
        publish(c, "v1/gateway/telemetry", "{\"" + auto + "\":[{\"ts\":1700000000000,\"values\":{\"x\":1}}]}");
        assertThat(tenant.get("/api/tenant/devices?deviceName=" + URLEncoder.encode(auto, StandardCharsets.UTF_8)).status())
                .isEqualTo(200);

        publish(c, "v1/gateway/disconnect", "{\"device\":\"" + child + "\"}");
        c.disconnect();
    }

    /**
     * Values of the wrong kind in gateway payloads (an RPC id that is no integer, keys that are no names)
     * are refused with "payload format invalid", without a stack trace, and the gateway stays connected.
     */
    @Test
    void gatewayPayloadsWithValuesOfTheWrongKindAreRefused() throws Exception {
        Api.TestDevice gw = anon.newTenantWithGateway("gw-bad");
        String child = "Bad child " + UUID.randomUUID();
        Mqtt5BlockingClient c = MqttTestClients.v5Token(gw.token());
        publish(c, "v1/gateway/connect", "{\"device\":\"" + child + "\"}");
        String[][] bad = {
                {"v1/gateway/rpc", "{\"device\":\"" + child + "\",\"id\":\"abc\",\"data\":{}}"},
                {"v1/gateway/rpc", "{\"device\":\"" + child + "\",\"id\":1.5,\"data\":{}}"},
                {"v1/gateway/rpc", "{\"device\":\"" + child + "\",\"id\":{},\"data\":{}}"},
                {"v1/gateway/rpc", "{\"device\":\"" + child + "\",\"id\":1" + "0".repeat(30) + ",\"data\":{}}"},
                {"v1/gateway/attributes/request", "{\"id\":1,\"device\":\"" + child + "\",\"keys\":[{}]}"},
                {"v1/gateway/attributes/request", "{\"id\":1,\"device\":\"" + child + "\",\"keys\":[[1]]}"},
                {"v1/gateway/attributes/request", "{\"id\":\"x\",\"device\":\"" + child + "\",\"key\":\"k\"}"},
                {"v1/gateway/disconnect", "{\"device\":{\"name\":1}}"},
        };
        try (io.mote.server.it.LogWatch log = io.mote.server.it.LogWatch.watch()) {
            for (String[] b : bad) {
                assertThatThrownBy(() -> publish(c, b[0], b[1])).as(b[1])
                        .isInstanceOfSatisfying(Mqtt5PubAckException.class, e -> assertThat(
                                e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.PAYLOAD_FORMAT_INVALID));
            }
            assertThat(log.stackTraces()).isEmpty();
            assertThat(log.lines("io.mote")).hasSizeLessThanOrEqualTo(bad.length);
        }
        publish(c, "v1/gateway/telemetry", "{\"" + child + "\":{\"after\":1}}");
        assertThat(c.getState().isConnected()).isTrue();
        c.disconnect();
    }

    @Test
    void onlyGatewayDevicesMayUseTheGatewayTopics() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("notgw");
        String connect = "{\"device\":\"Child " + UUID.randomUUID() + "\"}";

        // MQTT 5, QoS 1: PUBACK "not authorized"; subscribing is refused the same way; the connection stays.
        Mqtt5BlockingClient c = MqttTestClients.v5Token(d.token());
        assertThatThrownBy(() -> publish(c, "v1/gateway/connect", connect))
                .isInstanceOfSatisfying(Mqtt5PubAckException.class, e -> assertThat(e.getMqttMessage().getReasonCode())
                        .isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED));
        assertThatThrownBy(() -> c.subscribeWith().topicFilter("v1/gateway/rpc").qos(MqttQos.AT_LEAST_ONCE).send())
                .isInstanceOfSatisfying(Mqtt5SubAckException.class, e -> assertThat(e.getMqttMessage().getReasonCodes()
                        .get(0)).isEqualTo(Mqtt5SubAckReasonCode.NOT_AUTHORIZED));
        publish(c, "v1/devices/me/telemetry", "{\"still\":1}");
        c.disconnect();

        // MQTT 3.1.1 has no reason codes: the connection is closed.
        Mqtt3BlockingClient c3 = MqttTestClients.v3Token(d.token());
        try {
            c3.publishWith().topic("v1/gateway/connect").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(connect.getBytes(StandardCharsets.UTF_8)).send();
        } catch (RuntimeException closedBeforePubAck) {
            // expected: no PUBACK comes
        }
        MqttTestClients.await("closed", () -> !c3.getState().isConnected());

        // Setting additionalInfo.gateway makes it a gateway, for connections open at that moment too.
        Mqtt5BlockingClient again = MqttTestClients.v5Token(d.token());
        JsonNode device = d.tenant().get("/api/device/" + d.id()).ok();
        ((tools.jackson.databind.node.ObjectNode) device).putObject("additionalInfo").put("gateway", true);
        d.tenant().post("/api/device", device).ok();
        MqttTestClients.await("gateway allowed", () -> {
            try {
                publish(again, "v1/gateway/connect", connect);
                return true;
            } catch (Mqtt5PubAckException e) {
                return false;
            }
        });
        again.disconnect();
    }

    @Test
    void gatewayAllowsClaimingOfAChild() {
        Api.TestDevice gw = anon.newTenantWithGateway("gw-claim");
        Api tenant = gw.tenant();
        String child = "Claimable " + UUID.randomUUID().toString().substring(0, 8);
        Mqtt5BlockingClient c = MqttTestClients.v5Token(gw.token());
        publish(c, "v1/gateway/connect", "{\"device\":\"" + child + "\"}");
        publish(c, "v1/gateway/claim", "{\"" + child + "\":{\"secretKey\":\"s3cret\",\"durationMs\":60000}}");
        c.disconnect();

        String customerId = Api.id(tenant.post("/api/customer",
                io.mote.common.json.Json.object().put("title", "C " + UUID.randomUUID())).ok());
        Api user = tenant.newCustomerUser(customerId);
        String path = "/api/customer/device/" + URLEncoder.encode(child, StandardCharsets.UTF_8).replace("+", "%20")
                + "/claim";
        assertThat(user.post(path, "{\"secretKey\":\"wrong\"}").status()).isEqualTo(400);
        // The wrong secret used the claim up; the gateway asks again and the right secret wins.
        c = MqttTestClients.v5Token(gw.token());
        publish(c, "v1/gateway/claim", "{\"" + child + "\":{\"secretKey\":\"s3cret\",\"durationMs\":60000}}");
        c.disconnect();
        JsonNode claimed = user.post(path, "{\"secretKey\":\"s3cret\"}").ok();
        assertThat(claimed.get("response").asString()).isEqualTo("SUCCESS");
        assertThat(claimed.get("device").get("customerId").get("id").asString()).isEqualTo(customerId);
    }
}
