package io.mote.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.leshan.core.model.ObjectLoader;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;

/**
 * LwM2M at scale with a light generator: {@code clients} simulated clients ({@link SimClient}), each one UDP
 * socket of its own (the server tells clients apart by address and port) and a few fields, all driven by
 * {@code threads} selector loops ({@link SimLoop}); CoAP bytes through Californium's UDP serializer and
 * parser, no Californium endpoint or Leshan client per device. The server's profile observes three
 * resources of each (battery level /3/0/9, free memory /3/0/10, temperature /3303/0/5700). Reports the
 * registration storm (time until every client is registered, and until every one is observed), the
 * server's memory per idle registered client (heap after a full GC, resident set), and then, at
 * {@code rate} notifications a second (a share CON, the rest NON), the notifications the server
 * received and acknowledged, and a read-back of stored values over REST for a sample of clients.
 */
public final class Lwm2mSim {

    static final String PROFILE = "bench-lwm2m-sim";
    static final String[] KEYS = {"battery", "memoryFree", "temperature"};

    static void run(BenchArgs args) throws Exception {
        String url = args.string("url", "http://127.0.0.1:8080");
        String host = args.string("lwm2m-host", "127.0.0.1");
        int port = args.integer("lwm2m-port", 5685);
        int count = args.integer("clients", 10_000);
        int rate = args.integer("rate", 5_000);
        int conPercent = args.integer("con-percent", 50);
        int threads = args.integer("threads", 2);
        int registrationRate = args.integer("registrations-per-second", 0);
        int window = args.integer("registration-window", 1_000);
        int lifetime = args.integer("lifetime", 300);
        String[] versions = args.string("lwm2m-versions", "1.0,1.1").split(",");
        int warmup = args.integer("warmup", 10);
        int duration = args.integer("duration", 30);
        int idle = args.integer("idle", 5);
        int sample = args.integer("sample", 20);
        int deadline = args.integer("register-deadline", 300);
        long serverPid = Long.parseLong(args.string("server-pid", "0"));

        MoteAdmin admin = new MoteAdmin(url);
        admin.login(args.string("username", "tenant@mote.local"), args.string("password", ""));
        Lwm2mLoad.metricsLogin(args, url);
        admin.ensureLwm2mModel("3303-bench.xml", temperatureModel());
        String profileId = admin.ensureProfile(PROFILE, profile());
        createDevices(admin, profileId, count, args.integer("rest-parallel", 16));

        Lwm2mLoad.Memory before = Lwm2mLoad.Memory.of(serverPid);
        InetSocketAddress server = new InetSocketAddress(InetAddress.getByName(host), port);
        SimLoop.Stats stats = new SimLoop.Stats();
        List<SimLoop> loops = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            loops.add(new SimLoop(stats, lifetime, registrationRate / (double) threads, Math.max(1, window / threads)));
        }
        String v3 = objectVersion(3);
        int[] formats = {SimPayloads.TLV, SimPayloads.TEXT, SimPayloads.SENML_JSON, SimPayloads.OMA_JSON,
                SimPayloads.SENML_CBOR};
        List<SimClient> all = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            SimLoop loop = loops.get(i % threads);
            String version = versions[i % versions.length].trim();
            int format = formats[i % formats.length];
            if (!SimPayloads.supported(format, version)) {
                format = SimPayloads.TLV;
            }
            SimClient c = new SimClient(i, endpoint(i), version, format, loop.open(server), loop, v3);
            loop.add(c);
            all.add(c);
        }
        System.out.printf("LwM2M sim: %d clients (LwM2M %s) on %d threads towards %s, registrations %s, window %d%n",
                count, String.join("/", versions), threads, server,
                registrationRate > 0 ? registrationRate + "/s" : "unpaced", window);

        long start = System.nanoTime();
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(loops.get(t), "lwm2m-sim-" + t);
            th.setDaemon(true);
            th.start();
            running.add(th);
        }
        long until = start + deadline * 1_000_000_000L;
        while (stats.fullyObserved.sum() < count && System.nanoTime() < until) {
            Thread.sleep(5_000);
            System.out.printf("  %5.0f s: registered %d, fully observed %d, retransmissions %d, refused %d %s%n",
                    (System.nanoTime() - start) / 1e9, stats.registered.sum(), stats.fullyObserved.sum(),
                    stats.retransmissions.sum(), stats.registrationsRefused.sum(), stats.refusals);
        }
        long registeredMs = (stats.lastRegisteredNs.get() - start) / 1_000_000;
        long observedMs = (stats.lastObservedNs.get() - start) / 1_000_000;
        System.out.printf("registration storm: %d of %d registered in %d ms, %d with all 3 resources observed in %d ms; "
                        + "retransmitted Registers %d, refused %d %s, unanswered after 4 retransmissions %d%n",
                stats.registered.sum(), count, registeredMs, stats.fullyObserved.sum(), observedMs,
                stats.retransmissions.sum(), stats.registrationsRefused.sum(), stats.refusals,
                stats.requestsTimedOut.sum());
        long held = Lwm2mLoad.waitForClients(url, count, 30);
        System.out.printf("the server holds %d clients%n", held);

        Thread.sleep(idle * 1000L);
        Lwm2mLoad.Memory idleMemory = Lwm2mLoad.Memory.of(serverPid);

        loops.forEach(l -> l.notifyAt(rate / (double) threads, conPercent));
        Thread.sleep(warmup * 1000L);
        long n0 = Lwm2mLoad.serverCounter(url, "mote_lwm2m_notifications_total");
        long s0 = Lwm2mLoad.serverCounter(url, "mote_ts_points_stored_total");
        long con0 = stats.notificationsCon.sum();
        long non0 = stats.notificationsNon.sum();
        long ack0 = stats.notificationsAcknowledged.sum();
        long m0 = System.nanoTime();
        Thread.sleep(duration * 1000L);
        long n1 = Lwm2mLoad.serverCounter(url, "mote_lwm2m_notifications_total");
        long s1 = Lwm2mLoad.serverCounter(url, "mote_ts_points_stored_total");
        long con1 = stats.notificationsCon.sum();
        long non1 = stats.notificationsNon.sum();
        double secs = (System.nanoTime() - m0) / 1e9;
        loops.forEach(l -> l.notifyAt(0, conPercent));
        Thread.sleep(3_000); // the last acknowledgements and writes
        long ack1 = stats.notificationsAcknowledged.sum();
        System.out.printf("notifications sent: %.0f/s (CON %.0f/s, NON %.0f/s); received by the server %.0f/s, "
                        + "data points committed %.0f/s; CON acknowledged %d of %d (%d s measured after %d s warm-up)%n",
                (con1 - con0 + non1 - non0) / secs, (con1 - con0) / secs, (non1 - non0) / secs, (n1 - n0) / secs,
                (s1 - s0) / secs, ack1 - ack0, con1 - con0, duration, warmup);
        System.out.printf("whole run: CON %d, NON %d, acknowledged %d, reset %d, never acknowledged %d, "
                        + "updates %d (2.04 %d, refused %d), reads %d, send failures %d%n",
                stats.notificationsCon.sum(), stats.notificationsNon.sum(), stats.notificationsAcknowledged.sum(),
                stats.notificationsReset.sum(), stats.notificationsUnacknowledged.sum(), stats.updatesSent.sum(),
                stats.updatesOk.sum(), stats.updatesRefused.sum(), stats.reads.sum(), stats.sendFailures.sum());
        readBack(admin, all, sample);
        System.out.printf("clients held by the server at the end: %d%n",
                Lwm2mLoad.serverCounter(url, "mote_lwm2m_clients"));

        Lwm2mLoad.Memory after = Lwm2mLoad.Memory.of(serverPid);
        if (serverPid > 0) {
            System.out.printf("server memory before the clients:            RSS %d MB, heap after GC %d MB%n",
                    before.rssKb() / 1024, before.heapKb() / 1024);
            System.out.printf("server memory, %d clients registered, idle: RSS %d MB, heap after GC %d MB%n", held,
                    idleMemory.rssKb() / 1024, idleMemory.heapKb() / 1024);
            System.out.printf("server memory after the notification run:   RSS %d MB, heap after GC %d MB%n",
                    after.rssKb() / 1024, after.heapKb() / 1024);
            if (held > 0) {
                System.out.printf("per registered client (idle): heap after GC %.1f KB, RSS %.1f KB; "
                                + "after the run: heap after GC %.1f KB%n",
                        (idleMemory.heapKb() - before.heapKb()) / (double) held,
                        (idleMemory.rssKb() - before.rssKb()) / (double) held,
                        (after.heapKb() - before.heapKb()) / (double) held);
            }
        }
        loops.forEach(SimLoop::stop);
        for (Thread t : running) {
            t.join(5_000);
        }
        System.exit(0);
    }

    /** Compares the newest value each sampled client sent of every key with the latest stored over REST. */
    private static void readBack(MoteAdmin admin, List<SimClient> all, int sample) throws Exception {
        int checked = 0;
        int equal = 0;
        List<String> differing = new ArrayList<>();
        int step = Math.max(1, all.size() / Math.max(1, sample));
        for (int i = 0; i < all.size() && checked < sample * KEYS.length; i += step) {
            SimClient c = all.get(i);
            SimLoop loop = loopOf(c);
            CompletableFuture<Number[]> sent = new CompletableFuture<>();
            loop.execute(() -> {
                Number[] v = new Number[KEYS.length];
                for (int k = 0; k < KEYS.length; k++) {
                    v[k] = c.observes(k) ? c.lastValue(k) : null;
                }
                sent.complete(v);
            });
            Number[] values = sent.get(10, TimeUnit.SECONDS);
            String deviceId = admin.deviceId(deviceName(c.index));
            for (int k = 0; k < KEYS.length; k++) {
                if (values[k] == null) {
                    continue;
                }
                checked++;
                String stored = admin.latest(deviceId, KEYS[k]);
                if (!stored.isEmpty() && Double.parseDouble(stored) == values[k].doubleValue()) {
                    equal++;
                } else if (differing.size() < 5) {
                    differing.add(c.endpoint + " " + KEYS[k] + ": sent " + values[k] + ", stored '" + stored + "'");
                }
            }
        }
        System.out.printf("read back over REST: %d of %d sampled values stored as last sent%s%n", equal, checked,
                differing.isEmpty() ? "" : " " + differing);
    }

    private static SimLoop loopOf(SimClient c) {
        return c.loop();
    }

    private static void createDevices(MoteAdmin admin, String profileId, int count, int parallel)
            throws InterruptedException {
        long t0 = System.nanoTime();
        ExecutorService creators = Executors.newFixedThreadPool(parallel);
        AtomicInteger failed = new AtomicInteger();
        for (int i = 0; i < count; i++) {
            int n = i;
            creators.execute(() -> {
                try {
                    admin.ensureLwm2mDevice(deviceName(n), endpoint(n), profileId);
                } catch (RuntimeException e) {
                    if (failed.getAndIncrement() == 0) {
                        System.out.println("device creation failed: " + e.getMessage());
                    }
                }
            });
        }
        creators.shutdown();
        creators.awaitTermination(30, TimeUnit.MINUTES);
        System.out.printf("%d devices ready in %d ms (REST, %d in parallel), %d failed%n", count,
                (System.nanoTime() - t0) / 1_000_000, parallel, failed.get());
    }

    static String deviceName(int i) {
        return "bench-sim-" + i;
    }

    static String endpoint(int i) {
        return "bench-sim-ep-" + i;
    }

    private static String objectVersion(int id) {
        return ObjectLoader.loadDefault().stream().filter(m -> m.id == id).findFirst().orElseThrow().version;
    }

    /** Observes the three resources (SINGLE: one observation each) as telemetry; no transport log. */
    static ObjectNode profile() {
        String v3 = objectVersion(3);
        String[] paths = {"/3_" + v3 + "/0/9", "/3_" + v3 + "/0/10", "/3303_1.0/0/5700"};
        ObjectNode tc = Json.object().put("type", "LWM2M");
        ObjectNode oa = tc.putObject("observeAttr");
        ObjectNode keys = oa.putObject("keyName");
        ArrayNode observe = oa.putArray("observe");
        oa.putArray("attribute");
        ArrayNode telemetry = oa.putArray("telemetry");
        for (int i = 0; i < paths.length; i++) {
            keys.put(paths[i], KEYS[i]);
            observe.add(paths[i]);
            telemetry.add(paths[i]);
        }
        oa.putObject("attributeLwm2m");
        oa.put("observeStrategy", "SINGLE");
        tc.putArray("bootstrap");
        tc.put("bootstrapServerUpdateEnable", false);
        tc.putObject("clientLwM2mSettings").put("powerMode", "DRX").put("transportLog", false);
        return tc;
    }

    /** IPSO Temperature (3303) 1.0, the two resources the clients have: Sensor Value and Sensor Units. */
    static String temperatureModel() {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <LWM2M xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="http://www.openmobilealliance.org/tech/profiles/LWM2M.xsd">
                  <Object ObjectType="MODefinition">
                    <Name>Temperature</Name>
                    <Description1>A temperature sensor (bench model, two resources).</Description1>
                    <ObjectID>3303</ObjectID>
                    <ObjectURN>urn:oma:lwm2m:ext:3303</ObjectURN>
                    <LWM2MVersion>1.0</LWM2MVersion>
                    <ObjectVersion>1.0</ObjectVersion>
                    <MultipleInstances>Multiple</MultipleInstances>
                    <Mandatory>Optional</Mandatory>
                    <Resources>
                      <Item ID="5700"><Name>Sensor Value</Name><Operations>R</Operations><MultipleInstances>Single</MultipleInstances><Mandatory>Mandatory</Mandatory><Type>Float</Type><RangeEnumeration></RangeEnumeration><Units>Cel</Units><Description>The measured temperature.</Description></Item>
                      <Item ID="5701"><Name>Sensor Units</Name><Operations>R</Operations><MultipleInstances>Single</MultipleInstances><Mandatory>Optional</Mandatory><Type>String</Type><RangeEnumeration></RangeEnumeration><Units></Units><Description>The unit of the value.</Description></Item>
                    </Resources>
                    <Description2></Description2>
                  </Object>
                </LWM2M>
                """;
    }

    private Lwm2mSim() {
    }
}
