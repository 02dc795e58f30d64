package io.mote.server.it.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.junit.jupiter.api.Test;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;

import io.mote.server.it.Api;
import io.mote.server.it.LogWatch;
import io.mote.server.it.TestServer;
import io.mote.server.it.coap.Coap;

/**
 * Timestamps outside the accepted window (by default 1970 up to a day ahead of the server's clock) are
 * refused with each protocol's bad-request answer and nothing of the request is stored.
 */
class TimestampWindowTest {

    private final Api anon = TestServer.shared().api();

    private static String at(long ts) {
        return "{\"ts\":" + ts + ",\"values\":{\"t\":1}}";
    }

    private static long twoDaysAhead() {
        return System.currentTimeMillis() + 2 * 86_400_000L;
    }

    private static void assertNothingStored(Api tenant, String deviceId) {
        assertThat(tenant.get("/api/plugins/telemetry/DEVICE/" + deviceId + "/keys/timeseries").ok()).isEmpty();
    }

    @Test
    void httpAndRestAnswer400() {
        try (LogWatch log = LogWatch.watch()) {
            Api.TestDevice d = anon.newTenantWithDevice("ts-http");
            for (long ts : new long[] {Long.MAX_VALUE, twoDaysAhead()}) {
                Api.Res r = anon.post("/api/v1/" + d.token() + "/telemetry", at(ts));
                assertThat(r.status()).as(r.text()).isEqualTo(400);
                assertThat(r.json().get("message").asString()).contains("outside the accepted window");
                // One bad point in an array refuses the whole request.
                assertThat(anon.post("/api/v1/" + d.token() + "/telemetry",
                        "[" + at(1_700_000_000_000L) + "," + at(ts) + "]").status()).isEqualTo(400);
                Api.Res rest = d.tenant().post("/api/plugins/telemetry/DEVICE/" + d.id() + "/timeseries/ANY", at(ts));
                assertThat(rest.status()).as(rest.text()).isEqualTo(400);
                assertThat(rest.json().get("errorCode").asInt()).isEqualTo(31);
            }
            assertThat(anon.post("/api/v1/" + d.token() + "/telemetry", at(-1)).status()).isEqualTo(400);
            assertNothingStored(d.tenant(), d.id());
            // Within the window: an hour ahead is fine.
            assertThat(anon.post("/api/v1/" + d.token() + "/telemetry",
                    at(System.currentTimeMillis() + 3_600_000L)).status()).isEqualTo(200);
            assertThat(log.stackTraces()).isEmpty();
        }
    }

    @Test
    void coapAnswers400() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("ts-coap");
        CoapClient c = Coap.client("/");
        try {
            c.setURI(Coap.uri("/api/v1/" + d.token() + "/telemetry"));
            CoapResponse r = c.post(at(Long.MAX_VALUE), MediaTypeRegistry.APPLICATION_JSON);
            assertThat(r.getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
            assertThat(r.getResponseText()).contains("outside the accepted window");
            assertThat(c.post(at(twoDaysAhead()), MediaTypeRegistry.APPLICATION_JSON).getCode())
                    .isEqualTo(ResponseCode.BAD_REQUEST);
        } finally {
            c.shutdown();
        }
        assertNothingStored(d.tenant(), d.id());
    }

    @Test
    void mqttAnswersPayloadFormatInvalid() {
        Api.TestDevice d = anon.newTenantWithDevice("ts-mqtt");
        Mqtt5BlockingClient c = HugeNumberTest.connect(d.token());
        try {
            assertThat(refusal(c, "v1/devices/me/telemetry", at(Long.MAX_VALUE)))
                    .isEqualTo(Mqtt5PubAckReasonCode.PAYLOAD_FORMAT_INVALID);
            // The connection stays usable.
            assertThat(HugeNumberTest.publish(c, "v1/devices/me/telemetry", "{\"ok\":1}").getPubAck().getReasonCode())
                    .isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
        } finally {
            c.disconnect();
        }
        Api.TestDevice gw = anon.newTenantWithGateway("ts-gw");
        Mqtt5BlockingClient g = HugeNumberTest.connect(gw.token());
        try {
            assertThat(refusal(g, "v1/gateway/telemetry", "{\"child-" + UUID.randomUUID() + "\":[" + at(twoDaysAhead()) + "]}"))
                    .isEqualTo(Mqtt5PubAckReasonCode.PAYLOAD_FORMAT_INVALID);
        } finally {
            g.disconnect();
        }
    }

    private static Mqtt5PubAckReasonCode refusal(Mqtt5BlockingClient c, String topic, String payload) {
        try {
            return HugeNumberTest.publish(c, topic, payload).getPubAck().getReasonCode();
        } catch (Mqtt5PubAckException e) {
            return e.getMqttMessage().getReasonCode();
        }
    }
}
