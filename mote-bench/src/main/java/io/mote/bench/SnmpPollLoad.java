package io.mote.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.snmp4j.CommandResponder;
import org.snmp4j.CommandResponderEvent;
import org.snmp4j.MessageDispatcherImpl;
import org.snmp4j.PDU;
import org.snmp4j.Snmp;
import org.snmp4j.mp.MPv2c;
import org.snmp4j.mp.StatusInformation;
import org.snmp4j.smi.Address;
import org.snmp4j.smi.Counter32;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.VariableBinding;
import org.snmp4j.transport.DefaultUdpTransportMapping;
import org.snmp4j.util.MultiThreadedMessageDispatcher;
import org.snmp4j.util.ThreadPool;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;

/**
 * {@code snmp-poll}: Mote polls many simulated v2c agents. One responder in this process listens on
 * {@code --addresses} loopback addresses (127.0.0.2 …) times {@code --ports} ports; device i has the
 * community {@code bench-i} and one of those agents, and a profile polling {@code --oids} OIDs every
 * {@code --period-ms}. The responder answers every GET and records, per device, the time between two
 * polls: polls per second sustained and the period's jitter (|interval − period|), warm-up excluded.
 */
final class SnmpPollLoad implements CommandResponder {

    private final int period;
    private final AtomicLongArray lastPoll;
    /** Each device's last request id: a retransmission (same id) is counted apart, not as a poll. */
    private final AtomicLongArray lastRequest;
    private final AtomicLong retransmissions = new AtomicLong();
    private final Recorder jitter = new Recorder(3);
    private final AtomicLong polls = new AtomicLong();
    private final AtomicLong bindings = new AtomicLong();
    private volatile boolean measuring;

    private SnmpPollLoad(int devices, int period) {
        this.period = period;
        this.lastPoll = new AtomicLongArray(devices);
        this.lastRequest = new AtomicLongArray(devices);
    }

    static void run(BenchArgs args) throws Exception {
        String url = args.string("url", "http://127.0.0.1:8080");
        int devices = args.integer("devices", 10_000);
        int oids = args.integer("oids", 10);
        int period = args.integer("period-ms", 10_000);
        int addresses = args.integer("addresses", 10);
        int ports = args.integer("ports", 5);
        int basePort = args.integer("base-port", 16100);
        int warmup = args.integer("warmup", 30);
        int duration = args.integer("duration", 60);
        SnmpPollLoad load = new SnmpPollLoad(devices, period);

        ThreadPool pool = ThreadPool.create("agent", args.integer("agent-threads", 2));
        MultiThreadedMessageDispatcher dispatcher = new MultiThreadedMessageDispatcher(pool, new MessageDispatcherImpl());
        dispatcher.addMessageProcessingModel(new MPv2c());
        Snmp agents = new Snmp(dispatcher);
        List<String> hosts = new ArrayList<>();
        for (int a = 0; a < addresses; a++) {
            String host = "127.0.0." + (2 + a);
            hosts.add(host);
            for (int p = 0; p < ports; p++) {
                agents.addTransportMapping(new DefaultUdpTransportMapping(new UdpAddress(host + "/" + (basePort + p))));
            }
        }
        agents.addCommandResponder(load);
        agents.listen();
        System.out.printf("%d agents on %d loopback addresses x %d ports%n", addresses * ports, addresses, ports);

        MoteAdmin admin = new MoteAdmin(url);
        admin.login(args.string("username", "tenant@mote.local"), args.string("password", ""));
        ObjectNode tc = Json.object().put("type", "SNMP").put("timeoutMs", args.integer("timeout-ms", 2000))
                .put("retries", 1);
        ObjectNode c = tc.putArray("communicationConfigs").addObject().put("spec", "TELEMETRY_QUERYING")
                .put("queryingFrequencyMs", period);
        ArrayNode mappings = c.putArray("mappings");
        for (int k = 0; k < oids; k++) {
            mappings.addObject().put("oid", "1.3.6.1.4.1.99999.2." + (k + 1) + ".0").put("key", "v" + k)
                    .put("dataType", "LONG");
        }
        String profileId = admin.ensureProfile("bench-snmp-" + oids + "x" + period, "SNMP", tc);
        admin.ensureDevices(devices, args.integer("rest-parallel", 16), i -> "/api/device", i -> {
            ObjectNode d = Json.object().put("name", "bench-snmp-" + i);
            d.putObject("deviceProfileId").put("entityType", "DEVICE_PROFILE").put("id", profileId);
            d.putObject("deviceData").putObject("transportConfiguration").put("type", "SNMP")
                    .put("host", hosts.get(i % addresses)).put("port", basePort + (i / addresses) % ports)
                    .put("protocolVersion", "V2C").put("community", "bench-" + i);
            return d;
        });

        Thread.sleep(warmup * 1000L);
        load.jitter.reset();
        long polls0 = load.polls.get();
        long bindings0 = load.bindings.get();
        long retransmissions0 = load.retransmissions.get();
        load.measuring = true;
        long t0 = System.nanoTime();
        for (int s = 0; s < duration; s += 10) {
            Thread.sleep(Math.min(10, duration - s) * 1000L);
            System.out.printf("  %ds: %d polls%n", s + Math.min(10, duration - s), load.polls.get() - polls0);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        long n = load.polls.get() - polls0;
        Histogram h = load.jitter.getIntervalHistogram();
        System.out.printf("devices %d, %d OIDs each, period %d ms: polls/s %.0f (expected %.0f), values/s %.0f%n",
                devices, oids, period, n / secs, devices * 1000.0 / period, (load.bindings.get() - bindings0) / secs);
        System.out.printf("retransmitted requests (the agent answered later than timeoutMs): %d%n",
                load.retransmissions.get() - retransmissions0);
        System.out.printf("period jitter |interval - period| p50 / p90 / p99 / p99.9 / max: %d / %d / %d / %d / %d ms (%d intervals)%n",
                h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.9), h.getMaxValue(), h.getTotalCount());
        agents.close();
        pool.cancel();
    }

    @Override
    public <A extends Address> void processPdu(CommandResponderEvent<A> event) {
        PDU pdu = event.getPDU();
        if (pdu == null || pdu.getType() != PDU.GET) {
            return;
        }
        event.setProcessed(true);
        String community = new String(event.getSecurityName(), StandardCharsets.US_ASCII);
        if (community.startsWith("bench-")) {
            record(Integer.parseInt(community.substring(6)), pdu.getRequestID().getValue());
        }
        PDU response = new PDU();
        response.setType(PDU.RESPONSE);
        response.setRequestID(pdu.getRequestID());
        long value = polls.get();
        for (VariableBinding vb : pdu.getVariableBindings()) {
            response.add(new VariableBinding(vb.getOid(), new Counter32(value & 0xffffffffL)));
        }
        bindings.addAndGet(pdu.size());
        try {
            event.getMessageDispatcher().returnResponsePdu(event.getMessageProcessingModel(), event.getSecurityModel(),
                    event.getSecurityName(), event.getSecurityLevel(), response, event.getMaxSizeResponsePDU(),
                    event.getStateReference(), new StatusInformation());
        } catch (Exception e) {
            System.err.println("response not sent: " + e);
        }
    }

    private void record(int device, long requestId) {
        if (device < 0 || device >= lastPoll.length()) {
            return;
        }
        if (lastRequest.getAndSet(device, requestId) == requestId) {
            retransmissions.incrementAndGet();
            return;
        }
        polls.incrementAndGet();
        long now = System.nanoTime() / 1_000_000;
        long last = lastPoll.getAndSet(device, now);
        if (measuring && last > 0) {
            jitter.recordValue(Math.abs(now - last - period));
        }
    }
}
