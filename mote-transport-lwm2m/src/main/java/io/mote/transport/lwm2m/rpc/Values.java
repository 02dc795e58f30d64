package io.mote.transport.lwm2m.rpc;

import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.leshan.core.model.LwM2mModel;
import org.eclipse.leshan.core.model.ObjectModel;
import org.eclipse.leshan.core.model.ResourceModel;
import org.eclipse.leshan.core.node.LwM2mMultipleResource;
import org.eclipse.leshan.core.node.LwM2mNode;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.node.LwM2mResource;
import org.eclipse.leshan.core.node.LwM2mResourceInstance;
import org.eclipse.leshan.core.node.LwM2mSingleResource;
import org.eclipse.leshan.core.node.ObjectLink;
import org.eclipse.leshan.core.util.datatype.ULong;
import tools.jackson.databind.JsonNode;

/** JSON values → Leshan nodes of the model's types, refusing what the model does not allow. */
public final class Values {

    private Values() {
    }

    static ObjectModel object(LwM2mModel model, int objectId) {
        ObjectModel om = model.getObjectModel(objectId);
        if (om == null) {
            throw new Refused("NOT_FOUND", "No model of object " + objectId);
        }
        return om;
    }

    /** A resource the server may write. */
    static ResourceModel writable(ObjectModel om, int id, String path) {
        ResourceModel rm = om.resources.get(id);
        if (rm == null) {
            throw new Refused("NOT_FOUND", "Resource " + path + " is not defined by object " + om.id + " (" + om.name + ")");
        }
        if (!rm.operations.isWritable()) {
            throw new Refused("METHOD_NOT_ALLOWED", "Resource " + path + " (" + rm.name + ") is not writable");
        }
        return rm;
    }

    /** The node a Write of {@code value} to {@code path} (an object instance or a resource) carries. */
    static LwM2mNode writeNode(LwM2mModel model, LwM2mPath path, JsonNode value) {
        ObjectModel om = object(model, path.getObjectId());
        if (path.isResource()) {
            return resource(writable(om, path.getResourceId(), path.toString()), value);
        }
        if (path.isResourceInstance()) {
            ResourceModel rm = writable(om, path.getResourceId(), path.toString());
            return LwM2mResourceInstance.newInstance(path.getResourceInstanceId(), convert(rm.type, value), rm.type);
        }
        if (path.isObjectInstance()) {
            return new LwM2mObjectInstance(path.getObjectInstanceId(), resources(om, path.toString(), value));
        }
        throw Refused.badRequest("Write applies to an object instance or a resource, not " + path);
    }

    /** {@code {"resourceId": value, …}} as resources of the object. */
    static List<LwM2mResource> resources(ObjectModel om, String path, JsonNode value) {
        if (!value.isObject()) {
            throw Refused.badRequest("Writing " + path + " needs value {\"resourceId\": value, …}");
        }
        List<LwM2mResource> resources = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : value.properties()) {
            int id = id(e.getKey(), path);
            resources.add(resource(writable(om, id, path + "/" + id), e.getValue()));
        }
        return resources;
    }

    static int id(String s, String where) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw Refused.badRequest("'" + s + "' in " + where + " is not a resource or instance id");
        }
    }

    static LwM2mResource resource(ResourceModel rm, JsonNode value) {
        if (rm.multiple) {
            if (value.isValueNode() && !value.isNull()) {
                // A lone value of a multiple resource is its instance 0 ({"0":"00ad"} in a Create of /19).
                return LwM2mMultipleResource.newResource(rm.id, Map.of(0, convert(rm.type, value)), rm.type);
            }
            if (!value.isObject()) {
                throw Refused.badRequest("Resource " + rm.id + " (" + rm.name
                        + ") has multiple instances: value must be {\"instanceId\": value, …} or one value");
            }
            Map<Integer, Object> values = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : value.properties()) {
                values.put(id(e.getKey(), "resource " + rm.id), convert(rm.type, e.getValue()));
            }
            return LwM2mMultipleResource.newResource(rm.id, values, rm.type);
        }
        return LwM2mSingleResource.newResource(rm.id, convert(rm.type, value), rm.type);
    }

    /** A JSON value in the Java type Leshan expects for the resource type. */
    public static Object convert(ResourceModel.Type type, JsonNode v) {
        try {
            return switch (type) {
                case STRING -> v.isString() ? v.asString() : v.toString();
                case INTEGER -> v.isNumber() ? v.asLong() : Long.parseLong(v.asString().trim());
                case UNSIGNED_INTEGER -> ULong.valueOf(v.isNumber() ? v.asLong() : Long.parseLong(v.asString().trim()));
                case FLOAT -> v.isNumber() ? v.asDouble() : Double.parseDouble(v.asString().trim());
                case BOOLEAN -> v.isBoolean() ? v.asBoolean() : Boolean.parseBoolean(v.asString().trim());
                case TIME -> new Date(v.isNumber() ? v.asLong() : Long.parseLong(v.asString().trim()));
                case OPAQUE -> HexFormat.of().parseHex(v.asString().trim());
                case OBJLNK -> ObjectLink.decodeFromString(v.asString());
                default -> throw Refused.badRequest("Resources of type " + type + " cannot be written");
            };
        } catch (NumberFormatException e) {
            throw Refused.badRequest("Value " + v + " is not a valid " + type);
        } catch (IllegalArgumentException e) {
            throw Refused.badRequest("Value " + v + " is not a valid " + type + ": " + e.getMessage());
        }
    }

    /**
     * A node as Leshan prints it ({@code LwM2mSingleResource [id=9, value=75, type=INTEGER]}), with the
     * instances and resources of objects, object instances and multiple resources in id order.
     */
    public static String print(LwM2mNode node) {
        if (node instanceof org.eclipse.leshan.core.node.LwM2mObject o) {
            return "LwM2mObject [id=" + o.getId() + ", instances=" + sorted(o.getInstances()) + "]";
        }
        if (node instanceof LwM2mObjectInstance i) {
            return "LwM2mObjectInstance [id=" + i.getId() + ", resources=" + sorted(i.getResources()) + "]";
        }
        if (node instanceof LwM2mMultipleResource r) {
            return "LwM2mMultipleResource [id=" + r.getId() + ", values=" + sorted(r.getInstances()) + ", type="
                    + r.getType() + "]";
        }
        return String.valueOf(node);
    }

    private static String sorted(Map<Integer, ? extends LwM2mNode> nodes) {
        StringBuilder sb = new StringBuilder("{");
        new java.util.TreeMap<>(nodes).forEach((id, n) -> {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(id).append('=').append(print(n));
        });
        return sb.append('}').toString();
    }

    /** Nodes by path as ThingsBoard prints a composite answer: {@code {/3/0/9=LwM2mSingleResource [...], …}}. */
    static String compositeText(List<String> requested, Map<LwM2mPath, LwM2mNode> nodes) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String p : requested) {
            LwM2mNode n = nodes.get(new LwM2mPath(p));
            if (n != null) {
                m.put(p, print(n));
            }
        }
        nodes.forEach((p, n) -> m.putIfAbsent(p.toString(), print(n)));
        return m.toString();
    }
}
