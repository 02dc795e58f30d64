package io.mote.server.it.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.junit.jupiter.api.Test;

import io.mote.common.log.RateLimitedLog;
import io.mote.fuzz.CoapFuzzer;
import io.mote.fuzz.FuzzReport;
import io.mote.fuzz.HttpFuzzer;
import io.mote.fuzz.Lwm2mFuzzer;
import io.mote.fuzz.MqttFuzzer;
import io.mote.fuzz.RestFuzzer;
import io.mote.server.it.Api;
import io.mote.server.it.LogWatch;
import io.mote.server.it.TestServer;
import io.mote.server.it.coap.Coap;
import io.mote.server.it.lwm2m.Profiles;
import io.mote.server.it.lwm2m.TestClient;

/**
 * Mutated and garbage input on every device protocol and the operator REST API, 600 (MQTT: each input is a
 * round trip, many a new connection) to 2,000 inputs each from a fixed seed, four connections at once: no
 * answer says the server failed (HTTP 5xx, CoAP 5.xx, MQTT "server unavailable" or implementation-specific
 * error), nothing logs a stack trace, each kind of log line stays within its rate limit, and a valid
 * device is served afterwards. The long version is mote-bench's {@code fuzz} scenario.
 */
// Protocol input, not storage: run once, not again against the external database.
@org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable(named = "MOTE_TEST_DB_URL", matches = ".+")
class FuzzTest {

    private static final long SEED = 12;
    /** Connections (UDP sockets) each driver uses at once, each with its own sub-seed. */
    private static final int PARALLEL = 4;
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 0);

    private final TestServer server = TestServer.shared();
    private final Api anon = server.api();

    private static InetSocketAddress local(int port) {
        return new InetSocketAddress(LOCAL.getAddress(), port);
    }

    /**
     * No stack trace, and no kind of line (logger and message pattern) written more often than a
     * rate-limited log lets it through in the run's time.
     */
    private static void assertQuiet(LogWatch log, FuzzReport r) {
        System.out.println(r.summary());
        long windows = r.elapsedMs() / RateLimitedLog.DEFAULT_INTERVAL_MS + 2;
        Map<String, Integer> kinds = new TreeMap<>();
        for (ILoggingEvent e : log.events()) {
            kinds.merge(e.getLevel() + " " + e.getLoggerName() + ": " + e.getMessage(), 1, Integer::sum);
        }
        System.out.println(r.protocol() + " log lines by kind: " + kinds);
        assertThat(log.stackTraces()).as("stack traces logged during the run").isEmpty();
        assertThat(kinds).as("log lines by kind").allSatisfy((kind, n) ->
                assertThat(n).as(kind).isLessThanOrEqualTo((int) (RateLimitedLog.DEFAULT_BURST * windows)));
    }

    private static void assertNoServerErrors(FuzzReport r) {
        assertThat(r.serverErrorSamples()).as("inputs answered with a server error").isEmpty();
        assertThat(r.inputs()).isPositive();
    }

    @Test
    void httpDeviceApi() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("fuzz-http");
        FuzzReport r;
        try (LogWatch log = LogWatch.watch()) {
            r = new HttpFuzzer(local(server.port()), d.token()).run(SEED, 1500, PARALLEL);
            assertQuiet(log, r);
        }
        assertNoServerErrors(r);
        anon.post("/api/v1/" + d.token() + "/telemetry", "{\"afterFuzz\":1}").ok();
        assertThat(d.tenant().get("/api/plugins/telemetry/DEVICE/" + d.id() + "/values/timeseries?keys=afterFuzz")
                .ok().has("afterFuzz")).isTrue();
    }

    @Test
    void restApi() throws Exception {
        Api tenant = anon.newTenant();
        FuzzReport r;
        try (LogWatch log = LogWatch.watch()) {
            r = new RestFuzzer(local(server.port()), tenant.authToken()).run(SEED, 1000, PARALLEL);
            assertQuiet(log, r);
        }
        assertNoServerErrors(r);
        assertThat(tenant.get("/api/tenant/devices?pageSize=10&page=0").ok().has("data")).isTrue();
    }

    @Test
    void mqtt311And5() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("fuzz-mqtt");
        Api.TestDevice gw = anon.newTenantWithGateway("fuzz-mqtt-gw");
        FuzzReport r;
        try (LogWatch log = LogWatch.watch()) {
            r = new MqttFuzzer(local(server.mqttPort()), d.token(), gw.token()).run(SEED, 600, PARALLEL);
            assertQuiet(log, r);
        }
        assertNoServerErrors(r);
        Mqtt5BlockingClient c = Mqtt5Client.builder().serverHost("127.0.0.1").serverPort(server.mqttPort())
                .identifier("after-fuzz-" + UUID.randomUUID()).simpleAuth().username(d.token()).applySimpleAuth()
                .buildBlocking();
        c.connect();
        c.publishWith().topic("v1/devices/me/telemetry").qos(com.hivemq.client.mqtt.datatypes.MqttQos.AT_LEAST_ONCE)
                .payload("{\"afterFuzz\":1}".getBytes()).send();
        c.disconnect();
        assertThat(d.tenant().get("/api/plugins/telemetry/DEVICE/" + d.id() + "/values/timeseries?keys=afterFuzz")
                .ok().has("afterFuzz")).isTrue();
    }

    @Test
    void coapDeviceApi() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("fuzz-coap");
        FuzzReport r;
        try (LogWatch log = LogWatch.watch()) {
            r = new CoapFuzzer(local(server.coapPort()), d.token()).run(SEED, 2000, PARALLEL);
            assertQuiet(log, r);
        }
        assertNoServerErrors(r);
        CoapClient client = Coap.client("/api/v1/" + d.token() + "/telemetry");
        CoapResponse ok = client.post("{\"afterFuzz\":1}", MediaTypeRegistry.APPLICATION_JSON);
        client.shutdown();
        assertThat(ok).isNotNull();
        assertThat(ok.getCode()).isEqualTo(ResponseCode.CREATED);
    }

    @Test
    void lwm2mRegistration() throws Exception {
        Api tenant = anon.newTenant();
        Profiles.Lwm2mDevice device = Profiles.batteryLevelDevice(tenant, "fuzz", true);
        String endpoint = device.endpoint();
        String deviceId = device.id();
        FuzzReport r;
        try (LogWatch log = LogWatch.watch()) {
            r = new Lwm2mFuzzer(local(server.lwm2mPort()), endpoint).run(SEED, 2000, PARALLEL);
            assertQuiet(log, r);
        }
        assertNoServerErrors(r);
        // The device still registers with a real client, and its observed value is stored.
        try (TestClient client = new TestClient(endpoint, server.lwm2mPort())) {
            client.awaitRegistered();
            long deadline = System.nanoTime() + 60_000_000_000L;
            boolean stored = false;
            while (!stored && System.nanoTime() < deadline) {
                stored = tenant.get("/api/plugins/telemetry/DEVICE/" + deviceId + "/values/timeseries?keys=batteryLevel")
                        .ok().has("batteryLevel");
                Thread.sleep(200);
            }
            assertThat(stored).as("the observed battery level stored after the fuzzing").isTrue();
        }
    }
}
