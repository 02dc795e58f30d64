package io.mote.transport.lwm2m;

import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.leshan.core.link.Link;
import org.eclipse.leshan.core.link.attributes.Attribute;
import org.eclipse.leshan.core.model.LwM2mModel;
import org.eclipse.leshan.core.model.ObjectModel;
import org.eclipse.leshan.core.model.ResourceModel;
import org.eclipse.leshan.core.node.LwM2mNode;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.node.LwM2mResource;
import org.eclipse.leshan.core.node.LwM2mMultipleResource;
import org.eclipse.leshan.core.node.LwM2mSingleResource;
import org.eclipse.leshan.core.observation.Observation;
import org.eclipse.leshan.core.observation.SingleObservation;
import org.eclipse.leshan.core.observation.CompositeObservation;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.DeleteRequest;
import org.eclipse.leshan.core.request.DiscoverRequest;
import org.eclipse.leshan.core.request.ExecuteRequest;
import org.eclipse.leshan.core.request.exception.RequestCanceledException;
import org.eclipse.leshan.core.request.ObserveRequest;
import org.eclipse.leshan.core.request.ReadCompositeRequest;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.request.WriteAttributesRequest;
import org.eclipse.leshan.core.request.WriteRequest;
import org.eclipse.leshan.core.response.LwM2mResponse;
import org.eclipse.leshan.core.util.datatype.ULong;
import org.eclipse.leshan.server.registration.Registration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;
import io.mote.common.kv.KvEntry;
import io.mote.transport.api.RpcRequest;

/**
 * ThingsBoard's LwM2M RPC commands ({@code Read {"id":"/3/0/9"}}, {@code Observe {"key":"batteryLevel"}} …),
 * answered as {@code {"result":"CONTENT","value":"LwM2mSingleResource [id=9, value=75, type=INTEGER]"}}
 * or {@code {"result":"BAD_REQUEST","error":"…"}}. A request that cannot be valid is answered without
 * sending anything to the client.
 */
final class Lwm2mRpc {

    /** A refused request: answered with this result and message, nothing sent. */
    static final class Refused extends RuntimeException {
        final String result;

        Refused(String result, String message) {
            super(message, null, false, false);
            this.result = result;
        }
    }

    private final Lwm2mClient client;

    Lwm2mRpc(Lwm2mClient client) {
        this.client = client;
    }

    void handle(RpcRequest request) {
        client.owner().core().acknowledgeRpc(client.device(), request.id());
        try {
            JsonNode params = request.params() == null || request.params().isBlank() ? Json.object()
                    : Json.parse(request.params());
            dispatch(request, params.isObject() ? params : Json.object());
        } catch (Refused e) {
            answer(request, error(e.result, e.getMessage()));
        } catch (RuntimeException e) {
            answer(request, error("BAD_REQUEST", e.getMessage()));
        }
    }

    private void dispatch(RpcRequest request, JsonNode params) {
        Registration reg = client.registration();
        String method = request.method();
        switch (method) {
            case "Read" -> {
                String path = target(params);
                client.send(new ReadRequest(path), r -> answer(request, content(r, r.getContent())), e -> failed(request, e));
            }
            case "Discover" -> {
                String path = target(params);
                client.send(new DiscoverRequest(path), r -> answer(request,
                        r.isSuccess() ? value(r, Lwm2mClient.links(r.getObjectLinks())) : failure(r)), e -> failed(request, e));
            }
            case "DiscoverAll" -> answer(request, value("CONTENT", Json.write(discoverAll(reg.getObjectLinks()))));
            case "Observe" -> {
                String path = target(params);
                client.send(new ObserveRequest(path), r -> answer(request, content(r, r.getContent())), e -> failed(request, e));
            }
            case "ObserveCancel" -> {
                String path = target(params);
                int n = client.owner().server().getObservationService().cancelObservations(reg, path);
                answer(request, value("CONTENT", String.valueOf(n)));
            }
            case "ObserveCancelAll" -> {
                int n = client.owner().server().getObservationService().cancelObservations(reg);
                answer(request, value("CONTENT", String.valueOf(n)));
            }
            case "ObserveReadAll" -> {
                List<String> paths = new ArrayList<>();
                for (Observation o : client.owner().server().getObservationService().getObservations(reg)) {
                    if (o instanceof SingleObservation so) {
                        paths.add(so.getPath().toString());
                    } else if (o instanceof CompositeObservation co) {
                        co.getPaths().forEach(p -> paths.add(p.toString()));
                    }
                }
                answer(request, value("CONTENT", Json.write(paths)));
            }
            case "ReadComposite" -> {
                List<String> paths = targets(params);
                client.send(new ReadCompositeRequest(ContentFormat.SENML_CBOR, ContentFormat.SENML_CBOR, paths),
                        r -> answer(request, r.isSuccess() ? value(r, compositeText(r.getContent())) : failure(r)),
                        e -> failed(request, e));
            }
            case "WriteReplace", "WriteUpdate" -> {
                String path = target(params);
                if (!params.has("value")) {
                    throw new Refused("BAD_REQUEST", "params.value is missing");
                }
                WriteRequest write = write("WriteReplace".equals(method) ? WriteRequest.Mode.REPLACE
                        : WriteRequest.Mode.UPDATE, new LwM2mPath(path), params.get("value"));
                client.send(write, r -> answer(request, r.isSuccess() ? value(r, null) : failure(r)), e -> failed(request, e));
            }
            case "WriteAttributes" -> {
                String path = target(params);
                JsonNode attrs = params.get("attributes");
                if (attrs == null || !attrs.isObject() || attrs.isEmpty()) {
                    throw new Refused("BAD_REQUEST", "params.attributes must be an object like {\"pmin\":10,\"pmax\":120}");
                }
                for (Map.Entry<String, JsonNode> a : attrs.properties()) {
                    if (!List.of("pmin", "pmax", "gt", "lt", "st", "epmin", "epmax").contains(a.getKey())) {
                        throw new Refused("BAD_REQUEST", "'" + a.getKey() + "' is not a notification attribute"
                                + " (pmin, pmax, gt, lt, st, epmin, epmax)");
                    }
                }
                client.send(new WriteAttributesRequest(path, Lwm2mClient.attributeSet(attrs)),
                        r -> answer(request, r.isSuccess() ? value(r, null) : failure(r)), e -> failed(request, e));
            }
            case "Execute" -> {
                String path = target(params);
                LwM2mPath lp = new LwM2mPath(path);
                ResourceModel rm = lp.isResource() ? model().getResourceModel(lp.getObjectId(), lp.getResourceId()) : null;
                if (rm == null) {
                    throw new Refused("BAD_REQUEST", "Execute needs a resource path (/object/instance/resource), got " + path);
                }
                if (!rm.operations.isExecutable()) {
                    throw new Refused("METHOD_NOT_ALLOWED", "Resource " + path + " (" + rm.name + ") is not executable");
                }
                JsonNode args = params.get("value");
                ExecuteRequest exec = args == null || args.isNull() ? new ExecuteRequest(path)
                        : new ExecuteRequest(path, args.isString() ? args.asString() : args.toString());
                // The Bootstrap-Request Trigger makes the client de-register at once, which cancels this request
                // when the de-registration overtakes the answer: the client did as asked.
                boolean bootstrapTrigger = lp.getObjectId() == 1 && lp.getResourceId() == 9;
                client.send(exec, r -> answer(request, r.isSuccess() ? value(r, null) : failure(r)),
                        e -> {
                            if (bootstrapTrigger && e instanceof RequestCanceledException) {
                                answer(request, value("CHANGED", null));
                            } else {
                                failed(request, e);
                            }
                        });
            }
            case "Delete" -> {
                String path = target(params);
                LwM2mPath lp = new LwM2mPath(path);
                if (!lp.isObjectInstance()) {
                    throw new Refused("BAD_REQUEST", "Delete applies to an object instance (/object/instance), not " + path);
                }
                if (lp.getObjectId() == 3) {
                    throw new Refused("BAD_REQUEST", "The Device object instance " + path + " cannot be deleted");
                }
                client.send(new DeleteRequest(path), r -> answer(request, r.isSuccess() ? value(r, null) : failure(r)),
                        e -> failed(request, e));
            }
            default -> throw new Refused("BAD_REQUEST", "Unsupported LwM2M RPC method '" + method + "'");
        }
    }

    private LwM2mModel model() {
        return client.owner().server().getModelProvider().getObjectModel(client.registration());
    }

    /** The path a command addresses: {@code id} (with or without the object version) or a profile {@code key}. */
    String target(JsonNode params) {
        JsonNode id = params.get("id");
        JsonNode key = params.get("key");
        if (id != null && id.isString() && !id.asString().isBlank()) {
            return checked(id.asString());
        }
        if (key != null && key.isString()) {
            String path = client.profile().pathOf(key.asString());
            if (path == null) {
                throw new Refused("BAD_REQUEST", "Key '" + key.asString() + "' is not mapped to a resource in the device profile");
            }
            return path;
        }
        throw new Refused("BAD_REQUEST", "params.id or params.key is required");
    }

    private List<String> targets(JsonNode params) {
        List<String> paths = new ArrayList<>();
        params.path("ids").forEach(i -> paths.add(checked(i.asString(""))));
        for (JsonNode k : params.path("keys")) {
            paths.add(target(Json.object().put("key", k.asString(""))));
        }
        if (paths.isEmpty()) {
            throw new Refused("BAD_REQUEST", "params.ids or params.keys is required");
        }
        for (int i = 0; i < paths.size(); i++) {
            for (int j = 0; j < paths.size(); j++) {
                if (i != j && (paths.get(j) + "/").startsWith(paths.get(i) + "/")) {
                    throw new Refused("BAD_REQUEST", "Paths " + paths.get(i) + " and " + paths.get(j) + " overlap");
                }
            }
        }
        return paths;
    }

    /** Strips and checks the object version against the client's, and checks the client has the object. */
    private String checked(String raw) {
        String withSlash = raw.startsWith("/") ? raw : "/" + raw;
        Map<Integer, String> versions = new LinkedHashMap<>();
        String path;
        try {
            path = Lwm2mProfile.strip(withSlash, versions);
            new LwM2mPath(path);
        } catch (RuntimeException e) {
            throw new Refused("BAD_REQUEST", "'" + raw + "' is not an LwM2M path like /3/0/9 or /3_1.2/0/9");
        }
        int objectId = new LwM2mPath(path).getObjectId();
        var supported = client.registration().getSupportedVersion(objectId);
        if (supported == null) {
            throw new Refused("NOT_FOUND", "Object " + objectId + " is not supported by the client");
        }
        String wanted = versions.get(objectId);
        if (wanted != null && !wanted.equals(supported.toString())) {
            throw new Refused("BAD_REQUEST", "Object " + objectId + " version " + wanted
                    + " does not match the client's version " + supported);
        }
        return path;
    }

    private WriteRequest write(WriteRequest.Mode mode, LwM2mPath path, JsonNode value) {
        LwM2mModel model = model();
        ObjectModel om = model.getObjectModel(path.getObjectId());
        if (om == null) {
            throw new Refused("NOT_FOUND", "No model of object " + path.getObjectId());
        }
        if (path.isResource()) {
            ResourceModel rm = resource(om, path.getResourceId(), path.toString());
            return new WriteRequest(mode, null, path, resourceNode(rm, value));
        }
        if (path.isObjectInstance()) {
            if (!value.isObject()) {
                throw new Refused("BAD_REQUEST", "Writing " + path + " needs value {\"resourceId\": value, …}");
            }
            List<LwM2mResource> resources = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : value.properties()) {
                int id = Integer.parseInt(e.getKey());
                resources.add(resourceNode(resource(om, id, path + "/" + id), e.getValue()));
            }
            return new WriteRequest(mode, null, path, new LwM2mObjectInstance(path.getObjectInstanceId(), resources));
        }
        throw new Refused("BAD_REQUEST", "Write applies to an object instance or a resource, not " + path);
    }

    private static ResourceModel resource(ObjectModel om, int id, String path) {
        ResourceModel rm = om.resources.get(id);
        if (rm == null) {
            throw new Refused("NOT_FOUND", "Resource " + path + " is not defined by object " + om.id + " (" + om.name + ")");
        }
        if (!rm.operations.isWritable()) {
            throw new Refused("METHOD_NOT_ALLOWED", "Resource " + path + " (" + rm.name + ") is not writable");
        }
        return rm;
    }

    private static LwM2mResource resourceNode(ResourceModel rm, JsonNode value) {
        if (rm.multiple) {
            if (!value.isObject()) {
                throw new Refused("BAD_REQUEST", "Resource " + rm.id + " (" + rm.name
                        + ") has multiple instances: value must be {\"instanceId\": value, …}");
            }
            Map<Integer, Object> values = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : value.properties()) {
                values.put(Integer.parseInt(e.getKey()), convert(rm.type, e.getValue()));
            }
            return LwM2mMultipleResource.newResource(rm.id, values, rm.type);
        }
        return LwM2mSingleResource.newResource(rm.id, convert(rm.type, value), rm.type);
    }

    /** A JSON value in the Java type Leshan expects for the resource type. */
    static Object convert(ResourceModel.Type type, JsonNode v) {
        try {
            return switch (type) {
                case STRING -> v.isString() ? v.asString() : v.toString();
                case INTEGER -> v.isNumber() ? v.asLong() : Long.parseLong(v.asString().trim());
                case UNSIGNED_INTEGER -> ULong.valueOf(v.isNumber() ? v.asLong() : Long.parseLong(v.asString().trim()));
                case FLOAT -> v.isNumber() ? v.asDouble() : Double.parseDouble(v.asString().trim());
                case BOOLEAN -> v.isBoolean() ? v.asBoolean() : Boolean.parseBoolean(v.asString().trim());
                case TIME -> new Date(v.isNumber() ? v.asLong() : Long.parseLong(v.asString().trim()));
                case OPAQUE -> HexFormat.of().parseHex(v.asString().trim());
                case OBJLNK -> org.eclipse.leshan.core.node.ObjectLink.decodeFromString(v.asString());
                default -> throw new Refused("BAD_REQUEST", "Resources of type " + type + " cannot be written");
            };
        } catch (NumberFormatException e) {
            throw new Refused("BAD_REQUEST", "Value " + v + " is not a valid " + type);
        } catch (IllegalArgumentException e) {
            throw new Refused("BAD_REQUEST", "Value " + v + " is not a valid " + type + ": " + e.getMessage());
        }
    }

    static JsonNode jsonOf(KvEntry kv) {
        return Json.MAPPER.valueToTree(kv.value());
    }

    private static String compositeText(Map<LwM2mPath, LwM2mNode> nodes) {
        Map<String, String> m = new LinkedHashMap<>();
        nodes.forEach((p, n) -> m.put(p.toString(), String.valueOf(n)));
        return m.toString().replace(", /", ", /");
    }

    private static List<Map<String, Object>> discoverAll(Link[] links) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Link l : links) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("url", l.getUriReference());
            Map<String, String> attrs = new LinkedHashMap<>();
            for (Attribute a : l.getAttributes()) {
                attrs.put(a.getName(), a.getCoreLinkValue() == null ? "" : a.getCoreLinkValue());
            }
            e.put("attributes", attrs);
            out.add(e);
        }
        return out;
    }

    // ---- answers ----

    private static ObjectNode content(LwM2mResponse r, LwM2mNode node) {
        return r.isSuccess() ? value(r, node == null ? null : node.toString()) : failure(r);
    }

    private static ObjectNode value(LwM2mResponse r, String value) {
        return value(Lwm2mClient.code(r.getCode()), value);
    }

    private static ObjectNode value(String result, String value) {
        ObjectNode o = Json.object().put("result", result);
        if (value != null) {
            o.put("value", value);
        }
        return o;
    }

    private static ObjectNode failure(LwM2mResponse r) {
        return error(Lwm2mClient.code(r.getCode()), r.getErrorMessage());
    }

    private static ObjectNode error(String result, String message) {
        ObjectNode o = Json.object().put("result", result);
        if (message != null) {
            o.put("error", message);
        }
        return o;
    }

    private void failed(RpcRequest request, Exception e) {
        answer(request, error("INTERNAL_SERVER_ERROR", e.getMessage() == null ? e.toString() : e.getMessage()));
    }

    private void answer(RpcRequest request, ObjectNode response) {
        client.owner().core().sendRpcResponse(client.device(), request.id(), Json.write(response));
    }
}
