package io.mote.server.it.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.junit.jupiter.api.Test;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;

import tools.jackson.databind.JsonNode;

import io.mote.server.it.Api;
import io.mote.server.it.LogWatch;
import io.mote.server.it.TestServer;
import io.mote.server.it.coap.Coap;

/**
 * A number too large for a double ({@code 1} followed by 400 zeros) on every path that takes device
 * values: stored as its decimal text, as ThingsBoard does, never a 5xx and never a stack trace.
 */
class HugeNumberTest {

    private static final String HUGE = "1" + "0".repeat(400);
    private static final String BODY = "{\"n\":" + HUGE + ",\"big\":" + "9".repeat(25) + ",\"ok\":5}";

    private final TestServer server = TestServer.shared();
    private final Api anon = server.api();

    private static void assertStored(Api tenant, String deviceId) {
        JsonNode v = tenant.get("/api/plugins/telemetry/DEVICE/" + deviceId + "/values/timeseries?keys=n,big,ok").ok();
        assertThat(v.get("n").get(0).get("value").asString()).isEqualTo(HUGE);
        // Past a long but within a double: a double, as ThingsBoard stores it.
        assertThat(Double.parseDouble(v.get("big").get(0).get("value").asString())).isEqualTo(1e25);
        assertThat(v.get("ok").get(0).get("value").asString()).isEqualTo("5");
    }

    private static void assertAttribute(Api tenant, String deviceId, String scope) {
        JsonNode a = tenant.get("/api/plugins/telemetry/DEVICE/" + deviceId + "/values/attributes/" + scope + "?keys=n")
                .ok();
        assertThat(a.get(0).get("value").asString()).isEqualTo(HUGE);
    }

    @Test
    void httpDeviceApiStoresIt() {
        try (LogWatch log = LogWatch.watch()) {
            Api.TestDevice d = anon.newTenantWithDevice("huge-http");
            assertThat(anon.post("/api/v1/" + d.token() + "/telemetry", BODY).status()).isEqualTo(200);
            assertThat(anon.post("/api/v1/" + d.token() + "/telemetry",
                    "{\"ts\":1700000000000,\"values\":" + BODY + "}").status()).isEqualTo(200);
            assertThat(anon.post("/api/v1/" + d.token() + "/attributes", BODY).status()).isEqualTo(200);
            assertStored(d.tenant(), d.id());
            assertAttribute(d.tenant(), d.id(), "CLIENT_SCOPE");
            assertThat(log.stackTraces()).isEmpty();
        }
    }

    @Test
    void restTimeseriesAndAttributesStoreIt() {
        try (LogWatch log = LogWatch.watch()) {
            Api.TestDevice d = anon.newTenantWithDevice("huge-rest");
            String base = "/api/plugins/telemetry/DEVICE/" + d.id();
            assertThat(d.tenant().post(base + "/timeseries/ANY", BODY).status()).isEqualTo(200);
            assertThat(d.tenant().post(base + "/attributes/SERVER_SCOPE", BODY).status()).isEqualTo(200);
            assertStored(d.tenant(), d.id());
            assertAttribute(d.tenant(), d.id(), "SERVER_SCOPE");
            assertThat(log.stackTraces()).isEmpty();
        }
    }

    @Test
    void coapStoresIt() throws Exception {
        try (LogWatch log = LogWatch.watch()) {
            Api.TestDevice d = anon.newTenantWithDevice("huge-coap");
            CoapClient c = Coap.client("/");
            try {
                c.setURI(Coap.uri("/api/v1/" + d.token() + "/telemetry"));
                assertThat(c.post(BODY, MediaTypeRegistry.APPLICATION_JSON).getCode()).isEqualTo(ResponseCode.CREATED);
                c.setURI(Coap.uri("/api/v1/" + d.token() + "/attributes"));
                assertThat(c.post(BODY, MediaTypeRegistry.APPLICATION_JSON).getCode()).isEqualTo(ResponseCode.CREATED);
            } finally {
                c.shutdown();
            }
            assertStored(d.tenant(), d.id());
            assertAttribute(d.tenant(), d.id(), "CLIENT_SCOPE");
            assertThat(log.stackTraces()).isEmpty();
        }
    }

    @Test
    void mqttDeviceAndGatewayStoreIt() {
        try (LogWatch log = LogWatch.watch()) {
            Api.TestDevice d = anon.newTenantWithDevice("huge-mqtt");
            Mqtt5BlockingClient c = connect(d.token());
            try {
                assertThat(publish(c, "v1/devices/me/telemetry", BODY).getPubAck().getReasonCode())
                        .isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
                assertThat(publish(c, "v1/devices/me/attributes", BODY).getPubAck().getReasonCode())
                        .isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
            } finally {
                c.disconnect();
            }
            assertStored(d.tenant(), d.id());
            assertAttribute(d.tenant(), d.id(), "CLIENT_SCOPE");

            Api.TestDevice gw = anon.newTenantWithGateway("huge-gw");
            String child = "huge-child-" + UUID.randomUUID();
            Mqtt5BlockingClient g = connect(gw.token());
            try {
                assertThat(publish(g, "v1/gateway/telemetry", "{\"" + child + "\":[" + BODY + "]}").getPubAck().getReasonCode())
                        .isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
                assertThat(publish(g, "v1/gateway/attributes", "{\"" + child + "\":" + BODY + "}").getPubAck().getReasonCode())
                        .isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
            } finally {
                g.disconnect();
            }
            String childId = Api.id(gw.tenant().get("/api/tenant/devices?deviceName=" + child).ok());
            assertStored(gw.tenant(), childId);
            assertAttribute(gw.tenant(), childId, "CLIENT_SCOPE");
            assertThat(log.stackTraces()).isEmpty();
        }
    }

    static Mqtt5BlockingClient connect(String token) {
        Mqtt5BlockingClient c = Mqtt5Client.builder().identifier("c-" + UUID.randomUUID()).serverHost("127.0.0.1")
                .serverPort(TestServer.shared().mqttPort()).buildBlocking();
        c.connectWith().simpleAuth().username(token).applySimpleAuth().keepAlive(30).send();
        return c;
    }

    static Mqtt5PublishResult.Mqtt5Qos1Result publish(Mqtt5BlockingClient c, String topic, String payload) {
        return (Mqtt5PublishResult.Mqtt5Qos1Result) c.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
                .payload(payload.getBytes(StandardCharsets.UTF_8)).send();
    }
}
