package io.mote.transport.lwm2m;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import org.eclipse.leshan.core.model.LwM2mModel;
import org.eclipse.leshan.core.node.LwM2mNode;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.node.TimestampedLwM2mNodes;
import org.eclipse.leshan.core.request.CompositeDownlinkRequest;
import org.eclipse.leshan.core.request.DownlinkRequest;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.request.SimpleDownlinkRequest;
import org.eclipse.leshan.core.response.LwM2mResponse;
import org.eclipse.leshan.server.observation.ObservationService;
import org.eclipse.leshan.server.registration.Registration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mote.common.kv.AttributeKvEntry;
import io.mote.transport.api.AttributesUpdate;
import io.mote.transport.api.DeviceInfo;
import io.mote.transport.api.DeviceSession;
import io.mote.transport.api.RpcRequest;
import io.mote.transport.api.SessionListener;
import io.mote.transport.api.TransportLog;
import io.mote.transport.lwm2m.rpc.Lwm2mDevice;
import io.mote.transport.lwm2m.ota.OtaClient;
import io.mote.transport.lwm2m.rpc.Lwm2mRpc;
import io.mote.transport.lwm2m.rpc.RpcCall;

/**
 * One registered LwM2M client and its device session. On registration, and again whenever the device or
 * its profile changes, the profile is applied ({@link ProfileMapping}); values from reads, notifications and
 * Send are stored under their key names ({@link ValueStore}); a sleeping client ({@link SleepState}) is not
 * sent anything: RPC stays queued in the core and shared-attribute writes and profile changes wait until
 * its next uplink wakes it.
 */
final class Lwm2mClient implements SessionListener, Lwm2mDevice {

    private static final Logger log = LoggerFactory.getLogger(Lwm2mClient.class);

    private final Lwm2mTransport owner;
    private volatile Registration registration;
    private volatile DeviceInfo device;
    private volatile DeviceSession session;
    private volatile Lwm2mProfile profile = Lwm2mProfile.EMPTY;
    private final TransportLog transportLog;
    private volatile boolean closed;
    private final SleepState sleep = new SleepState(this);
    private final ProfileMapping mapping = new ProfileMapping(this);
    private final ValueStore values = new ValueStore(this);
    /** The object-version lines already in transportLog for this registration; made at the first (guarded by this). */
    private Set<String> versionLines;
    /** What firmware and software updates see of this client. */
    private final OtaClient ota = new OtaClient() {
        @Override
        public Registration registration() {
            return registration;
        }

        @Override
        public DeviceInfo device() {
            return device;
        }

        @Override
        public boolean asleep() {
            return Lwm2mClient.this.asleep();
        }

        @Override
        public void log(String line) {
            Lwm2mClient.this.log(line);
        }

        @Override
        public <T extends LwM2mResponse> void send(DownlinkRequest<T> request, long timeoutMs, Consumer<T> onResponse,
                                                   Consumer<Exception> onError) {
            Lwm2mClient.this.send(request, timeoutMs, onResponse, onError);
        }
    };

    Lwm2mClient(Lwm2mTransport owner, Registration registration, DeviceInfo device) {
        this.owner = owner;
        this.registration = registration;
        this.device = device;
        this.transportLog = new TransportLog(owner.core(), device, () -> profile.transportLog());
    }

    @Override
    public Registration registration() {
        return registration;
    }

    DeviceInfo device() {
        return device;
    }

    Lwm2mProfile profile() {
        return profile;
    }

    Lwm2mTransport owner() {
        return owner;
    }

    boolean closed() {
        return closed;
    }

    ProfileMapping mapping() {
        return mapping;
    }

    ValueStore values() {
        return values;
    }

    void start() {
        session = owner.core().openSession(device, this);
        owner.core().postAttributes(device, RegistrationFacts.attributes(registration));
        loadProfile(true).whenComplete((v, e) -> {
            if (!closed) {
                session.subscribeToAttributes(true);
                session.subscribeToRpc(true);
                owner.ota().registered(ota);
            }
        });
        log.info("LwM2M client '{}' registered as device {}", registration.getEndpoint(), device.deviceId());
    }

    private synchronized boolean firstTime(String versionLine) {
        if (versionLines == null) {
            versionLines = new HashSet<>();
        }
        return versionLines.add(versionLine);
    }

    void updated(Registration updated, Registration previous) {
        this.registration = updated;
        log("Registration update: lifetime " + updated.getLifeTimeInSec() + " s, address "
                + RegistrationFacts.address(updated.getSocketAddress()));
        if (!updated.getSocketAddress().equals(previous.getSocketAddress())
                || !updated.getLifeTimeInSec().equals(previous.getLifeTimeInSec())
                || !updated.getBindingMode().equals(previous.getBindingMode())) {
            // A new source address (NAT rebinding, a new cell) keeps the session; only the details change.
            owner.core().postAttributes(device, RegistrationFacts.attributes(updated));
        }
        String links = RegistrationFacts.objectLinks(updated);
        if (!links.equals(RegistrationFacts.objectLinks(previous))) {
            // Other objects or versions: what the profile maps to them is decided again.
            log("Objects now " + links);
            owner.core().postAttributes(device, RegistrationFacts.attributes(updated));
            loadProfile(false);
        }
    }

    /** A sign of life from the client: a registration update, a notification, a Send. */
    void activity() {
        if (closed) {
            return;
        }
        boolean wasAsleep = sleep.uplink();
        owner.core().reportActivity(device);
        if (wasAsleep) {
            awake();
        }
    }

    /** The client woke up (queue mode: Leshan's presence service; PSM / eDRX: an uplink): deliver what waited. */
    void awake() {
        sleep.woke();
        if (closed) {
            return;
        }
        if (sleep.takeProfile()) {
            loadProfile(false);
        }
        List<AttributeKvEntry> writes = sleep.takeWrites();
        if (!writes.isEmpty()) {
            SharedAttributeWrites.write(this, writes);
        }
        DeviceSession s = session;
        if (s != null) {
            s.subscribeToRpc(true); // offers the RPC queued while the client slept
        }
        owner.ota().awake(ota);
    }

    /** Whether a request sent now would find the client asleep. */
    boolean asleep() {
        return sleep.asleep();
    }

    /** How long the server counts a queue-mode client awake after an uplink (ms). */
    long awakeTimeMs() {
        return sleep.awakeTimeMs();
    }

    void log(String line) {
        transportLog.log(line);
    }

    void close() {
        closed = true;
        DeviceSession s = session;
        if (s != null) {
            s.close();
        }
    }

    void store(TimestampedLwM2mNodes data) {
        values.store(data);
    }

    void store(Map<LwM2mPath, LwM2mNode> nodes, long ts) {
        values.store(nodes, ts);
    }

    /** Whether an update under way observes this path. */
    boolean observedForUpdate(LwM2mPath path) {
        return owner.ota().observes(ota, path);
    }

    /** A notification of one path: an update under way may be waiting for it. */
    void notified(LwM2mPath path, LwM2mNode node) {
        if (!closed) {
            owner.ota().notified(ota, path, node);
        }
    }

    // ---- the profile ----

    private CompletableFuture<Void> loadProfile(boolean registering) {
        // Without the model library (the core did not answer) a mismatched object version is skipped, said in transportLog.
        CompletableFuture<Lwm2mModelCache.Library> library = owner.models().load(device.tenantId()).exceptionally(e -> null);
        return owner.core().transportConfiguration(device).thenAcceptBoth(library, (tc, lib) -> {
            VersionMapping.Result mapped;
            try {
                mapped = VersionMapping.of(Lwm2mProfile.parse(tc.profile(), tc.device()), this::announcedVersion,
                        lib == null ? (id, v) -> null : lib::model);
            } catch (RuntimeException e) {
                log.warn("LwM2M profile of device {} is unreadable: {}", device.deviceId(), e.toString());
                return;
            }
            Lwm2mProfile next = mapped.profile().shared();
            Lwm2mProfile previous = profile;
            profile = next;
            if (registering) {
                log(RegistrationFacts.registeredLine(registration));
            }
            for (String line : mapped.lines()) {
                if (firstTime(line)) { // once per registration, not at every profile change
                    log(line);
                }
            }
            if (!registering && asleep()) {
                sleep.holdProfile(); // applied at the next wake-up
                profile = previous;
                return;
            }
            mapping.apply(previous, next);
        }).exceptionally(e -> {
            log.warn("LwM2M profile of device {} could not be loaded: {}", device.deviceId(), e.toString());
            return null;
        });
    }

    /** The version of an object the client announced, or null when it has none. */
    private String announcedVersion(int objectId) {
        var v = registration.getSupportedVersion(objectId);
        return v == null ? null : v.toString();
    }

    @Override
    public void onDeviceUpdated(DeviceInfo updated) {
        this.device = updated;
        transportLog.device(updated);
        loadProfile(false);
    }

    @Override
    public void onSessionClosed(String reason) {
        closed = true;
        log.info("LwM2M session of '{}' closed by the core: {}", registration.getEndpoint(), reason);
        // The device was deleted or its credentials changed: the registration made with the old ones
        // goes too, so the client's next update is answered 4.04 and it must register (and be checked) again.
        owner.evict(registration);
    }

    // ---- shared attributes → Write ----

    @Override
    public void onAttributesUpdate(AttributesUpdate update) {
        owner.ota().attributesChanged(ota, update); // a package (un)assigned; the update waits for a sleeping client
        if (asleep()) {
            sleep.holdWrites(update);
            log("Client asleep: writing " + update.updated().stream().map(AttributeKvEntry::key).toList()
                    + " when it wakes up");
            return;
        }
        SharedAttributeWrites.write(this, update.updated());
    }

    // ---- RPC ----

    @Override
    public boolean onRpcRequest(RpcRequest request) {
        if (!Lwm2mRpc.known(request.method())) {
            owner.core().acknowledgeRpc(device, request.id());
            Lwm2mRpc.handle(this, request); // answers "unsupported" at once, awake or not
            return true;
        }
        if (asleep()) {
            log("Client asleep: RPC " + request.method() + " waits for its wake-up");
            return false; // stays queued in the core until awake() subscribes again
        }
        owner.core().acknowledgeRpc(device, request.id());
        log("RPC " + request.method() + " " + request.params());
        Lwm2mRpc.handle(this, request);
        return true;
    }

    @Override
    public LwM2mModel model() {
        return owner.server().getModelProvider().getObjectModel(registration);
    }

    @Override
    public String pathOfKey(String key) {
        return profile.pathOf(key);
    }

    @Override
    public ObservationService observations() {
        return owner.server().getObservationService();
    }

    @Override
    public void answer(int requestId, String json) {
        log("RPC " + requestId + " answer: " + json);
        owner.core().sendRpcResponse(device, requestId, json);
    }

    /**
     * After a successful Write, the mapped client attributes at or under the written paths are read again,
     * so they show what the client now holds (it may have adjusted the value) rather than the old value.
     */
    @Override
    public void written(List<LwM2mPath> paths) {
        for (String attribute : profile.attributes()) {
            LwM2mPath ap = new LwM2mPath(attribute);
            if (paths.stream().anyMatch(w -> within(ap, w) || within(w, ap))) {
                send(new ReadRequest(attribute), r -> {
                    if (r.isSuccess() && r.getContent() != null) {
                        values.store(Map.of(ap, r.getContent()), System.currentTimeMillis());
                    }
                });
            }
        }
    }

    private static boolean within(LwM2mPath inner, LwM2mPath outer) {
        return (inner + "/").startsWith(outer + "/");
    }

    @Override
    public void timedOut(int requestId, String what, long timeoutMs, String cause) {
        String reason = cause == null
                ? "LwM2M client did not answer " + what + " within " + timeoutMs + " ms"
                : "LwM2M client did not answer " + what + ": " + cause;
        log("RPC " + requestId + " timed out: " + reason);
        owner.core().reportRpcTimeout(device, requestId, reason);
    }

    /** Sends a request asynchronously, logging it and its outcome; the callback runs on a Leshan thread. */
    <T extends LwM2mResponse> void send(DownlinkRequest<T> request, Consumer<T> onResponse) {
        send(request, onResponse, e -> { });
    }

    @Override
    public <T extends LwM2mResponse> void send(DownlinkRequest<T> request, Consumer<T> onResponse,
                                               Consumer<Exception> onError) {
        send(request, owner.props().timeoutMs(), onResponse, onError);
    }

    @Override
    public long requestTimeoutMs() {
        return owner.props().timeoutMs();
    }

    @Override
    public <T extends LwM2mResponse> void send(DownlinkRequest<T> request, long timeoutMs, Consumer<T> onResponse,
                                               Consumer<Exception> onError) {
        String what = describe(request);
        if (closed) {
            log(what + " not sent: the client is no longer registered");
            onError.accept(new RpcCall.Unreachable("the LwM2M client is no longer registered"));
            return;
        }
        log(what);
        try {
            owner.server().send(registration, request, timeoutMs, r -> {
                log(what + " → " + r.getCode().getName() + (r.getErrorMessage() == null ? "" : ": " + r.getErrorMessage()));
                onResponse.accept(r);
            }, e -> {
                log(what + " failed: " + e);
                onError.accept(e);
            });
        } catch (RuntimeException e) {
            log(what + " failed: " + e);
            onError.accept(e);
        }
    }

    private static String describe(DownlinkRequest<?> request) {
        String name = request.getClass().getSimpleName().replace("Request", "");
        if (request instanceof SimpleDownlinkRequest<?> simple) {
            return name + " " + simple.getPath();
        }
        if (request instanceof CompositeDownlinkRequest<?> composite) {
            return name + " " + composite.getPaths();
        }
        return name;
    }
}
