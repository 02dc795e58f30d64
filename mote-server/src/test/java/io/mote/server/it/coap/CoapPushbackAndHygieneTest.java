package io.mote.server.it.coap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapObserveRelation;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.mote.common.json.Json;
import io.mote.core.session.DeviceSessionRegistry;
import io.mote.server.it.Api;
import io.mote.server.it.TestServer;
import io.mote.transport.coap.CoapTransportServer;

/**
 * A server of its own with small limits: a write queue of 20 data points (pushback), devices forgotten
 * 400 ms after their last request, at most 3 held attribute changes, and notifications given up after
 * two retransmissions 200 ms apart (doubling).
 */
class CoapPushbackAndHygieneTest {

    private static TestServer server;
    private static Api anon;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(Files.createTempDirectory("mote-coap-limits"),
                "--mote.telemetry.queue-capacity=20",
                "--mote.transport.coap.state-idle-ms=400",
                "--mote.transport.coap.max-held-attributes=3",
                "--mote.transport.coap.ack-timeout-ms=200",
                "--mote.transport.coap.max-retransmit=2");
        anon = server.api();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static CoapTransportServer coap() {
        return server.bean(CoapTransportServer.class);
    }

    private static boolean connected(String deviceId) {
        return server.bean(DeviceSessionRegistry.class).isConnected(UUID.fromString(deviceId));
    }

    private static void await(BooleanSupplier condition, long timeoutMs, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!condition.getAsBoolean() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }

    @Test
    void fullWriteQueueAnswers503AndStoresNothingOfTheRequest() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("coap-pushback");
        StringBuilder big = new StringBuilder("{");
        for (int i = 0; i < 30; i++) {
            big.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
        }
        CoapClient c = Coap.client(server, "/api/v1/" + d.token() + "/telemetry");
        try {
            CoapResponse refused = c.post(big.append('}').toString(), MediaTypeRegistry.APPLICATION_JSON);
            assertThat(refused.getCode()).isEqualTo(ResponseCode.SERVICE_UNAVAILABLE);
            assertThat(refused.getResponseText()).isNotBlank();
            assertThat(c.post("{\"t\":1}", MediaTypeRegistry.APPLICATION_JSON).getCode()).isEqualTo(ResponseCode.CREATED);
        } finally {
            c.shutdown();
        }
        assertThat(d.tenant().get("/api/plugins/telemetry/DEVICE/" + d.id() + "/keys/timeseries").ok())
                .extracting(JsonNode::asString).containsExactly("t");
    }

    @Test
    void observerThatStopsAcknowledgingIsDropped() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("coap-silent");
        try (RawCoap raw = new RawCoap(server.coapPort())) {
            byte[] token = {1, 2, 3, 4};
            int mid = raw.observe("/api/v1/" + d.token() + "/attributes", token);
            RawCoap.Message first = raw.receive(10_000);
            assertThat(first).isNotNull();
            assertThat(first.type()).isEqualTo(RawCoap.ACK);
            assertThat(first.mid()).isEqualTo(mid);
            assertThat(first.code()).isEqualTo(2 * 32 + 5);
            assertThat(first.observe()).isZero();
            await(() -> connected(d.id()), 5_000, "observation registered with the core");

            d.tenant().post("/api/plugins/telemetry/DEVICE/" + d.id() + "/attributes/SHARED_SCOPE", "{\"mode\":\"eco\"}").ok();
            RawCoap.Message notification = raw.receive(10_000);
            assertThat(notification).isNotNull();
            assertThat(notification.type()).as("notifications are confirmable").isEqualTo(RawCoap.CON);
            assertThat(notification.token()).isEqualTo(token);
            assertThat(notification.text()).contains("eco");
            // Not acknowledged: the same notification comes again (same message id), then the server gives up.
            int copies = 1;
            RawCoap.Message again;
            while ((again = raw.receive(3_000)) != null) {
                assertThat(again.mid()).isEqualTo(notification.mid());
                copies++;
            }
            assertThat(copies).isEqualTo(3);
            await(() -> !connected(d.id()), 5_000, "the silent observer's session is closed");
            assertThat(coap().observationCount()).isZero();

            d.tenant().post("/api/plugins/telemetry/DEVICE/" + d.id() + "/attributes/SHARED_SCOPE", "{\"mode\":\"off\"}").ok();
            assertThat(raw.receive(1_500)).as("no notification after the observer was dropped").isNull();
        }
    }

    @Test
    void idleDevicesAreForgottenButObservingOnesAreKept() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("coap-idle");
        CoapClient c = Coap.client(server, "/api/v1/" + d.token() + "/telemetry");
        try {
            assertThat(c.post("{\"x\":1}", MediaTypeRegistry.APPLICATION_JSON).getCode()).isEqualTo(ResponseCode.CREATED);
            assertThat(coap().deviceStateCount()).isPositive();
            await(() -> coap().deviceStateCount() == 0, 5_000, "the idle device is forgotten");

            c.setURI("coap://127.0.0.1:" + server.coapPort() + "/api/v1/" + d.token() + "/rpc");
            BlockingQueue<CoapResponse> got = new LinkedBlockingQueue<>();
            CoapObserveRelation rel = c.observeAndWait(handler(got));
            assertThat(got.poll(10, TimeUnit.SECONDS)).isNotNull();
            Thread.sleep(1_200); // three idle periods
            assertThat(coap().deviceStateCount()).as("an observing device is kept").isEqualTo(1);
            rel.proactiveCancel();
            await(() -> coap().deviceStateCount() == 0, 5_000, "forgotten once its observation ended");
            // It comes back as if new.
            c.setURI("coap://127.0.0.1:" + server.coapPort() + "/api/v1/" + d.token() + "/telemetry");
            assertThat(c.post("{\"x\":2}", MediaTypeRegistry.APPLICATION_JSON).getCode()).isEqualTo(ResponseCode.CREATED);
        } finally {
            c.shutdown();
        }
    }

    @Test
    void heldAttributeChangesAreBoundedOldestFirst() throws Exception {
        Api tenant = anon.newTenant();
        String profile = Api.id(tenant.post("/api/deviceProfile", "{\"name\":\"psm-" + UUID.randomUUID()
                + "\",\"type\":\"DEFAULT\",\"transportType\":\"COAP\",\"profileData\":{\"configuration\":{\"type\":\"DEFAULT\"},"
                + "\"transportConfiguration\":{\"type\":\"COAP\",\"coapDeviceTypeConfiguration\":{\"coapDeviceType\":\"DEFAULT\","
                + "\"transportPayloadTypeConfiguration\":{\"transportPayloadType\":\"JSON\"}},"
                + "\"clientSettings\":{\"powerMode\":\"PSM\",\"psmActivityTimer\":500}}}}").ok());
        String token = "held-" + UUID.randomUUID();
        String id = Api.id(tenant.post("/api/device?accessToken=" + token, "{\"name\":\"" + token + "\",\"deviceProfileId\":"
                + "{\"entityType\":\"DEVICE_PROFILE\",\"id\":\"" + profile + "\"}}").ok());
        CoapClient observer = Coap.client(server, "/api/v1/" + token + "/attributes");
        CoapClient uplink = Coap.client(server, "/api/v1/" + token + "/telemetry");
        try {
            BlockingQueue<CoapResponse> got = new LinkedBlockingQueue<>();
            CoapObserveRelation rel = observer.observeAndWait(handler(got));
            assertThat(got.poll(10, TimeUnit.SECONDS).getResponseText()).isEqualTo("{}");
            Thread.sleep(800); // asleep
            for (int i = 1; i <= 5; i++) {
                tenant.post("/api/plugins/telemetry/DEVICE/" + id + "/attributes/SHARED_SCOPE", "{\"a" + i + "\":" + i + "}").ok();
            }
            assertThat(got.poll(500, TimeUnit.MILLISECONDS)).as("held while asleep").isNull();
            assertThat(uplink.post("{\"wake\":1}", MediaTypeRegistry.APPLICATION_JSON).getCode()).isEqualTo(ResponseCode.CREATED);
            CoapResponse held = got.poll(10, TimeUnit.SECONDS);
            assertThat(held).isNotNull();
            JsonNode merged = Json.parse(held.getResponseText());
            assertThat(merged.propertyNames()).containsExactly("a3", "a4", "a5");
            rel.proactiveCancel();
        } finally {
            observer.shutdown();
            uplink.shutdown();
        }
    }

    private static CoapHandler handler(BlockingQueue<CoapResponse> got) {
        return new CoapHandler() {
            @Override
            public void onLoad(CoapResponse response) {
                got.add(response);
            }

            @Override
            public void onError() {
            }
        };
    }
}
