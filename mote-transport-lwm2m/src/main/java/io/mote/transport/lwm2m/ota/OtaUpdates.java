package io.mote.transport.lwm2m.ota;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.eclipse.californium.core.CoapResource;
import org.eclipse.leshan.core.node.LwM2mNode;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.server.registration.Registration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mote.common.kv.TsKvEntry;
import io.mote.transport.api.AttributesUpdate;
import io.mote.transport.api.OtaPackageRef;
import io.mote.transport.api.TransportService;

/**
 * Firmware and software updates of the LwM2M transport's clients: the core assigns a package (the device
 * gets the {@code fw_*} / {@code sw_*} shared attributes and {@code fw_state} QUEUED), and this carries the
 * update out with the profile's {@code fwUpdateStrategy} / {@code swUpdateStrategy}. One {@link OtaUpdate}
 * per device and kind; it outlives a registration, so a client that reboots to apply its firmware and
 * registers again is followed up. After a restart of Mote, a device registering with an update still open
 * in its {@code fw_state} starts it again from the beginning, with the retries its earlier transfers left.
 */
public final class OtaUpdates {

    private static final Logger log = LoggerFactory.getLogger(OtaUpdates.class);

    private final TransportService core;
    private final OtaSettings settings;
    private final PackageCache packages;
    private final PackageResource resource = new PackageResource();
    private volatile ScheduledExecutorService scheduler;
    private final Map<String, OtaUpdate> updates = new ConcurrentHashMap<>();

    public OtaUpdates(TransportService core, OtaSettings settings) {
        this.core = core;
        this.settings = settings;
        this.packages = new PackageCache(core);
    }

    /** The resource serving Package URI downloads, to be added to the LwM2M server's CoAP server. */
    public CoapResource resource() {
        return resource;
    }

    /** Starts the timer that keeps updates from waiting forever. */
    public synchronized void start() {
        if (scheduler == null) {
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "lwm2m-ota");
                t.setDaemon(true);
                return t;
            });
        }
    }

    /** Ends every update under way (their clients are gone with the server) and the timer. */
    public synchronized void stop() {
        updates.values().forEach(u -> u.cancel("the LwM2M server stopped"));
        updates.clear();
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    /** Updates under way. */
    public int running() {
        return updates.size();
    }

    TransportService core() {
        return core;
    }

    OtaSettings settings() {
        return settings;
    }

    PackageCache packages() {
        return packages;
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    // ---- hooks of the client ----

    /** A client registered: follow an update it was in, or start one its state says is still open. */
    public void registered(OtaClient client) {
        for (UpdateObject object : UpdateObject.values()) {
            if (client.registration().getSupportedVersion(object.objectId) == null) {
                continue;
            }
            OtaUpdate running = updates.get(key(client, object));
            if (running != null && !running.ended()) {
                running.awake(client);
            } else {
                check(client, object, false);
            }
        }
    }

    /** Shared attributes changed: a changed {@code fw_*} / {@code sw_*} set is a new assignment (or none). */
    public void attributesChanged(OtaClient client, AttributesUpdate update) {
        for (UpdateObject object : UpdateObject.values()) {
            String version = object.prefix + "version";
            String title = object.prefix + "title";
            boolean changed = update.deleted().contains(version)
                    || update.updated().stream().anyMatch(a -> a.key().equals(version) || a.key().equals(title));
            if (changed && client.registration().getSupportedVersion(object.objectId) != null) {
                check(client, object, true);
            }
        }
    }

    /** The client woke up: queued updates start. */
    public void awake(OtaClient client) {
        for (UpdateObject object : UpdateObject.values()) {
            OtaUpdate u = updates.get(key(client, object));
            if (u != null && !u.ended() && u.state() == UpdateState.QUEUED) {
                u.awake(client);
            }
        }
    }

    /** A notification of the client; State and Update Result go to its update. */
    public void notified(OtaClient client, LwM2mPath path, LwM2mNode node) {
        if (!path.isResource() || path.getObjectInstanceId() != 0) {
            return;
        }
        for (UpdateObject object : UpdateObject.values()) {
            if (path.getObjectId() == object.objectId) {
                OtaUpdate u = updates.get(key(client, object));
                if (u != null && u.client() == client) {
                    u.notified(path.getResourceId(), node);
                }
            }
        }
    }

    /** Whether an update of this client under way observes the path (its object's State or Update Result). */
    public boolean observes(OtaClient client, LwM2mPath path) {
        if (!path.isResource() || path.getObjectInstanceId() != 0) {
            return false;
        }
        for (UpdateObject object : UpdateObject.values()) {
            if (path.getObjectId() == object.objectId && (path.getResourceId() == object.stateResource
                    || path.getResourceId() == object.resultResource)) {
                OtaUpdate u = updates.get(key(client, object));
                return u != null && !u.ended();
            }
        }
        return false;
    }

    void ended(OtaUpdate update) {
        updates.remove(key(update.client(), update.object()), update);
    }

    // ---- starting ----

    /**
     * Looks up the device's package; starts an update when it has one that is not being carried out yet.
     * A registration ({@code assigned} false) starts it only when {@code fw_state} says it is still open.
     */
    private void check(OtaClient client, UpdateObject object, boolean assigned) {
        var pkg = core.otaPackage(client.device(), object.type);
        var latest = assigned ? java.util.concurrent.CompletableFuture.completedFuture(List.<TsKvEntry>of())
                : core.latestTelemetry(client.device(), List.of(object.prefix + "state",
                        "target_" + object.prefix + "version", object.attemptKey()));
        var config = core.transportConfiguration(client.device());
        pkg.thenCombine(latest, (p, l) -> new Object[] {p, l}).thenCombine(config, (pl, tc) -> {
            @SuppressWarnings("unchecked")
            Optional<OtaPackageRef> p = (Optional<OtaPackageRef>) pl[0];
            @SuppressWarnings("unchecked")
            List<TsKvEntry> l = (List<TsKvEntry>) pl[1];
            begin(client, object, p.orElse(null), assigned, assigned || open(l, p.orElse(null), object),
                    assigned ? 0 : attempts(l, p.orElse(null), object), ClientOtaSettings.parse(tc.profile()));
            return null;
        }).exceptionally(e -> {
            log.warn("LwM2M update of device {} not started: {}", client.device().deviceId(), e.toString());
            return null;
        });
    }

    /** Whether the recorded state is an update of this package that did not end. */
    private static boolean open(List<TsKvEntry> latest, OtaPackageRef pkg, UpdateObject object) {
        if (pkg == null) {
            return false;
        }
        String state = null;
        String target = null;
        for (TsKvEntry e : latest) {
            if (e.kv().key().equals(object.prefix + "state")) {
                state = String.valueOf(e.kv().value());
            } else if (e.kv().key().equals("target_" + object.prefix + "version")) {
                target = String.valueOf(e.kv().value());
            }
        }
        if (state == null) {
            return false; // nothing was ever queued for this device
        }
        return !pkg.version().equals(target) || !(state.equals("UPDATED") || state.equals("FAILED"));
    }

    /** The profile's strategy; Object 19 (strategy 3) only for firmware and a client that has the object. */
    private Transfer transfer(OtaClient client, UpdateObject object, ClientOtaSettings cfg) {
        int strategy = cfg.strategy(object);
        if (strategy == 3 && object == UpdateObject.SOFTWARE) {
            client.log("swUpdateStrategy 3 is not defined (1 push, 2 Package URI): pushing into /9/0/2 (strategy 1)");
            strategy = 1;
        } else if (strategy == 3 && !DataContainer.supported(client.registration())) {
            client.log("fwUpdateStrategy 3 writes the package into Object 19, which the client does not have: "
                    + "pushing into /5/0/0 (strategy 1) instead");
            strategy = 1;
        }
        return Transfer.of(strategy, resource, base(client, object, cfg));
    }

    /** Whether the package's metadata goes into Object 19 first ({@code useObject19ForOtaInfo}). */
    private static boolean info(OtaClient client, UpdateObject object, ClientOtaSettings cfg) {
        if (!cfg.useObject19ForOtaInfo()) {
            return false;
        }
        if (!DataContainer.supported(client.registration())) {
            client.log("useObject19ForOtaInfo is set but the client does not have Object 19: the "
                    + object.type.name().toLowerCase() + " package's metadata is not written");
            return false;
        }
        return true;
    }

    /**
     * The transfers an open update of this package already made before Mote stopped ({@code fw_attempt}
     * recorded with each DOWNLOADING), so a restart does not grant it a fresh set of retries.
     */
    private static int attempts(List<TsKvEntry> latest, OtaPackageRef pkg, UpdateObject object) {
        if (pkg == null) {
            return 0;
        }
        String target = null;
        long attempts = 0;
        for (TsKvEntry e : latest) {
            if (e.kv().key().equals("target_" + object.prefix + "version")) {
                target = String.valueOf(e.kv().value());
            } else if (e.kv().key().equals(object.attemptKey()) && e.kv().value() instanceof Number n) {
                attempts = n.longValue();
            }
        }
        return pkg.version().equals(target) ? (int) Math.min(attempts, Integer.MAX_VALUE) : 0;
    }

    private void begin(OtaClient client, UpdateObject object, OtaPackageRef pkg, boolean assigned, boolean start,
                       int priorAttempts, ClientOtaSettings cfg) {
        String key = key(client, object);
        OtaUpdate next;
        synchronized (updates) {
            OtaUpdate running = updates.get(key);
            if (running != null && !running.ended()) {
                if (pkg != null && running.pkg().id().equals(pkg.id())) {
                    return; // already under way (the assignment and its attribute changes arrive more than once)
                }
                running.cancel(pkg == null ? "the package was unassigned" : "another package was assigned");
            }
            if (pkg == null && assigned && object == UpdateObject.SOFTWARE) {
                SoftwareLifecycle.uninstall(client, settings.transferTimeoutMs());
            }
            if (pkg == null || !start) {
                return;
            }
            next = new OtaUpdate(this, object, pkg, transfer(client, object, cfg), client,
                    info(client, object, cfg), priorAttempts);
            updates.put(key, next);
        }
        if (!pkg.hasData()) {
            next.fail("the package has no file here (it is downloaded from its URL), so it cannot be sent over LwM2M");
            return;
        }
        next.start();
    }

    /**
     * Where Package URIs point: the profile's {@code fwUpdateResource} / {@code swUpdateResource}, else the
     * {@code package-uri-base} setting, else this LwM2M server's endpoint the client registered on.
     */
    private String base(OtaClient client, UpdateObject object, ClientOtaSettings cfg) {
        String configured = cfg.resource(object);
        if (configured != null && (configured.startsWith("coap://") || configured.startsWith("coaps://"))) {
            return configured;
        }
        if (!settings.packageUriBase().isBlank()) {
            return settings.packageUriBase();
        }
        Registration r = client.registration();
        URI endpoint = r.getLastEndpointUsed();
        String host = settings.advertisedHost();
        if (host == null || host.isBlank()) {
            host = endpoint.getHost();
            if (host == null || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
                host = localHost(r);
            }
        }
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return endpoint.getScheme() + "://" + host + ":" + endpoint.getPort();
    }

    /** A wildcard bind: the loopback address for a client on this machine, else this machine's address. */
    private static String localHost(Registration r) {
        InetAddress client = r.getSocketAddress().getAddress();
        if (client.isLoopbackAddress()) {
            return client.getHostAddress();
        }
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (UnknownHostException e) {
            return "127.0.0.1";
        }
    }

    private static String key(OtaClient client, UpdateObject object) {
        UUID device = client.device().deviceId();
        return device + ":" + object.prefix;
    }
}
