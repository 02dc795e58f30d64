package io.mote.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Telemetry ingest through the HTTP device API: {@code devices} simulated devices, each posting one
 * request of {@code keys} data points at a time (closed loop: the next request leaves when the answer
 * to the previous one is in), for {@code warmup} + {@code duration} seconds. Only the measured period is
 * counted. The run stops by itself after its time or {@code max-requests}, whichever comes first.
 */
final class HttpIngestLoad {

    static void run(BenchArgs args) throws Exception {
        String url = args.string("url", "http://127.0.0.1:8080");
        int devices = args.integer("devices", 100);
        int keys = args.integer("keys", 10);
        int warmup = args.integer("warmup", 10);
        int duration = args.integer("duration", 30);
        long maxRequests = Long.parseLong(args.string("max-requests", "20000000"));

        MoteAdmin admin = new MoteAdmin(url);
        admin.login(args.string("username", "tenant@mote.local"), args.string("password", ""));
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < devices; i++) {
            String token = "bench-http-token-" + i;
            admin.ensureDevice("bench-http-" + i, token);
            tokens.add(token);
        }
        System.out.printf("HTTP ingest: %d devices, %d data points a request, %d s warm-up, %d s measured, %s%n",
                devices, keys, warmup, duration, url);

        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        Recorder latencies = new Recorder(3);
        LongAdder measuredOk = new LongAdder();
        Map<String, LongAdder> failures = new ConcurrentHashMap<>();
        AtomicLong sent = new AtomicLong();

        long start = System.nanoTime();
        long measureFrom = start + warmup * 1_000_000_000L;
        long end = measureFrom + duration * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int d = 0; d < devices; d++) {
            URI target = URI.create(url + "/api/v1/" + tokens.get(d) + "/telemetry");
            Thread t = new Thread(() -> {
                long n = 0;
                while (System.nanoTime() < end && sent.incrementAndGet() <= maxRequests) {
                    HttpRequest request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body(keys, n++))).build();
                    long t0 = System.nanoTime();
                    String outcome;
                    try {
                        int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                        outcome = status == 200 ? null : "HTTP " + status;
                    } catch (IOException e) {
                        outcome = e.getClass().getSimpleName();
                    } catch (InterruptedException e) {
                        return;
                    }
                    long t1 = System.nanoTime();
                    if (t0 < measureFrom || t1 > end) {
                        continue;
                    }
                    if (outcome == null) {
                        measuredOk.increment();
                        latencies.recordValue((t1 - t0) / 1000);
                    } else {
                        failures.computeIfAbsent(outcome, k -> new LongAdder()).increment();
                    }
                }
            }, "device-" + d);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }

        Histogram h = latencies.getIntervalHistogram();
        long ok = measuredOk.sum();
        double seconds = duration;
        System.out.printf("requests answered 200: %d (%.0f requests/s, %.0f data points/s)%n",
                ok, ok / seconds, ok * (double) keys / seconds);
        System.out.printf("latency ms: p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n",
                ms(h, 50), ms(h, 90), ms(h, 99), ms(h, 99.9), h.getMaxValue() / 1000.0);
        System.out.println(failures.isEmpty() ? "failures: none" : "failures: " + failures);
    }

    /** A telemetry object of {@code keys} numeric values that change from request to request. */
    static String body(int keys, long n) {
        StringBuilder sb = new StringBuilder(16 * keys + 2).append('{');
        for (int k = 0; k < keys; k++) {
            if (k > 0) {
                sb.append(',');
            }
            sb.append("\"key").append(k).append("\":");
            if ((k & 1) == 0) {
                sb.append(20 + (n + k) % 100 / 10.0);
            } else {
                sb.append(n + k);
            }
        }
        return sb.append('}').toString();
    }

    private static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1000.0;
    }

    private HttpIngestLoad() {
    }
}
