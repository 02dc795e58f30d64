package io.mote.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.leshan.client.LeshanClient;
import org.eclipse.leshan.client.LeshanClientBuilder;
import org.eclipse.leshan.client.californium.endpoint.CaliforniumClientEndpointsProvider;
import org.eclipse.leshan.client.californium.endpoint.coap.CoapClientProtocolProvider;
import org.eclipse.leshan.client.object.Security;
import org.eclipse.leshan.client.object.Server;
import org.eclipse.leshan.client.observer.LwM2mClientObserverAdapter;
import org.eclipse.leshan.client.resource.ObjectsInitializer;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.LwM2mId;
import org.eclipse.leshan.core.model.DDFFileParser;
import org.eclipse.leshan.core.model.ObjectLoader;
import org.eclipse.leshan.core.model.ObjectModel;
import org.eclipse.leshan.core.model.StaticModel;
import org.eclipse.leshan.core.request.RegisterRequest;
import tools.jackson.databind.node.ObjectNode;

/**
 * A firmware or software ({@code kind}) update of {@code clients} LwM2M clients at once: Leshan clients in this
 * process with real Firmware Update, Software Management and BinaryAppDataContainer objects
 * ({@link Lwm2mOtaObjects}: they keep the bytes, check their SHA-256 and report the new version). A package
 * of {@code size} bytes is assigned to their profile ({@code strategy} 1 push, 2 Package URI, 3 firmware
 * through Object 19); reports the time until the server shows every device UPDATED, and the server's CPU time
 * and memory (peak resident set during the run, heap after GC at the end). Stops by itself ({@code timeout} s
 * at most).
 */
public final class Lwm2mOtaLoad {

    static void run(BenchArgs args) throws Exception {
        String url = args.string("url", "http://127.0.0.1:8080");
        String host = args.string("lwm2m-host", "127.0.0.1");
        int port = args.integer("lwm2m-port", 5685);
        int count = args.integer("clients", 100);
        int size = args.integer("size", 1024 * 1024);
        int strategy = args.integer("strategy", 1);
        boolean software = args.string("kind", "firmware").equals("software");
        String prefix = software ? "sw_" : "fw_";
        int timeout = args.integer("timeout", 900);
        long serverPid = Long.parseLong(args.string("server-pid", "0"));

        MoteAdmin admin = new MoteAdmin(url);
        admin.login(args.string("username", "tenant@mote.local"), args.string("password", ""));
        String run = "ota-" + prefix + strategy + "-" + System.currentTimeMillis();
        String profileId = admin.ensureProfile("bench-" + run, profile(software, strategy));
        ExecutorService creators = Executors.newFixedThreadPool(8);
        for (int i = 0; i < count; i++) {
            int n = i;
            creators.execute(() -> admin.ensureLwm2mDevice(run + "-" + n, run + "-ep-" + n, profileId));
        }
        creators.shutdown();
        creators.awaitTermination(30, TimeUnit.MINUTES);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(admin.deviceId(run + "-" + i));
        }

        byte[] file = new byte[size];
        new Random(42).nextBytes(file);
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(file);

        List<ObjectModel> models = new ArrayList<>(ObjectLoader.loadDefault());
        for (String id : List.of("9", "19")) {
            try (var in = Lwm2mOtaLoad.class.getResourceAsStream("/lwm2m-models/" + id + ".xml")) {
                models.addAll(new DDFFileParser().parse(in, id + ".xml"));
            }
        }
        ScheduledExecutorService shared = Executors.newScheduledThreadPool(4);
        Configuration config = new CaliforniumClientEndpointsProvider.Builder().createDefaultConfiguration();
        config.set(UdpConfig.UDP_RECEIVER_THREAD_COUNT, 1);
        config.set(UdpConfig.UDP_SENDER_THREAD_COUNT, 1);
        config.set(CoapConfig.PROTOCOL_STAGE_THREAD_COUNT, 1);
        config.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, size + 1024);
        Configuration dl = Configuration.createStandardWithoutFile();
        dl.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, size + 1024);
        dl.set(UdpConfig.UDP_RECEIVER_THREAD_COUNT, 1);
        dl.set(UdpConfig.UDP_SENDER_THREAD_COUNT, 1);
        // Each device downloads from its own address; --shared-download-socket true puts every download on one
        // socket, as this scenario once did (then all come from one peer: 1,024 message IDs per MiB against the
        // 65,536 a peer may use within the exchange lifetime).
        org.eclipse.californium.core.network.CoapEndpoint sharedDownloads = args.string("shared-download-socket",
                "false").equals("true") ? new org.eclipse.californium.core.network.CoapEndpoint.Builder()
                .setConfiguration(dl).build() : null;
        List<LeshanClient> clients = new ArrayList<>(count);
        CountDownLatch registered = new CountDownLatch(count);
        for (int i = 0; i < count; i++) {
            Lwm2mOtaObjects.Context ctx = new Lwm2mOtaObjects.Context(sha, "2.0", shared, dl);
            ctx.sharedDownloads = sharedDownloads;
            Lwm2mOtaObjects.Firmware f = new Lwm2mOtaObjects.Firmware(ctx);
            ObjectsInitializer init = new ObjectsInitializer(new StaticModel(models));
            init.setInstancesForObject(LwM2mId.SECURITY, Security.noSec("coap://" + host + ":" + port, 123));
            init.setInstancesForObject(LwM2mId.SERVER, new Server(123, 3600));
            Lwm2mOtaObjects.instance(init, LwM2mId.DEVICE, new Lwm2mOtaObjects.Device(ctx));
            Lwm2mOtaObjects.instance(init, LwM2mId.FIRMWARE, f);
            Lwm2mOtaObjects.instance(init, LwM2mId.SOFTWARE_MANAGEMENT, new Lwm2mOtaObjects.Software(ctx));
            Lwm2mOtaObjects.instance(init, 19, new Lwm2mOtaObjects.AppData(f));
            LeshanClientBuilder b = new LeshanClientBuilder(run + "-ep-" + i);
            b.setObjects(init.create(LwM2mId.SECURITY, LwM2mId.SERVER, LwM2mId.DEVICE, LwM2mId.FIRMWARE,
                    LwM2mId.SOFTWARE_MANAGEMENT, 19));
            b.setSharedExecutor(shared);
            b.setEndpointsProviders(new CaliforniumClientEndpointsProvider.Builder(new CoapClientProtocolProvider())
                    .setConfiguration(config).build());
            LeshanClient c = b.build();
            c.addObserver(new LwM2mClientObserverAdapter() {
                @Override
                public void onRegistrationSuccess(LwM2mServer server, RegisterRequest request, String id) {
                    registered.countDown();
                }
            });
            c.start();
            clients.add(c);
        }
        registered.await(5, TimeUnit.MINUTES);
        Lwm2mLoad.Memory before = Lwm2mLoad.Memory.of(serverPid);
        long cpu0 = cpuMs(serverPid);

        String packageId = admin.createPackage(profileId, software ? "SOFTWARE" : "FIRMWARE", "bench-" + run, "2.0", file);
        long t0 = System.nanoTime();
        admin.assignToProfile(profileId, software ? "softwareId" : "firmwareId", packageId);

        AtomicLong peakRss = new AtomicLong();
        boolean[] done = new boolean[count];
        int updated = 0;
        long lastUpdatedMs = 0; // when the last device that ended UPDATED was seen so (a FAILED one may end later)
        int failed = 0;
        long deadline = t0 + timeout * 1_000_000_000L;
        while (updated + failed < count && System.nanoTime() < deadline) {
            Thread.sleep(500);
            peakRss.accumulateAndGet(rssKb(serverPid), Math::max);
            for (int i = 0; i < count; i++) {
                if (!done[i]) {
                    String s = admin.latest(ids.get(i), prefix + "state");
                    if (s.equals("UPDATED") || s.equals("FAILED")) {
                        done[i] = true;
                        if (s.equals("UPDATED")) {
                            updated++;
                            lastUpdatedMs = (System.nanoTime() - t0) / 1_000_000;
                        } else {
                            if (failed++ == 0) {
                                System.out.println("first FAILED: " + admin.latest(ids.get(i), prefix + "error"));
                            }
                        }
                    }
                }
            }
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long cpu = cpuMs(serverPid) - cpu0;
        Lwm2mLoad.Memory after = Lwm2mLoad.Memory.of(serverPid);
        System.out.printf("LwM2M %s update, strategy %d: %d clients, package %d bytes%n",
                software ? "software" : "firmware", strategy, count, size);
        System.out.printf("UPDATED %d, FAILED %d of %d in %d ms (%s)%n", updated, failed, count, ms,
                updated + failed == count ? "all ended" : "timed out");
        System.out.printf("last UPDATED seen after %d ms%n", lastUpdatedMs);
        if (serverPid > 0) {
            System.out.printf("server CPU: %.1f s over the run (%.0f%% of one core)%n", cpu / 1000.0, 100.0 * cpu / ms);
            System.out.printf("server memory: RSS before %d MB, peak during %d MB; heap after GC before %d MB, after %d MB%n",
                    before.rssKb() / 1024, peakRss.get() / 1024, before.heapKb() / 1024, after.heapKb() / 1024);
        }
        clients.forEach(c -> c.destroy(false));
        if (sharedDownloads != null) {
            sharedDownloads.destroy();
        }
        shared.shutdownNow();
        System.exit(updated == count ? 0 : 1);
    }

    private static ObjectNode profile(boolean software, int strategy) {
        ObjectNode tc = io.mote.common.json.Json.object().put("type", "LWM2M");
        ObjectNode oa = tc.putObject("observeAttr");
        oa.putObject("keyName");
        oa.putArray("observe");
        oa.putArray("attribute");
        oa.putArray("telemetry");
        oa.putObject("attributeLwm2m");
        oa.put("observeStrategy", "SINGLE");
        tc.putArray("bootstrap");
        tc.put("bootstrapServerUpdateEnable", false);
        tc.putObject("clientLwM2mSettings").put("powerMode", "DRX").put("transportLog", false)
                .put("fwUpdateStrategy", software ? 1 : strategy).put("swUpdateStrategy", software ? strategy : 1);
        return tc;
    }

    /** User + system CPU time of a process (ms), from /proc. */
    private static long cpuMs(long pid) throws Exception {
        if (pid <= 0) {
            return 0;
        }
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
        return ticks * 10; // USER_HZ 100
    }

    private static long rssKb(long pid) throws Exception {
        if (pid <= 0) {
            return 0;
        }
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(0L);
    }

    private Lwm2mOtaLoad() {
    }
}
