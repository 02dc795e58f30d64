package io.mote.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.leshan.client.LeshanClient;
import org.eclipse.leshan.client.LeshanClientBuilder;
import org.eclipse.leshan.client.californium.endpoint.CaliforniumClientEndpointsProvider;
import org.eclipse.leshan.client.californium.endpoint.coap.CoapClientProtocolProvider;
import org.eclipse.leshan.client.object.Security;
import org.eclipse.leshan.client.object.Server;
import org.eclipse.leshan.client.observer.LwM2mClientObserverAdapter;
import org.eclipse.leshan.client.resource.BaseInstanceEnabler;
import org.eclipse.leshan.client.resource.ObjectsInitializer;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.LwM2mId;
import org.eclipse.leshan.core.model.ObjectLoader;
import org.eclipse.leshan.core.model.ObjectModel;
import org.eclipse.leshan.core.model.StaticModel;
import org.eclipse.leshan.core.node.LwM2mResource;
import org.eclipse.leshan.core.request.RegisterRequest;
import org.eclipse.leshan.core.request.argument.Arguments;
import org.eclipse.leshan.core.response.ExecuteResponse;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.core.response.WriteResponse;
import tools.jackson.databind.node.ObjectNode;

/**
 * A firmware update of {@code clients} LwM2M clients at once: Leshan clients in this process with a real
 * Firmware Update object (it keeps the bytes, pushed or downloaded from the Package URI, checks their
 * SHA-256, and reports the new version after Update). A package of {@code size} bytes is assigned to their
 * profile ({@code strategy} 1 push, 2 Package URI); reports the time until the server shows every device
 * UPDATED, and the server's CPU time and memory (peak resident set during the run, heap after GC at the end).
 * Stops by itself ({@code timeout} s at most).
 */
public final class Lwm2mOtaLoad {

    /** Device (3): the firmware version the update changes. */
    public static class Device extends BaseInstanceEnabler {
        volatile String version = "1.0";

        public Device() {
        }

        @Override
        public ReadResponse read(LwM2mServer server, int resourceId) {
            return switch (resourceId) {
                case 0 -> ReadResponse.success(resourceId, "Mote bench");
                case 3 -> ReadResponse.success(resourceId, version);
                case 16 -> ReadResponse.success(resourceId, "U");
                default -> super.read(server, resourceId);
            };
        }

        @Override
        public List<Integer> getAvailableResourceIds(ObjectModel model) {
            return List.of(0, 3, 16);
        }
    }

    /** Firmware Update (5): takes the package pushed or from its URI, checks it, updates on Execute. */
    public static class Firmware extends BaseInstanceEnabler {
        volatile byte[] expected;
        volatile String newVersion;
        volatile Device device;
        volatile CoapEndpoint downloads;
        volatile ScheduledExecutorService worker;
        volatile long state;
        volatile long result;

        public Firmware() {
        }

        @Override
        public ReadResponse read(LwM2mServer server, int resourceId) {
            return switch (resourceId) {
                case 1 -> ReadResponse.success(resourceId, "");
                case 3 -> ReadResponse.success(resourceId, state);
                case 5 -> ReadResponse.success(resourceId, result);
                case 7 -> ReadResponse.success(resourceId, device.version);
                case 9 -> ReadResponse.success(resourceId, 2L);
                default -> super.read(server, resourceId);
            };
        }

        @Override
        public WriteResponse write(LwM2mServer server, boolean replace, int resourceId, LwM2mResource value) {
            if (resourceId == 0) {
                received((byte[]) value.getValue());
                return WriteResponse.success();
            }
            if (resourceId == 1) {
                set(1, 0);
                CoapClient c = new CoapClient((String) value.getValue());
                c.setEndpoint(downloads);
                c.setTimeout(300_000L);
                c.get(new CoapHandler() {
                    @Override
                    public void onLoad(CoapResponse r) {
                        if (r.isSuccess()) {
                            received(r.getPayload());
                        } else {
                            set(0, 4);
                        }
                    }

                    @Override
                    public void onError() {
                        set(0, 4);
                    }
                });
                return WriteResponse.success();
            }
            return super.write(server, replace, resourceId, value);
        }

        private void received(byte[] data) {
            try {
                boolean ok = MessageDigest.isEqual(MessageDigest.getInstance("SHA-256").digest(data), expected);
                set(ok ? 2 : 0, ok ? 0 : 5);
            } catch (Exception e) {
                set(0, 5);
            }
        }

        @Override
        public ExecuteResponse execute(LwM2mServer server, int resourceId, Arguments arguments) {
            if (resourceId != 2 || state != 2) {
                return ExecuteResponse.badRequest("no package");
            }
            set(3, 0);
            worker.schedule(() -> {
                device.version = newVersion;
                set(0, 1);
            }, 100, TimeUnit.MILLISECONDS);
            return ExecuteResponse.success();
        }

        private void set(long s, long r) {
            state = s;
            result = r;
            fireResourceChange(3);
            fireResourceChange(5);
        }

        @Override
        public List<Integer> getAvailableResourceIds(ObjectModel model) {
            return List.of(0, 1, 2, 3, 5, 7, 9);
        }
    }

    static void run(BenchArgs args) throws Exception {
        String url = args.string("url", "http://127.0.0.1:8080");
        String host = args.string("lwm2m-host", "127.0.0.1");
        int port = args.integer("lwm2m-port", 5685);
        int count = args.integer("clients", 100);
        int size = args.integer("size", 1024 * 1024);
        int strategy = args.integer("strategy", 1);
        int timeout = args.integer("timeout", 900);
        long serverPid = Long.parseLong(args.string("server-pid", "0"));

        MoteAdmin admin = new MoteAdmin(url);
        admin.login(args.string("username", "tenant@mote.local"), args.string("password", ""));
        String run = "ota-s" + strategy + "-" + System.currentTimeMillis();
        String profileId = admin.ensureProfile("bench-" + run, profile(strategy));
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

        List<ObjectModel> models = ObjectLoader.loadDefault();
        ScheduledExecutorService shared = Executors.newScheduledThreadPool(4);
        Configuration config = new CaliforniumClientEndpointsProvider.Builder().createDefaultConfiguration();
        config.set(UdpConfig.UDP_RECEIVER_THREAD_COUNT, 1);
        config.set(UdpConfig.UDP_SENDER_THREAD_COUNT, 1);
        config.set(CoapConfig.PROTOCOL_STAGE_THREAD_COUNT, 1);
        config.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, size + 1024);
        Configuration dl = Configuration.createStandardWithoutFile();
        dl.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, size + 1024);
        CoapEndpoint downloads = new CoapEndpoint.Builder().setConfiguration(dl).build();
        downloads.start();
        List<LeshanClient> clients = new ArrayList<>(count);
        CountDownLatch registered = new CountDownLatch(count);
        for (int i = 0; i < count; i++) {
            Device d = new Device();
            Firmware f = new Firmware();
            f.device = d;
            f.expected = sha;
            f.newVersion = "2.0";
            f.downloads = downloads;
            f.worker = shared;
            ObjectsInitializer init = new ObjectsInitializer(new StaticModel(models));
            init.setInstancesForObject(LwM2mId.SECURITY, Security.noSec("coap://" + host + ":" + port, 123));
            init.setInstancesForObject(LwM2mId.SERVER, new Server(123, 3600));
            init.setInstancesForObject(LwM2mId.DEVICE, d);
            init.setInstancesForObject(LwM2mId.FIRMWARE, f);
            LeshanClientBuilder b = new LeshanClientBuilder(run + "-ep-" + i);
            b.setObjects(init.create(LwM2mId.SECURITY, LwM2mId.SERVER, LwM2mId.DEVICE, LwM2mId.FIRMWARE));
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

        String packageId = admin.createPackage(profileId, "FIRMWARE", "bench-" + run, "2.0", file);
        long t0 = System.nanoTime();
        admin.assignToProfile(profileId, "firmwareId", packageId);

        AtomicLong peakRss = new AtomicLong();
        boolean[] done = new boolean[count];
        int updated = 0;
        int failed = 0;
        long deadline = t0 + timeout * 1_000_000_000L;
        while (updated + failed < count && System.nanoTime() < deadline) {
            Thread.sleep(500);
            peakRss.accumulateAndGet(rssKb(serverPid), Math::max);
            for (int i = 0; i < count; i++) {
                if (!done[i]) {
                    String s = admin.latest(ids.get(i), "fw_state");
                    if (s.equals("UPDATED") || s.equals("FAILED")) {
                        done[i] = true;
                        if (s.equals("UPDATED")) {
                            updated++;
                        } else {
                            if (failed++ == 0) {
                                System.out.println("first FAILED: " + admin.latest(ids.get(i), "fw_error"));
                            }
                        }
                    }
                }
            }
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long cpu = cpuMs(serverPid) - cpu0;
        Lwm2mLoad.Memory after = Lwm2mLoad.Memory.of(serverPid);
        System.out.printf("LwM2M firmware update, strategy %d: %d clients, package %d bytes%n", strategy, count, size);
        System.out.printf("UPDATED %d, FAILED %d of %d in %d ms (%s)%n", updated, failed, count, ms,
                updated + failed == count ? "all ended" : "timed out");
        if (serverPid > 0) {
            System.out.printf("server CPU: %.1f s over the run (%.0f%% of one core)%n", cpu / 1000.0, 100.0 * cpu / ms);
            System.out.printf("server memory: RSS before %d MB, peak during %d MB; heap after GC before %d MB, after %d MB%n",
                    before.rssKb() / 1024, peakRss.get() / 1024, before.heapKb() / 1024, after.heapKb() / 1024);
        }
        clients.forEach(c -> c.destroy(false));
        downloads.destroy();
        shared.shutdownNow();
        System.exit(updated == count ? 0 : 1);
    }

    private static ObjectNode profile(int strategy) {
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
                .put("fwUpdateStrategy", strategy).put("swUpdateStrategy", 1);
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
