package io.mote.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.MessageObserverAdapter;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.elements.util.ExecutorsUtil;

/**
 * Telemetry ingest over CoAP: {@code devices} simulated devices (access token in the path), each posting
 * confirmable telemetry of {@code keys} data points; the next request leaves when the piggybacked ACK of
 * the previous one is in (closed loop). The devices share {@code endpoints} UDP sockets (Californium
 * endpoints with one shared protocol executor), so the load needs a few dozen threads, not one per device.
 * Counts the measured period only; stops by itself after warm-up + duration or {@code max-requests}.
 *
 * <p>A CoAP server recognises a retransmission by the sender's address and message id for its exchange
 * lifetime; each socket has 65,000 message ids, so one socket must stay well under ~1,000 requests/s or
 * ids come round again while the server still remembers them. The run reports the busiest socket's rate.
 */
final class CoapIngestLoad {

    /** What the server's deduplication remembers a message id for (its exchange lifetime), in seconds. */
    private static final int SERVER_EXCHANGE_LIFETIME_S = 60;

    static void run(BenchArgs args) throws Exception {
        String url = args.string("url", "http://127.0.0.1:8080");
        String host = args.string("coap-host", "127.0.0.1");
        int port = args.integer("coap-port", 5683);
        int devices = args.integer("devices", 1000);
        int keys = args.integer("keys", 10);
        int warmup = args.integer("warmup", 10);
        int duration = args.integer("duration", 30);
        int endpointCount = Math.max(1, Math.min(devices, args.integer("endpoints", Math.max(1, devices / 20))));
        long maxRequests = Long.parseLong(args.string("max-requests", "20000000"));

        MoteAdmin admin = new MoteAdmin(url);
        admin.login(args.string("username", "tenant@mote.local"), args.string("password", ""));
        long createStart = System.nanoTime();
        admin.ensureDevices("bench-coap", "bench-coap-token", devices, args.integer("rest-parallel", 16));
        long createMs = (System.nanoTime() - createStart) / 1_000_000;
        List<String> tokens = new ArrayList<>(devices);
        for (int i = 0; i < devices; i++) {
            tokens.add("bench-coap-token-" + i);
        }

        Configuration config = new Configuration(CoapConfig.DEFINITIONS, UdpConfig.DEFINITIONS);
        config.set(UdpConfig.UDP_RECEIVER_THREAD_COUNT, 1);
        config.set(UdpConfig.UDP_SENDER_THREAD_COUNT, 1);
        config.set(UdpConfig.UDP_RECEIVE_BUFFER_SIZE, 1024 * 1024);
        config.set(UdpConfig.UDP_SEND_BUFFER_SIZE, 1024 * 1024);
        // Message ids are handed out in turn; the rate per socket keeps them from coming round too early.
        config.set(CoapConfig.MID_TRACKER, CoapConfig.TrackerMode.NULL);
        config.set(CoapConfig.EXCHANGE_LIFETIME, SERVER_EXCHANGE_LIFETIME_S, TimeUnit.SECONDS);
        config.set(CoapConfig.MAX_ACTIVE_PEERS, 10);
        int protocolThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
        ScheduledExecutorService main = ExecutorsUtil.newScheduledThreadPool(protocolThreads,
                new org.eclipse.californium.elements.util.NamedThreadFactory("coap-bench#"));
        ScheduledExecutorService secondary = ExecutorsUtil.newDefaultSecondaryScheduler("coap-bench-timer#");
        List<CoapEndpoint> endpoints = new ArrayList<>(endpointCount);
        for (int e = 0; e < endpointCount; e++) {
            CoapEndpoint ep = new CoapEndpoint.Builder().setConfiguration(config)
                    .setInetSocketAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build();
            ep.setExecutors(main, secondary);
            ep.start();
            endpoints.add(ep);
        }
        System.out.printf("CoAP ingest: %d devices (ready in %d ms) on %d client sockets, %d data points a request, CON, "
                        + "%d s warm-up, %d s measured, coap://%s:%d%n", devices, createMs, endpointCount, keys,
                warmup, duration, host, port);

        Recorder latencies = new Recorder(3);
        LongAdder measuredOk = new LongAdder();
        Map<String, LongAdder> failures = new ConcurrentHashMap<>();
        AtomicLong sent = new AtomicLong();
        LongAdder[] perEndpoint = new LongAdder[endpointCount];
        for (int e = 0; e < endpointCount; e++) {
            perEndpoint[e] = new LongAdder();
        }
        long start = System.nanoTime();
        long measureFrom = start + warmup * 1_000_000_000L;
        long end = measureFrom + duration * 1_000_000_000L;
        CountDownLatch done = new CountDownLatch(devices);
        for (int d = 0; d < devices; d++) {
            int e = d % endpointCount;
            Device dev = new Device(endpoints.get(e), perEndpoint[e], "coap://" + host + ":" + port + "/api/v1/"
                    + tokens.get(d) + "/telemetry", keys, measureFrom, end, maxRequests, sent, latencies, measuredOk,
                    failures, done);
            dev.next();
        }
        done.await(warmup + duration + 120L, TimeUnit.SECONDS);
        endpoints.forEach(CoapEndpoint::destroy);
        main.shutdownNow();
        secondary.shutdownNow();

        Histogram h = latencies.getIntervalHistogram();
        long ok = measuredOk.sum();
        long busiest = 0;
        for (LongAdder a : perEndpoint) {
            busiest = Math.max(busiest, a.sum());
        }
        double busiestRate = busiest / (double) duration;
        System.out.printf("requests answered 2.01: %d (%.0f requests/s, %.0f data points/s)%n",
                ok, ok / (double) duration, ok * (double) keys / duration);
        System.out.printf("latency ms: p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n",
                ms(h, 50), ms(h, 90), ms(h, 99), ms(h, 99.9), h.getMaxValue() / 1000.0);
        System.out.println(failures.isEmpty() ? "failures: none" : "failures: " + failures);
        System.out.printf("busiest client socket: %.0f requests/s (message ids last %.0f s at that rate)%s%n", busiestRate,
                65000 / Math.max(1, busiestRate),
                busiestRate * SERVER_EXCHANGE_LIFETIME_S > 65000 ? "  WARNING: use more --endpoints" : "");
        System.exit(0);
    }

    /** One simulated device: posts, waits for the answer, posts again. */
    private static final class Device {
        private final CoapEndpoint endpoint;
        private final LongAdder endpointCount;
        private final String uri;
        private final int keys;
        private final long measureFrom;
        private final long end;
        private final long maxRequests;
        private final AtomicLong sent;
        private final Recorder latencies;
        private final LongAdder ok;
        private final Map<String, LongAdder> failures;
        private final CountDownLatch done;
        private long n;

        Device(CoapEndpoint endpoint, LongAdder endpointCount, String uri, int keys, long measureFrom, long end,
               long maxRequests, AtomicLong sent, Recorder latencies, LongAdder ok, Map<String, LongAdder> failures,
               CountDownLatch done) {
            this.endpoint = endpoint;
            this.endpointCount = endpointCount;
            this.uri = uri;
            this.keys = keys;
            this.measureFrom = measureFrom;
            this.end = end;
            this.maxRequests = maxRequests;
            this.sent = sent;
            this.latencies = latencies;
            this.ok = ok;
            this.failures = failures;
            this.done = done;
        }

        void next() {
            if (System.nanoTime() >= end || sent.incrementAndGet() > maxRequests) {
                done.countDown();
                return;
            }
            Request request = Request.newPost();
            request.setURI(uri);
            request.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_JSON);
            request.setPayload(HttpIngestLoad.body(keys, n++).getBytes(StandardCharsets.UTF_8));
            long t0 = System.nanoTime();
            AtomicBoolean answered = new AtomicBoolean();
            request.addMessageObserver(new MessageObserverAdapter() {
                @Override
                public void onResponse(Response response) {
                    finish(answered, t0, response.getCode() == ResponseCode.CREATED ? null
                            : response.getCode().codeClass + "." + String.format("%02d", response.getCode().codeDetail));
                }

                @Override
                public void onTimeout() {
                    finish(answered, t0, "timeout");
                }

                @Override
                public void onReject() {
                    finish(answered, t0, "reset");
                }

                @Override
                public void onSendError(Throwable error) {
                    finish(answered, t0, error.getClass().getSimpleName());
                }

                @Override
                public void onCancel() {
                    finish(answered, t0, "cancelled");
                }
            });
            endpoint.sendRequest(request);
        }

        private void finish(AtomicBoolean answered, long t0, String outcome) {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            long t1 = System.nanoTime();
            if (t0 >= measureFrom && t1 <= end) {
                endpointCount.increment();
                if (outcome == null) {
                    ok.increment();
                    latencies.recordValue((t1 - t0) / 1000);
                } else {
                    failures.computeIfAbsent(outcome, k -> new LongAdder()).increment();
                }
            }
            next();
        }
    }

    private static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1000.0;
    }

    private CoapIngestLoad() {
    }
}
