package io.mote.transport.lwm2m;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.leshan.core.node.LwM2mMultipleResource;
import org.eclipse.leshan.core.node.LwM2mNode;
import org.eclipse.leshan.core.node.LwM2mObject;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.node.LwM2mResourceInstance;
import org.eclipse.leshan.core.node.LwM2mSingleResource;
import org.eclipse.leshan.core.node.ObjectLink;
import org.eclipse.leshan.core.node.TimestampedLwM2mNodes;
import org.eclipse.leshan.core.util.datatype.ULong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mote.common.json.Json;
import io.mote.common.kv.KvEntry;
import io.mote.common.kv.TsKvEntry;

/**
 * Values from reads, notifications and Send, flattened to resource paths and stored under the profile's key
 * names: telemetry paths as time series, attribute paths as client attributes.
 */
final class ValueStore {

    private static final Logger log = LoggerFactory.getLogger(ValueStore.class);

    private final Lwm2mClient client;

    ValueStore(Lwm2mClient client) {
        this.client = client;
    }

    void store(TimestampedLwM2mNodes data) {
        for (Instant ts : data.getTimestamps()) {
            store(data.getNodesAt(ts), ts == null ? System.currentTimeMillis() : ts.toEpochMilli());
        }
    }

    /** Stores every mapped resource found in the nodes. */
    void store(Map<LwM2mPath, LwM2mNode> nodes, long ts) {
        if (client.closed()) {
            return;
        }
        Lwm2mProfile p = client.profile();
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
        var device = client.device();
        if (!telemetry.isEmpty()) {
            client.owner().drain().track(client.owner().core().postTelemetry(device, telemetry)).exceptionally(e -> {
                log.debug("LwM2M telemetry of {} not stored: {}", device.deviceId(), e.toString());
                return null;
            });
        }
        if (!attributes.isEmpty()) {
            client.owner().drain().track(client.owner().core().postAttributes(device, attributes));
        }
    }

    /** Longest transportLog description of the values a Send carried. */
    private static final int DESCRIBE_MAX = 1000;

    /** The values of a Send as a transportLog line shows them: {@code /3/0/9=75, /3/0/0=Acme} (timestamps if any). */
    static String describe(TimestampedLwM2mNodes data) {
        List<String> groups = new ArrayList<>();
        for (Instant ts : data.getTimestamps()) {
            Map<String, Object> values = new LinkedHashMap<>();
            data.getNodesAt(ts).forEach((path, node) -> flatten(path, node, values));
            List<String> pairs = new ArrayList<>();
            values.forEach((path, v) -> pairs.add(path + "=" + plain(v)));
            groups.add((ts == null ? "" : "at " + ts + " ") + String.join(", ", pairs));
        }
        String text = String.join("; ", groups);
        return text.length() > DESCRIBE_MAX ? text.substring(0, DESCRIBE_MAX) + "…" : text;
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
}
