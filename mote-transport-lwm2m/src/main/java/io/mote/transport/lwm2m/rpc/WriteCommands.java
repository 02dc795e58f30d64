package io.mote.transport.lwm2m.rpc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.eclipse.leshan.core.link.lwm2m.attributes.DefaultLwM2mAttributeParser;
import org.eclipse.leshan.core.link.lwm2m.attributes.LwM2mAttributeSet;
import org.eclipse.leshan.core.model.LwM2mModel;
import org.eclipse.leshan.core.node.LwM2mNode;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.WriteAttributesRequest;
import org.eclipse.leshan.core.request.WriteCompositeRequest;
import org.eclipse.leshan.core.request.WriteRequest;
import tools.jackson.databind.JsonNode;

/** WriteReplace, WriteUpdate {@code {"id"|"key","value"}}, WriteComposite {@code {"nodes"}}, WriteAttributes. */
public final class WriteCommands {

    /** The attributes Write-Attributes may set: the notification class. */
    static final Set<String> NOTIFICATION_ATTRIBUTES = Set.of("pmin", "pmax", "gt", "lt", "st", "epmin", "epmax");

    private WriteCommands() {
    }

    static void writeReplace(RpcCall c) {
        write(c, WriteRequest.Mode.REPLACE);
    }

    static void writeUpdate(RpcCall c) {
        write(c, WriteRequest.Mode.UPDATE);
    }

    private static void write(RpcCall c, WriteRequest.Mode mode) {
        LwM2mPath path = new LwM2mPath(c.paths().target(c.params()));
        JsonNode value = c.params().get("value");
        if (value == null) {
            throw Refused.badRequest("params.value is missing");
        }
        if (mode == WriteRequest.Mode.UPDATE && !path.isObjectInstance() && !path.isResource()) {
            throw Refused.badRequest("WriteUpdate applies to an object instance or a resource, not " + path);
        }
        LwM2mNode node = Values.writeNode(c.device().model(), path, value);
        c.send(new WriteRequest(mode, Paths.format(c.params()), path, node), r -> {
            c.replyCode(r);
            if (r.isSuccess()) {
                c.device().written(resourcesOf(path, node));
            }
        });
    }

    /** The resources a Write of {@code node} to {@code path} sets: those of an instance, else the path itself. */
    static List<LwM2mPath> resourcesOf(LwM2mPath path, LwM2mNode node) {
        if (node instanceof LwM2mObjectInstance inst) {
            return inst.getResources().keySet().stream()
                    .map(id -> new LwM2mPath(path.getObjectId(), path.getObjectInstanceId(), id)).toList();
        }
        return List.of(path);
    }

    /** {@code {"nodes":{"/3/0/14":"+04","defaultMinimumPeriod":100}}}: paths or key names to values, written at once. */
    static void writeComposite(RpcCall c) {
        JsonNode nodes = c.params().get("nodes");
        if (nodes == null || !nodes.isObject() || nodes.isEmpty()) {
            throw Refused.badRequest("params.nodes must be an object like {\"/3/0/14\":\"+04\"}");
        }
        LwM2mModel model = c.device().model();
        Map<LwM2mPath, LwM2mNode> values = new LinkedHashMap<>();
        List<String> paths = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : nodes.properties()) {
            LwM2mPath path = new LwM2mPath(c.paths().pathOrKey(e.getKey()));
            if (!path.isResource() && !path.isResourceInstance()) {
                throw Refused.badRequest("WriteComposite writes resources or resource instances, not " + path);
            }
            paths.add(path.toString());
            values.put(path, Values.writeNode(model, path, e.getValue()));
        }
        Paths.disjoint(paths);
        ContentFormat format = CompositeFormats.of(c.params(), c.device().registration());
        c.send(new WriteCompositeRequest(format, values, null), r -> {
            c.replyCode(r);
            if (r.isSuccess()) {
                c.device().written(List.copyOf(values.keySet()));
            }
        });
    }

    /** {@code {"id","attributes":{"pmin":10,"pmax":120}}}: only notification attributes. */
    static void writeAttributes(RpcCall c) {
        String path = c.paths().target(c.params());
        JsonNode attrs = c.params().get("attributes");
        if (attrs == null || !attrs.isObject() || attrs.isEmpty()) {
            throw Refused.badRequest("params.attributes must be an object like {\"pmin\":10,\"pmax\":120}");
        }
        for (String name : attrs.propertyNames()) {
            if (!NOTIFICATION_ATTRIBUTES.contains(name)) {
                throw Refused.badRequest("'" + name + "' is not a notification attribute (pmin, pmax, gt, lt, st, epmin, epmax)");
            }
        }
        c.send(new WriteAttributesRequest(path, attributeSet(attrs)), c::replyCode);
    }

    /** {@code {"pmin":10,"gt":20.5}} as a Leshan attribute set; invalid values are refused. */
    public static LwM2mAttributeSet attributeSet(JsonNode attrs) {
        StringBuilder q = new StringBuilder();
        for (Map.Entry<String, JsonNode> a : attrs.properties()) {
            if (!q.isEmpty()) {
                q.append('&');
            }
            q.append(a.getKey()).append('=').append(a.getValue().isString() ? a.getValue().asString() : a.getValue().toString());
        }
        try {
            return new LwM2mAttributeSet(new DefaultLwM2mAttributeParser().parseUriQuery(q.toString()));
        } catch (Exception e) {
            throw Refused.badRequest("Invalid attributes " + attrs + ": " + e.getMessage());
        }
    }
}
