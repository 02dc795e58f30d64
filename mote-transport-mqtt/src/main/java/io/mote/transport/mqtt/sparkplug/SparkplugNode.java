package io.mote.transport.mqtt.sparkplug;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttReasonCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mote.common.error.MoteException;
import io.mote.common.kv.KvEntry;
import io.mote.common.kv.TsKvEntry;
import io.mote.transport.api.AttributesUpdate;
import io.mote.transport.api.DeviceInfo;
import io.mote.transport.api.DeviceSession;
import io.mote.transport.api.RpcRequest;
import io.mote.transport.api.TransportService;
import io.mote.transport.mqtt.MqttConnection;
import io.mote.transport.mqtt.Publish;
import io.mote.transport.mqtt.TopicFilter;
import io.mote.transport.mqtt.sparkplug.SparkplugTopic.MessageType;
import io.mote.transport.mqtt.sparkplug.proto.SparkplugB.DataType;
import io.mote.transport.mqtt.sparkplug.proto.SparkplugB.Payload;
import io.mote.transport.mqtt.sparkplug.proto.SparkplugB.Payload.Metric;

/**
 * A connection whose device is a Sparkplug B edge node (its profile says {@code sparkplug}), as
 * ThingsBoard serves one: the node is the device that connected, named by its CONNECT's will, an NDEATH
 * on {@code spBv1.0/{group}/NDEATH/{edge}}; NBIRTH / NDATA metrics are its telemetry (or attributes, for
 * the profile's {@code sparkplugAttributesMetricNames}), DBIRTH / DDATA those of device {@code {device}},
 * created on first use like a gateway's child (type: the node's type + " device"). BIRTH metrics name the
 * aliases DATA uses and the types commands are written in; births store {@code sparkplugConnectionState}
 * ONLINE, a DDEATH or the node's end stores OFFLINE and turns the device inactive at once. Shared
 * attributes named like a BIRTH metric, and RPC {@code NCMD} / {@code DCMD} with
 * {@code {"metricName","value"}}, go back as NCMD / DCMD once the node subscribed to them. Touched on the
 * connection's event loop, except the session callbacks, which only read concurrent maps and publish.
 */
public final class SparkplugNode {

    private static final Logger log = LoggerFactory.getLogger(SparkplugNode.class);
    static final String STATE_KEY = "sparkplugConnectionState";
    private static final String BD_SEQ = "bdSeq";

    private final MqttConnection connection;
    private final TransportService transport;
    private final SparkplugSettings settings;
    private final String group;
    private final String edge;
    private final Payload will;
    private final SparkplugDevices devices;
    /** The node's BIRTH metrics by name. */
    final Map<String, Metric> birth = new ConcurrentHashMap<>();
    /** Metric names by alias, for the node and all its devices (the specification makes them unique per node). */
    final Map<Long, String> aliases = new ConcurrentHashMap<>();
    /** Granted command filters with their QoS. */
    final Map<String, Byte> commandFilters = new ConcurrentHashMap<>();
    private DeviceSession session;
    /** A new connection of the same client took over: the node lives on there. */
    private boolean takenOver;

    /** A CONNECT's will message, if it has one. */
    public record Will(String topic, byte[] payload) {
        public static Will of(MqttConnectMessage m) {
            return m.variableHeader().isWillFlag()
                    ? new Will(m.payload().willTopic(), m.payload().willMessageInBytes()) : null;
        }
    }

    private SparkplugNode(MqttConnection connection, SparkplugSettings settings, SparkplugTopic topic, Payload will) {
        this.connection = connection;
        this.transport = connection.transport();
        this.settings = settings;
        this.group = topic.group();
        this.edge = topic.edgeNode();
        this.will = will;
        this.devices = new SparkplugDevices(this, connection, transport);
    }

    /** The node of a Sparkplug connection; null (the CONNECT is refused) without an NDEATH will in Sparkplug B. */
    public static SparkplugNode of(MqttConnection connection, SparkplugSettings settings, Will will) {
        SparkplugTopic topic = will == null ? null : SparkplugTopic.parse(will.topic());
        if (topic == null || topic.type() != MessageType.NDEATH) {
            log.debug("MQTT client {}: a Sparkplug node must connect with an NDEATH will", connection.clientId());
            return null;
        }
        try {
            return new SparkplugNode(connection, settings, topic, Payload.parseFrom(will.payload()));
        } catch (InvalidProtocolBufferException e) {
            log.debug("MQTT client {}: the will is no Sparkplug B payload", connection.clientId());
            return null;
        }
    }

    /** Once connected: the session of the node itself; the will's metrics (its bdSeq) are stored as ThingsBoard does. */
    public void start(DeviceSession nodeSession) {
        this.session = nodeSession;
        store(connection.device(), will, MessageType.NDEATH, birth);
    }

    SparkplugSettings settings() {
        return settings;
    }

    String group() {
        return group;
    }

    String edge() {
        return edge;
    }

    // ---------------------------------------------------------------- from the node

    public void onPublish(Publish p) {
        SparkplugTopic t = SparkplugTopic.parse(p.topic());
        if (t == null) {
            connection.reject(p, MqttReasonCodes.PubAck.TOPIC_NAME_INVALID, "Not a Sparkplug B topic: " + p.topic());
            return;
        }
        if (!t.group().equals(group) || !t.edgeNode().equals(edge)) {
            connection.reject(p, MqttReasonCodes.PubAck.NOT_AUTHORIZED, "The node is " + group + "/" + edge);
            return;
        }
        Payload payload;
        try {
            payload = Payload.parseFrom(p.payload());
        } catch (InvalidProtocolBufferException e) {
            throw MoteException.badRequest("Not a Sparkplug B payload: " + e.getMessage());
        }
        DeviceInfo node = connection.device();
        switch (t.type()) {
            case NBIRTH -> {
                // A rebirth: what the node said before no longer holds.
                birth.clear();
                aliases.clear();
                remember(payload, birth);
                connection.complete(p, store(node, payload, t.type(), birth));
            }
            case NDATA, NCMD -> connection.complete(p, store(node, payload, t.type(), birth));
            case NDEATH -> {
                if (!bdSeqMatches(payload)) {
                    throw MoteException.badRequest("The NDEATH's bdSeq is not the one of the node's birth");
                }
                connection.ack(p);
                log.debug("Sparkplug node {}/{} sent NDEATH, closing", group, edge);
                connection.disconnect(MqttReasonCodes.Disconnect.NORMAL_DISCONNECT);
            }
            case DBIRTH, DDATA, DCMD -> connection.complete(p, devices.onData(t.device(), t.type(), payload));
            case DDEATH -> connection.complete(p, devices.onDeath(t.device()));
            default -> connection.reject(p, MqttReasonCodes.PubAck.TOPIC_NAME_INVALID, t.type() + " is not handled");
        }
    }

    /** The node's NDEATH (its will's, or its birth's) bdSeq equals this one's. */
    private boolean bdSeqMatches(Payload death) {
        Long expected = bdSeq(birth.isEmpty() ? will.getMetricsList() : List.copyOf(birth.values()));
        Long got = bdSeq(death.getMetricsList());
        return expected == null || expected.equals(got);
    }

    private static Long bdSeq(List<Metric> metrics) {
        for (Metric m : metrics) {
            if (BD_SEQ.equals(m.getName())) {
                return m.hasLongValue() ? m.getLongValue() : (long) m.getIntValue();
            }
        }
        return null;
    }

    /** A BIRTH's metrics: by name, with their aliases. */
    void remember(Payload payload, Map<String, Metric> into) {
        for (Metric m : payload.getMetricsList()) {
            if (!m.hasName() || m.getName().isEmpty()) {
                throw MoteException.badRequest("A BIRTH metric has no name");
            }
            into.put(m.getName(), m);
            if (m.hasAlias()) {
                aliases.put(m.getAlias(), m.getName());
            }
        }
    }

    /**
     * Stores a payload's metrics for {@code target}: time series at the metric's timestamp (else the
     * payload's), attributes for the profile's attribute metric names; births add
     * {@code sparkplugConnectionState} ONLINE and a DBIRTH its {@code seq}, as ThingsBoard does.
     */
    CompletableFuture<Void> store(DeviceInfo target, Payload payload, MessageType type, Map<String, Metric> births) {
        long now = System.currentTimeMillis();
        long ts = payload.hasTimestamp() ? payload.getTimestamp() : now;
        List<TsKvEntry> telemetry = new ArrayList<>();
        List<KvEntry> attributes = new ArrayList<>();
        for (Metric m : payload.getMetricsList()) {
            String name = m.hasName() ? m.getName() : m.hasAlias() ? aliases.get(m.getAlias()) : null;
            if (name == null) {
                throw MoteException.badRequest("A metric has neither a name nor an alias of a BIRTH");
            }
            Metric b = births.get(name);
            DataType dataType = m.hasDatatype() || b == null ? SparkplugMetrics.typeOf(m) : SparkplugMetrics.typeOf(b);
            // bdSeq is kept per message type, so NBIRTH's and NDEATH's stay apart.
            KvEntry kv = SparkplugMetrics.toKv(BD_SEQ.equals(name) ? type.name() + " " + name : name, m, dataType);
            if (kv == null) {
                continue;
            }
            if (settings.isAttribute(name)) {
                attributes.add(kv);
            } else {
                telemetry.add(new TsKvEntry(m.hasTimestamp() ? m.getTimestamp() : ts, kv));
            }
        }
        if (type == MessageType.NBIRTH || type == MessageType.DBIRTH) {
            telemetry.add(new TsKvEntry(ts, KvEntry.ofString(STATE_KEY, "ONLINE")));
        }
        if (type == MessageType.DBIRTH) {
            telemetry.add(new TsKvEntry(ts, KvEntry.ofLong(type.name() + " seq", payload.getSeq())));
        }
        CompletableFuture<Void> t = telemetry.isEmpty() ? CompletableFuture.completedFuture(null)
                : transport.postTelemetry(target, telemetry);
        CompletableFuture<Void> a = attributes.isEmpty() ? CompletableFuture.completedFuture(null)
                : transport.postAttributes(target, attributes);
        return CompletableFuture.allOf(t, a);
    }

    /** Stores OFFLINE, then turns the device inactive now (after the store, which is activity itself). */
    void offline(DeviceInfo target) {
        transport.postTelemetry(target, List.of(new TsKvEntry(System.currentTimeMillis(),
                        KvEntry.ofString(STATE_KEY, "OFFLINE"))))
                .whenComplete((v, err) -> transport.reportUnreachable(target));
    }

    // ---------------------------------------------------------------- subscriptions

    /**
     * A SUBSCRIBE filter under {@code spBv1.0/}: the node's own command topics (NCMD, DCMD, with
     * wildcards) and the host's STATE are granted; anything else is refused.
     */
    public boolean subscribe(String filter, byte qos) {
        String prefix = SparkplugTopic.NAMESPACE + "/";
        if (filter.startsWith(prefix + "STATE/")) {
            return true;
        }
        boolean node = TopicFilter.matches(filter, SparkplugTopic.of(group, MessageType.NCMD, edge, null));
        boolean device = matchesDeviceCommands(filter);
        if (!node && !device) {
            return false;
        }
        commandFilters.put(filter, qos);
        if (node && session != null) {
            session.subscribeToAttributes(true);
            session.subscribeToRpc(true);
        }
        if (device) {
            devices.subscribeAll(true);
        }
        return true;
    }

    public void unsubscribe(String filter) {
        if (commandFilters.remove(filter) == null) {
            return;
        }
        if (commandQos(null) < 0 && session != null) {
            session.subscribeToAttributes(false);
            session.subscribeToRpc(false);
        }
        if (commandFilters.keySet().stream().noneMatch(this::matchesDeviceCommands)) {
            devices.subscribeAll(false);
        }
    }

    private boolean matchesDeviceCommands(String filter) {
        // Any device of this node: a filter naming one device matches its topic only, checked per publish.
        String base = SparkplugTopic.NAMESPACE + "/" + group + "/" + MessageType.DCMD.name() + "/" + edge + "/";
        return TopicFilter.matches(filter, base + "x") || filter.startsWith(base);
    }

    /** The QoS commands to the node ({@code device} null) or a device go out at; -1 when nobody listens. */
    byte commandQos(String device) {
        String topic = SparkplugTopic.of(group, device == null ? MessageType.NCMD : MessageType.DCMD, edge, device);
        byte qos = -1;
        for (var e : commandFilters.entrySet()) {
            if (TopicFilter.matches(e.getKey(), topic)) {
                qos = (byte) Math.max(qos, e.getValue());
            }
        }
        return qos;
    }

    boolean deviceCommandsSubscribed() {
        return commandFilters.keySet().stream().anyMatch(this::matchesDeviceCommands);
    }

    // ---------------------------------------------------------------- to the node (core threads)

    /** A shared-attribute update of the node itself. */
    public void onAttributesUpdate(AttributesUpdate update) {
        SparkplugCommands.attributes(this, connection, null, birth, update);
    }

    /** A server-side RPC to the node itself; false while it has not subscribed to its commands. */
    public boolean onRpcRequest(RpcRequest request) {
        return SparkplugCommands.rpc(this, connection, connection.device(), null, birth, request);
    }

    /** A new connection with the same client id took this one's place (event loop). */
    public void takenOver() {
        takenOver = true;
    }

    /** The connection closed: the node and its devices are OFFLINE and inactive, unless it was taken over. */
    public void closeAll() {
        devices.closeAll(!takenOver);
        if (connection.device() != null && !takenOver) {
            offline(connection.device());
        }
    }
}
