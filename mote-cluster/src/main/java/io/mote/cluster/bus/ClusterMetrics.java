package io.mote.cluster.bus;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * {@code mote_cluster_requests_sent_total{type}}, {@code ..._answered_total{type}},
 * {@code ..._timed_out_total{type}} (no answer in time, or Kafka refused the request) and the gauge
 * {@code mote_cluster_requests_in_flight}.
 */
public final class ClusterMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public ClusterMetrics(MeterRegistry registry) {
        this.registry = registry == null ? new SimpleMeterRegistry() : registry;
    }

    void inFlight(Supplier<Number> size) {
        Gauge.builder("mote.cluster.requests.in.flight", size).description("Requests sent to the cores, not yet answered")
                .register(registry);
    }

    void sent(String type) {
        counter("mote.cluster.requests.sent", type).increment();
    }

    void answered(String type) {
        counter("mote.cluster.requests.answered", type).increment();
    }

    void timedOut(String type) {
        counter("mote.cluster.requests.timed.out", type).increment();
    }

    public double count(String name, String type) {
        Counter c = counters.get(name + "|" + type);
        return c == null ? 0 : c.count();
    }

    private Counter counter(String name, String type) {
        return counters.computeIfAbsent(name + "|" + type, k -> Counter.builder(name).tag("type", type)
                .description("Cluster requests by type").register(registry));
    }
}
