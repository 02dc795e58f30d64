package io.mote.transport.lwm2m;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.eclipse.leshan.core.link.DefaultLinkSerializer;
import org.eclipse.leshan.core.model.LwM2mModel;
import org.eclipse.leshan.core.model.ResourceModel;
import org.eclipse.leshan.core.node.LwM2mMultipleResource;
import org.eclipse.leshan.core.node.LwM2mNode;
import org.eclipse.leshan.core.node.LwM2mObject;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.node.LwM2mResourceInstance;
import org.eclipse.leshan.core.node.LwM2mSingleResource;
import org.eclipse.leshan.core.node.ObjectLink;
import org.eclipse.leshan.core.node.TimestampedLwM2mNodes;
import org.eclipse.leshan.core.observation.CompositeObservation;
import org.eclipse.leshan.core.observation.Observation;
import org.eclipse.leshan.core.observation.SingleObservation;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.DownlinkRequest;
import org.eclipse.leshan.core.request.ObserveCompositeRequest;
import org.eclipse.leshan.core.request.ObserveRequest;
import org.eclipse.leshan.core.request.ReadCompositeRequest;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.request.WriteAttributesRequest;
import org.eclipse.leshan.core.request.WriteRequest;
import org.eclipse.leshan.core.response.LwM2mResponse;
import org.eclipse.leshan.core.response.ObserveResponse;
import org.eclipse.leshan.core.response.ReadCompositeResponse;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.core.util.datatype.ULong;
import org.eclipse.leshan.server.observation.ObservationService;
import org.eclipse.leshan.server.registration.Registration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mote.common.kv.AttributeKvEntry;
import io.mote.common.kv.KvEntry;
import io.mote.common.kv.TsKvEntry;
import io.mote.common.json.Json;
import io.mote.transport.api.AttributesUpdate;
import io.mote.transport.api.DeviceInfo;
import io.mote.transport.api.DeviceSession;
import io.mote.transport.api.RpcRequest;
import io.mote.transport.api.SessionListener;
import io.mote.transport.lwm2m.rpc.Lwm2mDevice;
import io.mote.transport.lwm2m.rpc.Lwm2mRpc;
import io.mote.transport.lwm2m.rpc.Values;
import io.mote.transport.lwm2m.rpc.WriteCommands;

/**
 * One registered LwM2M client and its device session. On registration, and again whenever the device or
 * its profile changes, the profile is applied: mapped resources are read, notification attributes
 * written, observations started per the observe strategy; values from reads, notifications and Send are
 * stored as telemetry or client attributes under their key names.
 *
 * <p>A sleeping client (queue mode, or a PSM / eDRX power mode outside its window after an uplink) is not
 * sent anything: RPC stays queued in the core and shared-attribute writes and profile changes wait here,
 * until the client's next uplink wakes it.
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
    private volatile long lastUplink = System.currentTimeMillis();
    /** Shared attributes to write once the client wakes up: the newest value per key. */
    private final Map<String, AttributeKvEntry> pendingWrites = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean profilePending;

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

    void start() {
        session = owner.core().openSession(device, this);
        owner.core().postAttributes(device, registrationAttributes(registration));
        loadProfile(true).whenComplete((v, e) -> {
            if (!closed) {
                session.subscribeToAttributes(true);
                session.subscribeToRpc(true);
            }
        });
        log.info("LwM2M client '{}' registered as device {}", registration.getEndpoint(), device.deviceId());
    }

    void updated(Registration updated, Registration previous) {
        this.registration = updated;
        log("Registration update: lifetime " + updated.getLifeTimeInSec() + " s, address "
                + updated.getSocketAddress().getAddress().getHostAddress() + ":" + updated.getSocketAddress().getPort());
        if (!updated.getSocketAddress().equals(previous.getSocketAddress())
                || !updated.getLifeTimeInSec().equals(previous.getLifeTimeInSec())
                || !updated.getBindingMode().equals(previous.getBindingMode())) {
            // A new source address (NAT rebinding, a new cell) keeps the session; only the details change.
            owner.core().postAttributes(device, registrationAttributes(updated));
        }
    }

    /** A sign of life from the client: a registration update, a notification, a Send. */
    void activity() {
        if (closed) {
            return;
        }
        boolean wasAsleep = !registration.usesQueueMode() && asleep();
        lastUplink = System.currentTimeMillis();
        owner.core().reportActivity(device);
        if (wasAsleep) {
            awake();
        }
    }

    /** The client woke up (queue mode: Leshan's presence service; PSM / eDRX: an uplink): deliver what waited. */
    void awake() {
        lastUplink = System.currentTimeMillis();
        if (closed) {
            return;
        }
        if (profilePending) {
            profilePending = false;
            loadProfile(false);
        }
        if (!pendingWrites.isEmpty()) {
            List<AttributeKvEntry> writes = new ArrayList<>(pendingWrites.values());
            writes.forEach(w -> pendingWrites.remove(w.key(), w));
            writeShared(writes);
        }
        DeviceSession s = session;
        if (s != null) {
            s.subscribeToRpc(true); // offers the RPC queued while the client slept
        }
    }

    /** Whether a request sent now would find the client asleep. */
    boolean asleep() {
        Registration r = registration;
        if (r.usesQueueMode()) {
            return !owner.server().getPresenceService().isClientAwake(r);
        }
        long window = profile.power().awakeWindowMs();
        return window > 0 && System.currentTimeMillis() - lastUplink > window;
    }

    /** How long the server counts a queue-mode client awake after an uplink (ms). */
    long awakeTimeMs() {
        long window = profile.power().awakeWindowMs();
        return window > 0 ? window : owner.props().awakeTimeMs();
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

    /** Registration details, stored as the device's client attributes. */
    static List<KvEntry> registrationAttributes(Registration r) {
        List<KvEntry> kv = new ArrayList<>();
        kv.add(KvEntry.ofString("lwm2mEndpoint", r.getEndpoint()));
        kv.add(KvEntry.ofString("lwm2mRegistrationId", r.getId()));
        kv.add(KvEntry.ofString("lwm2mVersion", r.getLwM2mVersion().toString()));
        kv.add(KvEntry.ofString("lwm2mBinding", r.getBindingMode().stream().map(Enum::name).reduce("", String::concat)));
        kv.add(KvEntry.ofLong("lwm2mLifetime", r.getLifeTimeInSec()));
        kv.add(KvEntry.ofBoolean("lwm2mQueueMode", r.usesQueueMode()));
        kv.add(KvEntry.ofString("lwm2mAddress", r.getSocketAddress().getAddress().getHostAddress() + ":"
                + r.getSocketAddress().getPort()));
        Map<String, String> objects = new TreeMap<>((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b)));
        r.getSupportedObject().forEach((id, v) -> objects.put(String.valueOf(id), v.toString()));
        kv.add(KvEntry.ofJson("lwm2mObjects", Json.write(objects)));
        kv.add(KvEntry.ofString("lwm2mObjectLinks", new DefaultLinkSerializer().serializeCoreLinkFormat(r.getObjectLinks())));
        return kv;
    }

    // ---- the profile ----

    private java.util.concurrent.CompletableFuture<Void> loadProfile(boolean registering) {
        return owner.core().transportConfiguration(device).thenAccept(tc -> {
            Lwm2mProfile next;
            try {
                next = Lwm2mProfile.parse(tc.profile(), tc.device());
            } catch (RuntimeException e) {
                log.warn("LwM2M profile of device {} is unreadable: {}", device.deviceId(), e.toString());
                return;
            }
            Lwm2mProfile previous = profile;
            profile = next;
            if (registering) {
                log("Registered: endpoint " + registration.getEndpoint() + ", LwM2M " + registration.getLwM2mVersion()
                        + ", binding " + registration.getBindingMode() + ", lifetime " + registration.getLifeTimeInSec()
                        + " s, objects " + new DefaultLinkSerializer().serializeCoreLinkFormat(registration.getObjectLinks()));
            }
            if (!registering && asleep()) {
                profilePending = true; // applied at the next wake-up
                profile = previous;
                return;
            }
            apply(previous, next);
        }).exceptionally(e -> {
            log.warn("LwM2M profile of device {} could not be loaded: {}", device.deviceId(), e.toString());
            return null;
        });
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

    /** True when the client announced the path's object in the version the profile names. */
    boolean supports(String path, Lwm2mProfile p) {
        LwM2mPath lp = new LwM2mPath(path);
        var version = registration.getSupportedVersion(lp.getObjectId());
        if (version == null) {
            return false;
        }
        String wanted = p.versions().get(lp.getObjectId());
        return wanted == null || wanted.equals(version.toString());
    }

    private void apply(Lwm2mProfile old, Lwm2mProfile p) {
        Set<String> oldMapped = new LinkedHashSet<>(old.attributes());
        oldMapped.addAll(old.telemetry());
        // Read what is newly mapped and not observed (an observation answers with the current value itself).
        List<String> toRead = new ArrayList<>();
        for (String path : p.attributes().isEmpty() && p.telemetry().isEmpty() ? Set.<String>of() : union(p)) {
            if (supports(path, p) && !p.observe().contains(path) && !oldMapped.contains(path)) {
                toRead.add(path);
            }
        }
        if (p.initAttrTelAsObsStrategy() && p.composite()) {
            // The initial reads follow the observe strategy: one Read-Composite for all, or one per object.
            for (List<LwM2mPath> group : groups(toRead, p)) {
                List<String> paths = group.stream().map(LwM2mPath::toString).toList();
                send(new ReadCompositeRequest(ContentFormat.SENML_CBOR, ContentFormat.SENML_CBOR, paths),
                        (ReadCompositeResponse r) -> {
                            if (r.isSuccess()) {
                                store(r.getContent(), System.currentTimeMillis());
                            }
                        });
            }
        } else {
            for (String path : toRead) {
                send(new ReadRequest(path), (ReadResponse r) -> {
                    if (r.isSuccess()) {
                        store(Map.of(new LwM2mPath(path), r.getContent()), System.currentTimeMillis());
                    }
                });
            }
        }
        for (Map.Entry<String, tools.jackson.databind.JsonNode> e : p.attributeLwm2m().entrySet()) {
            if (!supports(e.getKey(), p) || e.getValue().equals(old.attributeLwm2m().get(e.getKey()))) {
                continue;
            }
            try {
                send(new WriteAttributesRequest(e.getKey(), WriteCommands.attributeSet(e.getValue())), r -> { });
            } catch (RuntimeException ex) {
                log("Attributes of " + e.getKey() + " are invalid: " + ex.getMessage());
            }
        }
        observe(old, p);
    }

    private static Set<String> union(Lwm2mProfile p) {
        Set<String> s = new LinkedHashSet<>(p.attributes());
        s.addAll(p.telemetry());
        return s;
    }

    /** Paths grouped per the observe strategy: all in one (COMPOSITE_ALL) or one group per object. */
    private static java.util.Collection<List<LwM2mPath>> groups(List<String> paths, Lwm2mProfile p) {
        Map<Integer, List<LwM2mPath>> groups = new LinkedHashMap<>();
        for (String path : paths) {
            LwM2mPath lp = new LwM2mPath(path);
            int group = "COMPOSITE_BY_OBJECT".equals(p.observeStrategy()) ? lp.getObjectId() : -1;
            groups.computeIfAbsent(group, g -> new ArrayList<>()).add(lp);
        }
        return groups.values();
    }

    private void observe(Lwm2mProfile old, Lwm2mProfile p) {
        Set<Observation> current = owner.server().getObservationService().getObservations(registration);
        List<String> wanted = p.observe().stream().filter(path -> supports(path, p)).toList();
        boolean single = !p.composite();
        boolean compositeChanged = !old.observe().equals(p.observe()) || !old.observeStrategy().equals(p.observeStrategy());
        Set<String> observedSingle = new LinkedHashSet<>();
        boolean keepComposite = false;
        for (Observation o : current) {
            if (o instanceof SingleObservation so) {
                String path = so.getPath().toString();
                if (!single || !wanted.contains(path)) {
                    owner.server().getObservationService().cancelObservation(o);
                    log("Observation of " + path + " cancelled");
                } else {
                    observedSingle.add(path);
                }
            } else if (o instanceof CompositeObservation co) {
                if (single || compositeChanged) {
                    owner.server().getObservationService().cancelObservation(o);
                    log("Composite observation of " + co.getPaths() + " cancelled");
                } else {
                    keepComposite = true;
                }
            }
        }
        if (single) {
            for (String path : wanted) {
                if (!observedSingle.contains(path)) {
                    send(new ObserveRequest(path), (ObserveResponse r) -> {
                        if (r.isSuccess()) {
                            store(Map.of(new LwM2mPath(path), r.getContent()), System.currentTimeMillis());
                        }
                    });
                }
            }
            return;
        }
        if (keepComposite || wanted.isEmpty()) {
            return;
        }
        for (List<LwM2mPath> paths : groups(wanted, p)) {
            send(new ObserveCompositeRequest(ContentFormat.SENML_CBOR, ContentFormat.SENML_CBOR, paths), r -> {
                if (r.isSuccess()) {
                    store(r.getContent(), System.currentTimeMillis());
                }
            });
        }
    }

    // ---- storing values ----

    void store(TimestampedLwM2mNodes data) {
        for (Instant ts : data.getTimestamps()) {
            store(data.getNodesAt(ts), ts == null ? System.currentTimeMillis() : ts.toEpochMilli());
        }
    }

    /** Stores every mapped resource found in the nodes: telemetry paths as time series, attribute paths as client attributes. */
    void store(Map<LwM2mPath, LwM2mNode> nodes, long ts) {
        if (closed) {
            return;
        }
        Lwm2mProfile p = profile;
        List<TsKvEntry> telemetry = new ArrayList<>();
        List<KvEntry> attributes = new ArrayList<>();
        Map<String, Object> values = new LinkedHashMap<>();
        nodes.forEach((path, node) -> flatten(path, node, values));
        values.forEach((path, value) -> {
            String key = p.keyOf(path);
            if (key == null) {
                return;
            }
            KvEntry kv = kv(key, value);
            if (p.telemetry().contains(path)) {
                telemetry.add(new TsKvEntry(ts, kv));
            }
            if (p.attributes().contains(path)) {
                attributes.add(kv);
            }
        });
        if (!telemetry.isEmpty()) {
            owner.core().postTelemetry(device, telemetry).exceptionally(e -> {
                log.debug("LwM2M telemetry of {} not stored: {}", device.deviceId(), e.toString());
                return null;
            });
        }
        if (!attributes.isEmpty()) {
            owner.core().postAttributes(device, attributes);
        }
    }

    /** Resource paths ({@code /3/0/9}) to their values; a multiple resource's instances become a JSON object. */
    static void flatten(LwM2mPath path, LwM2mNode node, Map<String, Object> out) {
        if (node instanceof LwM2mObject o) {
            o.getInstances().forEach((id, inst) -> flatten(new LwM2mPath(path.getObjectId(), id), inst, out));
        } else if (node instanceof LwM2mObjectInstance inst) {
            inst.getResources().forEach((id, r) -> flatten(new LwM2mPath(path.getObjectId(), inst.getId(), id), r, out));
        } else if (node instanceof LwM2mSingleResource r) {
            out.put(path.toString(), r.getValue());
        } else if (node instanceof LwM2mMultipleResource r) {
            Map<String, Object> values = new LinkedHashMap<>();
            r.getInstances().forEach((id, ri) -> values.put(String.valueOf(id), plain(ri.getValue())));
            out.put(path.toString(), values);
        } else if (node instanceof LwM2mResourceInstance ri) {
            out.put(path.toString(), ri.getValue());
        }
    }

    private static Object plain(Object v) {
        if (v instanceof Date d) {
            return d.getTime();
        }
        if (v instanceof byte[] b) {
            return HexFormat.of().formatHex(b);
        }
        if (v instanceof ULong || v instanceof ObjectLink) {
            return v.toString();
        }
        return v;
    }

    static KvEntry kv(String key, Object v) {
        if (v instanceof Boolean b) {
            return KvEntry.ofBoolean(key, b);
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return KvEntry.ofLong(key, ((Number) v).longValue());
        }
        if (v instanceof Double || v instanceof Float) {
            return KvEntry.ofDouble(key, ((Number) v).doubleValue());
        }
        if (v instanceof ULong u) {
            return KvEntry.ofLong(key, u.longValue());
        }
        if (v instanceof Date d) {
            return KvEntry.ofLong(key, d.getTime());
        }
        if (v instanceof byte[] b) {
            return KvEntry.ofString(key, HexFormat.of().formatHex(b));
        }
        if (v instanceof Map<?, ?> m) {
            return KvEntry.ofJson(key, Json.write(m));
        }
        return KvEntry.ofString(key, String.valueOf(v));
    }

    // ---- shared attributes → Write ----

    @Override
    public void onAttributesUpdate(AttributesUpdate update) {
        if (asleep()) {
            update.updated().forEach(a -> pendingWrites.put(a.key(), a));
            log("Client asleep: writing " + update.updated().stream().map(AttributeKvEntry::key).toList()
                    + " when it wakes up");
            return;
        }
        writeShared(update.updated());
    }

    private void writeShared(List<AttributeKvEntry> updated) {
        Lwm2mProfile p = profile;
        LwM2mModel model = model();
        for (AttributeKvEntry a : updated) {
            String path = p.pathOf(a.key());
            if (path == null || !supports(path, p)) {
                continue;
            }
            LwM2mPath lp = new LwM2mPath(path);
            if (!lp.isResource()) {
                continue;
            }
            ResourceModel rm = model.getResourceModel(lp.getObjectId(), lp.getResourceId());
            if (rm == null || !rm.operations.isWritable()) {
                continue;
            }
            try {
                Object value = Values.convert(rm.type, Json.MAPPER.valueToTree(a.kv().value()));
                send(new WriteRequest(WriteRequest.Mode.REPLACE, null, lp,
                        LwM2mSingleResource.newResource(lp.getResourceId(), value, rm.type)), r -> { });
            } catch (RuntimeException e) {
                log("Shared attribute " + a.key() + " cannot be written to " + path + ": " + e.getMessage());
            }
        }
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

    /** Sends a request asynchronously, logging it and its outcome; the callback runs on a Leshan thread. */
    <T extends LwM2mResponse> void send(DownlinkRequest<T> request, java.util.function.Consumer<T> onResponse) {
        send(request, onResponse, e -> { });
    }

    @Override
    public <T extends LwM2mResponse> void send(DownlinkRequest<T> request, java.util.function.Consumer<T> onResponse,
                                               java.util.function.Consumer<Exception> onError) {
        String what = describe(request);
        if (closed) {
            log(what + " not sent: the client is no longer registered");
            onError.accept(new IllegalStateException("the LwM2M client is no longer registered"));
            return;
        }
        log(what);
        try {
            owner.server().send(registration, request, owner.props().timeoutMs(), r -> {
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
        if (request instanceof org.eclipse.leshan.core.request.SimpleDownlinkRequest<?> simple) {
            return name + " " + simple.getPath();
        }
        if (request instanceof org.eclipse.leshan.core.request.CompositeDownlinkRequest<?> composite) {
            return name + " " + composite.getPaths();
        }
        return name;
    }
}
