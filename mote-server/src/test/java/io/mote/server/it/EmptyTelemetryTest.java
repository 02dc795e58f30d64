package io.mote.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.junit.jupiter.api.Test;

/**
 * An empty telemetry message ({@code {}}, {@code []}, {@code {"ts":..,"values":{}}}) is a success that
 * stores nothing, on every transport, as ThingsBoard answers it: the ThingsBoard SDK's HTTP client
 * probes a connection with {@code {}} and gives up on anything but 200.
 */
class EmptyTelemetryTest {

    private static final List<String> EMPTY = List.of("{}", "[]", "{\"ts\":1700000000000,\"values\":{}}", "[{}]");

    private final TestServer server = TestServer.shared();
    private final Api anon = server.api();

    @Test
    void httpAnswers200AndStoresNothing() {
        Api.TestDevice d = anon.newTenantWithDevice("empty-http");
        for (String body : EMPTY) {
            Api.Res r = anon.post("/api/v1/" + d.token() + "/telemetry", body);
            assertThat(r.status()).as(body + ": " + r.text()).isEqualTo(200);
        }
        assertNothingStored(d);
    }

    @Test
    void coapAnswersCreatedAndStoresNothing() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("empty-coap");
        CoapClient c = new CoapClient("coap://127.0.0.1:" + server.coapPort() + "/api/v1/" + d.token() + "/telemetry");
        c.setEndpoint(new CoapEndpoint.Builder().setInetSocketAddress(new InetSocketAddress(0)).build());
        c.setTimeout(20_000L);
        try {
            for (String body : EMPTY) {
                CoapResponse r = c.post(body, MediaTypeRegistry.APPLICATION_JSON);
                assertThat(r).as(body).isNotNull();
                assertThat(r.getCode()).as(body + ": " + r.getResponseText()).isEqualTo(ResponseCode.CREATED);
            }
        } finally {
            c.shutdown();
        }
        assertNothingStored(d);
    }

    @Test
    void mqtt5PubAckIsSuccessAndStoresNothing() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("empty-mqtt5");
        Mqtt5BlockingClient c = Mqtt5Client.builder().identifier("e5-" + UUID.randomUUID()).serverHost("127.0.0.1")
                .serverPort(server.mqttPort()).buildBlocking();
        c.connectWith().simpleAuth().username(d.token()).applySimpleAuth().send();
        for (String body : EMPTY) {
            Mqtt5PublishResult r = c.toAsync().publishWith().topic("v1/devices/me/telemetry").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(body.getBytes(StandardCharsets.UTF_8)).send().get(20, TimeUnit.SECONDS);
            assertThat(r.getError()).as(body).isEmpty();
            assertThat(((Mqtt5PublishResult.Mqtt5Qos1Result) r).getPubAck().getReasonCode()).as(body)
                    .isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
        }
        // QoS 0 too: the connection stays.
        c.publishWith().topic("v1/devices/me/telemetry").qos(MqttQos.AT_MOST_ONCE).payload("{}".getBytes()).send();
        c.publishWith().topic("v1/devices/me/telemetry").qos(MqttQos.AT_LEAST_ONCE).payload("{\"after\":1}".getBytes())
                .send();
        assertThat(c.getState().isConnected()).isTrue();
        c.disconnect();
        assertThat(keys(d)).containsExactly("after");
    }

    @Test
    void mqtt311PubAckKeepsTheConnectionAndStoresNothing() {
        Api.TestDevice d = anon.newTenantWithDevice("empty-mqtt3");
        Mqtt3BlockingClient c = Mqtt3Client.builder().identifier("e3-" + UUID.randomUUID()).serverHost("127.0.0.1")
                .serverPort(server.mqttPort()).buildBlocking();
        c.connectWith().simpleAuth().username(d.token()).applySimpleAuth().send();
        for (String body : EMPTY) {
            // A 3.1.1 refusal would close the connection; the blocking publish would then fail.
            c.publishWith().topic("v1/devices/me/telemetry").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(body.getBytes(StandardCharsets.UTF_8)).send();
        }
        assertThat(c.getState().isConnected()).isTrue();
        c.disconnect();
        assertNothingStored(d);
    }

    private void assertNothingStored(Api.TestDevice d) {
        assertThat(keys(d)).isEmpty();
    }

    private List<String> keys(Api.TestDevice d) {
        List<String> out = new java.util.ArrayList<>();
        d.tenant().get("/api/plugins/telemetry/DEVICE/" + d.id() + "/keys/timeseries").ok()
                .forEach(k -> out.add(k.asString()));
        return out;
    }
}
