package io.mote.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
import org.eclipse.leshan.client.resource.BaseInstanceEnabler;
import org.eclipse.leshan.client.resource.ObjectsInitializer;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.LwM2mId;
import org.eclipse.leshan.core.ResponseCode;
import org.eclipse.leshan.core.model.ObjectLoader;
import org.eclipse.leshan.core.model.ObjectModel;
import org.eclipse.leshan.core.model.StaticModel;
import org.eclipse.leshan.core.request.RegisterRequest;
import org.eclipse.leshan.core.response.ReadResponse;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;

/**
 * Many LwM2M clients in one process: {@code clients} Leshan clients (one UDP socket each, shared threads)
 * register against a running server, which observes each one's battery level (object 3, resource 9) as
 * telemetry; every client changes it once every {@code period-ms}. Reports the clients the server holds,
 * the notifications it receives per second, and, given the server's process id, its memory (resident set
 * and heap after a full GC) before the clients register and once they all are, per registered client.
 * Stops by itself after warm-up + duration.
 */
public final class Lwm2mLoad {

    static final String PROFILE = "bench-lwm2m";

    /** The Device object of a simulated client: only its battery level changes. */
    public static class Device extends BaseInstanceEnabler {
        volatile long battery = 50;

        public Device() {
        }

        @Override
        public ReadResponse read(LwM2mServer server, int resourceId) {
            return switch (resourceId) {
                case 0 -> ReadResponse.success(resourceId, "Mote bench");
                case 9 -> ReadResponse.success(resourceId, battery);
                case 16 -> ReadResponse.success(resourceId, "U");
                default -> super.read(server, resourceId);
            };
        }

        @Override
        public List<Integer> getAvailableResourceIds(ObjectModel model) {
            return List.of(0, 9, 16);
        }

        void tick() {
            battery = battery >= 100 ? 1 : battery + 1;
            fireResourceChange(9);
        }
    }

    static void run(BenchArgs args) throws Exception {
        String url = args.string("url", "http://127.0.0.1:8080");
        String host = args.string("lwm2m-host", "127.0.0.1");
        int port = args.integer("lwm2m-port", 5685);
        int count = args.integer("clients", 1000);
        int periodMs = args.integer("period-ms", 1000);
        int rate = args.integer("registrations-per-second", 200);
        int warmup = args.integer("warmup", 10);
        int duration = args.integer("duration", 30);
        long serverPid = Long.parseLong(args.string("server-pid", "0"));

        MoteAdmin admin = new MoteAdmin(url);
        admin.login(args.string("username", "tenant@mote.local"), args.string("password", ""));
        metricsLogin(args, url);
        String profileId = admin.ensureProfile(PROFILE, profile());
        long t0 = System.nanoTime();
        ExecutorService creators = Executors.newFixedThreadPool(8);
        for (int i = 0; i < count; i++) {
            int n = i;
            creators.execute(() -> admin.ensureLwm2mDevice("bench-lwm2m-" + n, endpoint(n), profileId));
        }
        creators.shutdown();
        creators.awaitTermination(30, TimeUnit.MINUTES);
        System.out.printf("LwM2M load: %d devices ready in %d ms (REST), %s:%d, a change every %d ms per client%n",
                count, (System.nanoTime() - t0) / 1_000_000, host, port, periodMs);

        Memory before = Memory.of(serverPid);
        List<ObjectModel> models = ObjectLoader.loadDefault();
        ScheduledExecutorService shared = Executors.newScheduledThreadPool(4);
        Configuration config = new CaliforniumClientEndpointsProvider.Builder().createDefaultConfiguration();
        config.set(UdpConfig.UDP_RECEIVER_THREAD_COUNT, 1);
        config.set(UdpConfig.UDP_SENDER_THREAD_COUNT, 1);
        config.set(CoapConfig.PROTOCOL_STAGE_THREAD_COUNT, 1);
        List<LeshanClient> clients = new ArrayList<>(count);
        List<Device> devices = new ArrayList<>(count);
        CountDownLatch registered = new CountDownLatch(count);
        AtomicInteger refused = new AtomicInteger();
        long regStart = System.nanoTime();
        for (int i = 0; i < count; i++) {
            Device d = new Device();
            ObjectsInitializer init = new ObjectsInitializer(new StaticModel(models));
            init.setInstancesForObject(LwM2mId.SECURITY, Security.noSec("coap://" + host + ":" + port, 123));
            init.setInstancesForObject(LwM2mId.SERVER, new Server(123, 3600));
            init.setInstancesForObject(LwM2mId.DEVICE, d);
            LeshanClientBuilder b = new LeshanClientBuilder(endpoint(i));
            b.setObjects(init.create(LwM2mId.SECURITY, LwM2mId.SERVER, LwM2mId.DEVICE));
            b.setSharedExecutor(shared);
            b.setEndpointsProviders(new CaliforniumClientEndpointsProvider.Builder(new CoapClientProtocolProvider())
                    .setConfiguration(config).build());
            LeshanClient c = b.build();
            c.addObserver(new LwM2mClientObserverAdapter() {
                @Override
                public void onRegistrationSuccess(LwM2mServer server, RegisterRequest request, String id) {
                    registered.countDown();
                }

                @Override
                public void onRegistrationFailure(LwM2mServer server, RegisterRequest request, ResponseCode code,
                                                  String message, Exception cause) {
                    refused.incrementAndGet();
                }
            });
            c.start();
            clients.add(c);
            devices.add(d);
            if (rate > 0 && (i + 1) % rate == 0) {
                long due = regStart + (i + 1L) * 1_000_000_000L / rate;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000);
                }
            }
        }
        boolean all = registered.await(5, TimeUnit.MINUTES);
        long regMs = (System.nanoTime() - regStart) / 1_000_000;
        // The server observes each client after its registration: wait for the first notification of all.
        long held = waitForClients(url, count, 120);
        System.out.printf("registered: %d of %d in %d ms (%s); the server holds %d clients; refused %d%n",
                count - registered.getCount(), count, regMs, all ? "all" : "timed out", held, refused.get());

        Memory registeredMemory = Memory.of(serverPid);

        // Every client changes its battery once a period, the clients' changes spread over the period.
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        int slices = 50;
        LongAdder fired = new LongAdder();
        AtomicInteger slice = new AtomicInteger();
        ticker.scheduleAtFixedRate(() -> {
            int s = slice.getAndIncrement() % slices;
            for (int i = s; i < devices.size(); i += slices) {
                devices.get(i).tick();
                fired.increment();
            }
        }, 0, Math.max(1, periodMs / slices), TimeUnit.MILLISECONDS);
        Thread.sleep(warmup * 1000L);
        long n0 = serverCounter(url, "mote_lwm2m_notifications_total");
        long f0 = fired.sum();
        long m0 = System.nanoTime();
        Thread.sleep(duration * 1000L);
        long n1 = serverCounter(url, "mote_lwm2m_notifications_total");
        long f1 = fired.sum();
        double secs = (System.nanoTime() - m0) / 1e9;
        ticker.shutdownNow();
        long heldAfter = serverCounter(url, "mote_lwm2m_clients");
        System.out.printf("changes fired by the clients: %.0f/s; notifications received by the server: %.0f/s "
                + "(%d s measured after %d s warm-up)%n", (f1 - f0) / secs, (n1 - n0) / secs, duration, warmup);
        System.out.printf("clients held by the server at the end: %d%n", heldAfter);

        Memory after = Memory.of(serverPid);
        if (serverPid > 0) {
            System.out.printf("server memory before the clients:             RSS %d MB, heap after GC %d MB%n",
                    before.rssKb / 1024, before.heapKb / 1024);
            System.out.printf("server memory, %d clients registered, idle:  RSS %d MB, heap after GC %d MB%n", held,
                    registeredMemory.rssKb / 1024, registeredMemory.heapKb / 1024);
            System.out.printf("server memory after the notification run:    RSS %d MB, heap after GC %d MB%n",
                    after.rssKb / 1024, after.heapKb / 1024);
            if (held > 0) {
                System.out.printf("per registered client (idle): RSS %.1f KB, heap after GC %.1f KB%n",
                        (registeredMemory.rssKb - before.rssKb) / (double) held,
                        (registeredMemory.heapKb - before.heapKb) / (double) held);
                System.out.printf("per registered client (after the run, incl. CoAP exchange state): heap after GC %.1f KB%n",
                        (after.heapKb - before.heapKb) / (double) held);
            }
        }
        clients.forEach(c -> c.destroy(false));
        shared.shutdownNow();
        System.exit(0);
    }

    static String endpoint(int i) {
        return "bench-lwm2m-ep-" + i;
    }

    /** Observe the battery level (/3/0/9) as telemetry "battery"; no transport log, so only the data is written. */
    static ObjectNode profile() {
        String v = ObjectLoader.loadDefault().stream().filter(m -> m.id == 3).findFirst().orElseThrow().version;
        String battery = "/3_" + v + "/0/9";
        ObjectNode tc = Json.object().put("type", "LWM2M");
        ObjectNode oa = tc.putObject("observeAttr");
        oa.putObject("keyName").put(battery, "battery");
        oa.putArray("observe").add(battery);
        oa.putArray("attribute");
        oa.putArray("telemetry").add(battery);
        oa.putObject("attributeLwm2m");
        oa.put("observeStrategy", "SINGLE");
        tc.putArray("bootstrap");
        tc.put("bootstrapServerUpdateEnable", false);
        tc.putObject("clientLwM2mSettings").put("powerMode", "DRX").put("transportLog", false);
        return tc;
    }

    /** Waits until the server reports {@code want} registered clients; returns the last count. */
    static long waitForClients(String url, int want, int seconds) throws InterruptedException {
        long last = 0;
        for (int i = 0; i < seconds * 2; i++) {
            last = serverCounter(url, "mote_lwm2m_clients");
            if (last >= want) {
                break;
            }
            Thread.sleep(500);
        }
        return last;
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** The actuator answers SYS_ADMIN only: the token of a sysadmin login, when one was given. */
    private static volatile String metricsToken;

    /** Logs in as the system administrator ({@code --sysadmin-password}) for the server's counters. */
    static void metricsLogin(BenchArgs args, String url) {
        String password = args.string("sysadmin-password", "");
        if (!password.isEmpty()) {
            MoteAdmin sys = new MoteAdmin(url);
            sys.login(args.string("sysadmin", "sysadmin@mote.local"), password);
            metricsToken = sys.token();
        }
    }

    /** A value from the server's Prometheus endpoint. */
    static long serverCounter(String url, String name) {
        try {
            HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url + "/actuator/prometheus"));
            if (metricsToken != null) {
                r.header("X-Authorization", "Bearer " + metricsToken);
            }
            String body = HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.eE+]+)$").matcher(body);
            return m.find() ? (long) Double.parseDouble(m.group(2)) : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** A server process's resident set and its heap in use after a full GC (through jcmd), in KB. */
    record Memory(long rssKb, long heapKb) {
        static Memory of(long pid) throws Exception {
            if (pid <= 0) {
                return new Memory(0, 0);
            }
            jcmd(pid, "GC.run");
            Thread.sleep(1000);
            String heap = jcmd(pid, "GC.heap_info");
            Matcher m = Pattern.compile("used (\\d+)K").matcher(heap);
            long heapKb = m.find() ? Long.parseLong(m.group(1)) : 0;
            long rss = 0;
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return new Memory(rss, heapKb);
        }

        private static String jcmd(long pid, String command) throws Exception {
            Process p = new ProcessBuilder("jcmd", String.valueOf(pid), command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(60, TimeUnit.SECONDS);
            return out;
        }
    }

    private Lwm2mLoad() {
    }
}
