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

import org.eclipse.leshan.core.ResponseCode;
import org.eclipse.leshan.core.link.DefaultLinkSerializer;
import org.eclipse.leshan.core.link.Link;
import org.eclipse.leshan.core.link.lwm2m.attributes.DefaultLwM2mAttributeParser;
import org.eclipse.leshan.core.link.lwm2m.attributes.LwM2mAttributeSet;
import org.eclipse.leshan.core.model.LwM2mModel;
import org.eclipse.leshan.core.model.ResourceModel;
import org.eclipse.leshan.core.node.LwM2mMultipleResource;
import org.eclipse.leshan.core.node.LwM2mNode;
import org.eclipse.leshan.core.node.LwM2mObject;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.node.LwM2mResource;
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
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.request.WriteAttributesRequest;
import org.eclipse.leshan.core.request.WriteRequest;
import org.eclipse.leshan.core.response.LwM2mResponse;
import org.eclipse.leshan.core.response.ObserveResponse;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.core.util.datatype.ULong;
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

/**
 * One registered LwM2M client and its device session. On registration, and again whenever the device or
 * its profile changes, the profile is applied: mapped resources are read, notification attributes
 * written, observations started per the observe strategy; values from reads, notifications and Send are
 * stored as telemetry or client attributes under their key names.
 */
final class Lwm2mClient implements SessionListener {

    private static final Logger log = LoggerFactory.getLogger(Lwm2mClient.class);

    private final Lwm2mTransport owner;
    private volatile Registration registration;
    private volatile DeviceInfo device;
    private volatile DeviceSession session;
    private volatile Lwm2mProfile profile = Lwm2mProfile.EMPTY;
    private final Lwm2mRpc rpc;
    private volatile boolean closed;

    Lwm2mClient(Lwm2mTransport owner, Registration registration, DeviceInfo device) {
        this.owner = owner;
        this.registration = registration;
        this.device = device;
        this.rpc = new Lwm2mRpc(this);
    }

    Registration registration() {
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
        loadProfile().whenComplete((v, e) -> {
            if (!closed) {
                session.subscribeToAttributes(true);
                session.subscribeToRpc(true);
            }
        });
        log.info("LwM2M client '{}' registered as device {}", registration.getEndpoint(), device.deviceId());
    }

    void updated(Registration updated, Registration previous) {
        this.registration = updated;
        if (!updated.getSocketAddress().equals(previous.getSocketAddress())
                || !updated.getLifeTimeInSec().equals(previous.getLifeTimeInSec())
                || !updated.getBindingMode().equals(previous.getBindingMode())) {
            // A new source address (NAT rebinding, a new cell) keeps the session; only the details change.
            owner.core().postAttributes(device, registrationAttributes(updated));
        }
    }

    /** A sign of life from the client: a registration update, a notification, a Send. */
    void activity() {
        owner.core().reportActivity(device);
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

    private java.util.concurrent.CompletableFuture<Void> loadProfile() {
        return owner.core().transportConfiguration(device).thenAccept(tc -> {
            Lwm2mProfile next;
            try {
                next = Lwm2mProfile.parse(tc.profile());
            } catch (RuntimeException e) {
                log.warn("LwM2M profile of device {} is unreadable: {}", device.deviceId(), e.toString());
                return;
            }
            Lwm2mProfile previous = profile;
            profile = next;
            apply(previous, next);
        }).exceptionally(e -> {
            log.warn("LwM2M profile of device {} could not be loaded: {}", device.deviceId(), e.toString());
            return null;
        });
    }

    @Override
    public void onDeviceUpdated(DeviceInfo updated) {
        this.device = updated;
        loadProfile();
    }

    @Override
    public void onSessionClosed(String reason) {
        closed = true;
        log.info("LwM2M session of '{}' closed by the core: {}", registration.getEndpoint(), reason);
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
        Set<String> mapped = new LinkedHashSet<>(p.attributes());
        mapped.addAll(p.telemetry());
        Set<String> oldMapped = new LinkedHashSet<>(old.attributes());
        oldMapped.addAll(old.telemetry());
        // Read what is mapped and not observed (an observation answers with the current value itself).
        for (String path : mapped) {
            if (supports(path, p) && !p.observe().contains(path) && !oldMapped.contains(path)) {
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
                send(new WriteAttributesRequest(e.getKey(), attributeSet(e.getValue())), r -> { });
            } catch (RuntimeException ex) {
                log.warn("LwM2M attributes of {} for {} are invalid: {}", e.getKey(), registration.getEndpoint(), ex.toString());
            }
        }
        observe(old, p);
    }

    static LwM2mAttributeSet attributeSet(tools.jackson.databind.JsonNode attrs) {
        StringBuilder q = new StringBuilder();
        for (Map.Entry<String, tools.jackson.databind.JsonNode> a : attrs.properties()) {
            if (!q.isEmpty()) {
                q.append('&');
            }
            q.append(a.getKey()).append('=').append(a.getValue().isString() ? a.getValue().asString() : a.getValue().toString());
        }
        try {
            return new LwM2mAttributeSet(new DefaultLwM2mAttributeParser().parseUriQuery(q.toString()));
        } catch (Exception e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private void observe(Lwm2mProfile old, Lwm2mProfile p) {
        Set<Observation> current = owner.server().getObservationService().getObservations(registration);
        List<String> wanted = p.observe().stream().filter(path -> supports(path, p)).toList();
        boolean single = "SINGLE".equals(p.observeStrategy());
        Set<String> observedSingle = new LinkedHashSet<>();
        for (Observation o : current) {
            if (o instanceof SingleObservation so) {
                String path = so.getPath().toString();
                if (!single || !wanted.contains(path)) {
                    owner.server().getObservationService().cancelObservation(o);
                } else {
                    observedSingle.add(path);
                }
            } else if (o instanceof CompositeObservation
                    && (single || !old.observe().equals(p.observe()) || !old.observeStrategy().equals(p.observeStrategy()))) {
                owner.server().getObservationService().cancelObservation(o);
            } else if (o instanceof CompositeObservation) {
                return; // unchanged composite observations stay
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
        Map<Integer, List<LwM2mPath>> groups = new LinkedHashMap<>();
        for (String path : wanted) {
            LwM2mPath lp = new LwM2mPath(path);
            int group = "COMPOSITE_BY_OBJECT".equals(p.observeStrategy()) ? lp.getObjectId() : -1;
            groups.computeIfAbsent(group, g -> new ArrayList<>()).add(lp);
        }
        for (List<LwM2mPath> paths : groups.values()) {
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
        Lwm2mProfile p = profile;
        LwM2mModel model = owner.server().getModelProvider().getObjectModel(registration);
        for (AttributeKvEntry a : update.updated()) {
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
                Object value = Lwm2mRpc.convert(rm.type, Lwm2mRpc.jsonOf(a.kv()));
                send(new WriteRequest(WriteRequest.Mode.REPLACE, null, lp,
                        LwM2mSingleResource.newResource(lp.getResourceId(), value, rm.type)), r -> {
                    if (r.isFailure()) {
                        log.info("LwM2M write of {} to {} failed: {} {}", path, registration.getEndpoint(), r.getCode(),
                                r.getErrorMessage());
                    }
                });
            } catch (RuntimeException e) {
                log.info("Shared attribute {} cannot be written to {}: {}", a.key(), path, e.getMessage());
            }
        }
    }

    // ---- RPC ----

    @Override
    public boolean onRpcRequest(RpcRequest request) {
        rpc.handle(request);
        return true;
    }

    /** Sends a request asynchronously; the callback runs on a Leshan thread and must not block. */
    <T extends LwM2mResponse> void send(DownlinkRequest<T> request, java.util.function.Consumer<T> onResponse) {
        send(request, onResponse, e -> log.debug("LwM2M {} to {} failed: {}", request.getClass().getSimpleName(),
                registration.getEndpoint(), e.toString()));
    }

    <T extends LwM2mResponse> void send(DownlinkRequest<T> request, java.util.function.Consumer<T> onResponse,
                                        java.util.function.Consumer<Exception> onError) {
        if (closed) {
            onError.accept(new IllegalStateException("the LwM2M client is no longer registered"));
            return;
        }
        try {
            owner.server().send(registration, request, owner.props().timeoutMs(), onResponse::accept, onError::accept);
        } catch (RuntimeException e) {
            onError.accept(e);
        }
    }

    static String code(ResponseCode code) {
        return code.getName();
    }

    static String links(Link[] links) {
        return new DefaultLinkSerializer().serializeCoreLinkFormat(links);
    }
}
