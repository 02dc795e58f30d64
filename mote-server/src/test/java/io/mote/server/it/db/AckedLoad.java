package io.mote.server.it.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import tools.jackson.databind.JsonNode;

import io.mote.server.it.Api;

/**
 * Closed-loop telemetry over the HTTP device API from a few devices, remembering every data point the
 * server acknowledged (200), so a test can check after a crash that each of them was stored. A device's
 * requests carry increasing timestamps; a refused or failed request is simply not counted.
 */
final class AckedLoad implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Device(String id, String token, Set<Long> acked) {
    }

    private final List<Device> devices = new ArrayList<>();
    private final Supplier<String> baseUrl;
    private final AtomicLong nextTs = new AtomicLong(1_000_000);
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    /** Creates the devices in a new tenant; {@code baseUrl} is asked again after each failure (restarts). */
    AckedLoad(Api tenant, int deviceCount, Supplier<String> baseUrl) {
        this.baseUrl = baseUrl;
        for (int i = 0; i < deviceCount; i++) {
            String token = "durable-" + i + "-" + System.nanoTime();
            String id = Api.id(tenant.createDevice("durable-" + i + "-" + System.nanoTime(), token));
            devices.add(new Device(id, token, ConcurrentHashMap.newKeySet()));
        }
    }

    void start() {
        running = true;
        threads.clear();
        for (Device d : devices) {
            Thread t = new Thread(() -> drive(d), "acked-load-" + d.token());
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
    }

    private void drive(Device d) {
        while (running) {
            long ts = nextTs.incrementAndGet();
            String body = "{\"ts\":" + ts + ",\"values\":{\"v\":" + ts + "}}";
            try {
                HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(
                                URI.create(baseUrl.get() + "/api/v1/" + d.token() + "/telemetry"))
                        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    d.acked().add(ts);
                    continue;
                }
            } catch (IOException e) {
                // The server is down or restarting: not acknowledged, so nothing is owed.
            } catch (InterruptedException e) {
                return;
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the load and waits for every request in flight to be answered or to fail. */
    void stop() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(60_000);
        }
    }

    long acknowledged() {
        return devices.stream().mapToLong(d -> d.acked().size()).sum();
    }

    /** Asserts every acknowledged data point is stored; returns how many were checked. */
    long assertAllStored(Api tenant) {
        long checked = 0;
        for (Device d : devices) {
            JsonNode values = tenant.get("/api/plugins/telemetry/DEVICE/" + d.id()
                    + "/values/timeseries?keys=v&startTs=0&endTs=" + Long.MAX_VALUE / 2 + "&limit=10000000").ok().get("v");
            Set<Long> stored = new HashSet<>();
            if (values != null) {
                values.forEach(v -> stored.add(v.get("ts").asLong()));
            }
            Set<Long> lost = new HashSet<>(d.acked());
            lost.removeAll(stored);
            assertThat(lost).as("acknowledged data points of device %s missing after the restart", d.id()).isEmpty();
            checked += d.acked().size();
        }
        return checked;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
