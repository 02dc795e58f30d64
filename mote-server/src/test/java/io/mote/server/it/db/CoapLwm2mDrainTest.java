package io.mote.server.it.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;
import tools.jackson.databind.JsonNode;

import io.mote.server.it.Api;
import io.mote.server.it.lwm2m.Profiles;
import io.mote.server.it.lwm2m.TestClient;

/**
 * SIGTERM under CoAP and LwM2M load: the transports stop taking requests (CoAP answers 5.03), let what
 * they handed to the core be stored and answered, then the core and the database stop. Every data point
 * acknowledged (CoAP 2.01, LwM2M Send 2.04) is stored, no request is answered with a server error, and
 * the stop logs no warning or error.
 */
@DisabledIfEnvironmentVariable(named = "MOTE_TEST_DB_URL", matches = ".+")
class CoapLwm2mDrainTest {

    private static final String[] UDP_ARGS = {
            "--mote.state.flush-interval=200",
            "--mote.transport.coap.enabled=true", "--mote.transport.coap.port=0",
            "--mote.transport.coap.dtls.enabled=false",
            "--mote.transport.lwm2m.enabled=true", "--mote.transport.lwm2m.port=0",
            "--mote.transport.lwm2m.secure-port=0", "--mote.transport.lwm2m.bootstrap.enabled=false",
            "--mote.transport.lwm2m.advertised-host=127.0.0.1"};

    /** Configured in code, so Californium writes no properties file. */
    private static final Configuration CONFIG = new Configuration(CoapConfig.DEFINITIONS, UdpConfig.DEFINITIONS);

    /** Closed-loop confirmable telemetry from one CoAP device, remembering what was answered 2.01. */
    private static final class CoapDevice implements Runnable {
        final String id;
        final CoapClient client;
        final Set<Long> acked = ConcurrentHashMap.newKeySet();
        final Map<ResponseCode, AtomicInteger> answers = new ConcurrentHashMap<>();
        final AtomicLong nextTs;
        volatile boolean running = true;

        CoapDevice(String id, String uri, AtomicLong nextTs) {
            this.id = id;
            this.client = new CoapClient(uri).setTimeout(10_000L);
            client.setEndpoint(new CoapEndpoint.Builder().setConfiguration(CONFIG).build());
            this.nextTs = nextTs;
        }

        @Override
        public void run() {
            while (running) {
                long ts = nextTs.incrementAndGet();
                try {
                    CoapResponse r = client.post("{\"ts\":" + ts + ",\"values\":{\"v\":" + ts + "}}",
                            MediaTypeRegistry.APPLICATION_JSON);
                    if (r == null) {
                        continue; // no answer: the server is gone, nothing is owed
                    }
                    answers.computeIfAbsent(r.getCode(), c -> new AtomicInteger()).incrementAndGet();
                    if (r.getCode() == ResponseCode.CREATED) {
                        acked.add(ts);
                    } else {
                        Thread.sleep(20);
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // connector closed or timed out: not acknowledged
                }
            }
        }
    }

    /** A bare LwM2M 1.1 client that registers, then Sends battery levels with distinct absolute times. */
    private static final class SendingClient implements Runnable {
        final CoapServer coap;
        final CoapEndpoint endpoint;
        final String base;
        final Set<Long> acked = ConcurrentHashMap.newKeySet();
        final Map<ResponseCode, AtomicInteger> answers = new ConcurrentHashMap<>();
        final AtomicLong nextSecond = new AtomicLong(1_700_000_000L);
        volatile boolean running = true;

        SendingClient(int port, String endpointName) throws Exception {
            endpoint = new CoapEndpoint.Builder().setConfiguration(CONFIG)
                    .setInetSocketAddress(new InetSocketAddress("127.0.0.1", 0)).build();
            coap = new CoapServer(CONFIG);
            coap.addEndpoint(endpoint);
            coap.start();
            base = "coap://127.0.0.1:" + port;
            CoapClient rd = client(base + "/rd?ep=" + endpointName + "&lt=600&lwm2m=1.1&b=U");
            CoapResponse r = rd.post("</1/0>,</3>;ver=" + TestClient.deviceVersion() + ",</3/0>",
                    MediaTypeRegistry.APPLICATION_LINK_FORMAT);
            assertThat(r).as("registration answered").isNotNull();
            assertThat(r.getCode()).isEqualTo(ResponseCode.CREATED);
        }

        private CoapClient client(String uri) {
            CoapClient c = new CoapClient(uri).setTimeout(10_000L);
            c.setEndpoint(endpoint);
            return c;
        }

        /** Sends one value; returns its timestamp (ms) when the server answered 2.04, else -1. */
        long sendOne(CoapClient dp) throws Exception {
            long second = nextSecond.incrementAndGet();
            CoapResponse r = dp.post("[{\"bn\":\"/3/0/\",\"n\":\"9\",\"v\":" + (second % 100) + ",\"t\":" + second + "}]",
                    MediaTypeRegistry.APPLICATION_SENML_JSON);
            if (r == null) {
                return -1;
            }
            answers.computeIfAbsent(r.getCode(), c -> new AtomicInteger()).incrementAndGet();
            return r.getCode() == ResponseCode.CHANGED ? second * 1000 : -1;
        }

        @Override
        public void run() {
            CoapClient dp = client(base + "/dp");
            while (running) {
                try {
                    long ts = sendOne(dp);
                    if (ts > 0) {
                        acked.add(ts);
                    }
                } catch (Exception e) {
                    // not acknowledged
                }
            }
        }

        void close() {
            coap.destroy();
        }
    }

    private static Thread daemon(Runnable r) {
        Thread t = new Thread(r, "drain-load");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static Set<Long> storedTs(Api tenant, String deviceId, String key) {
        JsonNode values = tenant.get("/api/plugins/telemetry/DEVICE/" + deviceId + "/values/timeseries?keys=" + key
                + "&startTs=0&endTs=" + Long.MAX_VALUE / 2 + "&limit=10000000").ok().get(key);
        Set<Long> stored = new HashSet<>();
        if (values != null) {
            values.forEach(v -> stored.add(v.get("ts").asLong()));
        }
        return stored;
    }

    @Test
    void sigtermLetsCoapAndLwm2mRequestsInFlightBeStoredAndAnswered() throws Exception {
        Path dir = Files.createTempDirectory("mote-drain");
        ServerProcess server = ServerProcess.start(dir, UDP_ARGS);
        List<Thread> threads = new ArrayList<>();
        List<CoapDevice> coapDevices = new ArrayList<>();
        SendingClient lwm2m = null;
        try {
            Api tenant = server.api().newTenant();
            JsonNode ports = tenant.get("/api/transports").ok();
            int coapPort = ports.at("/coap/port").asInt();
            int lwm2mPort = ports.at("/lwm2m/port").asInt();

            AtomicLong nextTs = new AtomicLong(1_000_000);
            for (int i = 0; i < 3; i++) {
                String token = "drain-" + i + "-" + UUID.randomUUID();
                String id = Api.id(tenant.createDevice("drain-coap-" + i + "-" + UUID.randomUUID(), token));
                coapDevices.add(new CoapDevice(id, "coap://127.0.0.1:" + coapPort + "/api/v1/" + token + "/telemetry",
                        nextTs));
            }

            Profiles.Lwm2mDevice device = Profiles.batteryLevelDevice(tenant, "drain", false);
            String endpointName = device.endpoint();
            String lwm2mId = device.id();
            lwm2m = new SendingClient(lwm2mPort, endpointName);
            // Sends are acknowledged once the registration is known; wait until one is stored.
            CoapClient dp = lwm2m.client(lwm2m.base + "/dp");
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            long first = -1;
            while (System.nanoTime() < deadline) {
                long ts = lwm2m.sendOne(dp);
                if (ts > 0 && storedTs(tenant, lwm2mId, "batteryLevel").contains(ts)) {
                    first = ts;
                    break;
                }
                Thread.sleep(200);
            }
            assertThat(first).as("a Send stored after registering").isPositive();

            for (CoapDevice d : coapDevices) {
                threads.add(daemon(d));
            }
            threads.add(daemon(lwm2m));
            deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while ((coapDevices.stream().mapToInt(d -> d.acked.size()).sum() < 300 || lwm2m.acked.size() < 100)
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            long logLines = Files.readAllLines(server.log()).size();
            long stopMs = server.terminate();
            System.out.println("graceful stop under CoAP and LwM2M load took " + stopMs + " ms");
            coapDevices.forEach(d -> d.running = false);
            lwm2m.running = false;
            for (Thread t : threads) {
                t.join(60_000);
            }
            List<String> lines = Files.readAllLines(server.log());
            List<String> shutdownNoise = lines.subList((int) logLines, lines.size()).stream()
                    .filter(l -> l.contains(" WARN ") || l.contains(" ERROR ") || l.contains("Exception")).toList();
            assertThat(shutdownNoise).as("warnings and errors logged while stopping").isEmpty();

            server = ServerProcess.start(dir, UDP_ARGS);
            Api again = server.api().withToken(tenant.authToken());
            long checked = 0;
            for (CoapDevice d : coapDevices) {
                System.out.println("CoAP device " + d.id + ": " + d.acked.size() + " acknowledged, answers " + d.answers);
                assertThat(d.answers.keySet()).as("CoAP answers").allMatch(c -> c == ResponseCode.CREATED
                        || c == ResponseCode.SERVICE_UNAVAILABLE);
                Set<Long> lost = new HashSet<>(d.acked);
                lost.removeAll(storedTs(again, d.id, "v"));
                assertThat(lost).as("acknowledged CoAP data points of %s missing after the restart", d.id).isEmpty();
                checked += d.acked.size();
            }
            System.out.println("LwM2M client: " + lwm2m.acked.size() + " acknowledged, answers " + lwm2m.answers);
            assertThat(lwm2m.answers.keySet()).as("LwM2M Send answers").allMatch(c -> c == ResponseCode.CHANGED);
            Set<Long> lost = new HashSet<>(lwm2m.acked);
            lost.removeAll(storedTs(again, lwm2mId, "batteryLevel"));
            assertThat(lost).as("acknowledged LwM2M Sends missing after the restart").isEmpty();
            assertThat(checked).isGreaterThanOrEqualTo(300);
            assertThat(lwm2m.acked).hasSizeGreaterThanOrEqualTo(100);
        } finally {
            coapDevices.forEach(d -> d.running = false);
            if (lwm2m != null) {
                lwm2m.running = false;
                lwm2m.close();
            }
            server.close();
        }
    }
}
