package io.mote.transport.lwm2m.rpc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.eclipse.leshan.core.model.ObjectModel;
import org.eclipse.leshan.core.model.ResourceModel;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.node.LwM2mResource;
import org.eclipse.leshan.core.request.CreateRequest;
import org.eclipse.leshan.core.request.DeleteRequest;
import org.eclipse.leshan.core.request.ExecuteRequest;
import org.eclipse.leshan.core.request.exception.RequestCanceledException;
import tools.jackson.databind.JsonNode;

/** Execute a resource, Create and Delete object instances. */
final class InstanceCommands {

    private InstanceCommands() {
    }

    /** {@code {"id":"/3/0/4"}}, optionally {@code "value"}: the arguments text. */
    static void execute(RpcCall c) {
        String path = c.paths().target(c.params());
        LwM2mPath lp = new LwM2mPath(path);
        if (!lp.isResource()) {
            throw Refused.badRequest("Execute needs a resource path (/object/instance/resource), got " + path);
        }
        ResourceModel rm = c.device().model().getResourceModel(lp.getObjectId(), lp.getResourceId());
        if (rm == null) {
            throw new Refused("NOT_FOUND", "Resource " + path + " is not defined by the object's model");
        }
        if (!rm.operations.isExecutable()) {
            throw Refused.badRequest("Resource " + path + " (" + rm.name + ") is not executable");
        }
        JsonNode args = c.params().get("value");
        ExecuteRequest exec;
        try {
            exec = args == null || args.isNull() ? new ExecuteRequest(path)
                    : new ExecuteRequest(path, args.isString() ? args.asString() : args.toString());
        } catch (RuntimeException e) {
            throw Refused.badRequest("Invalid Execute arguments " + args + ": " + e.getMessage());
        }
        // The Bootstrap-Request Trigger (/1/x/9) makes the client de-register at once, which cancels this request
        // when the de-registration overtakes the answer: the client did as asked.
        boolean bootstrapTrigger = lp.getObjectId() == 1 && lp.getResourceId() == 9;
        c.device().send(exec, c.timeoutMs(), c::replyCode, e -> {
            if (bootstrapTrigger && e instanceof RequestCanceledException) {
                c.reply(RpcCall.value("CHANGED", null));
            } else {
                c.failed().accept(e);
            }
        });
    }

    /**
     * {@code {"id":"/19","value":{"0":"00ad","1":1}}}: one new instance, resources by id, the client picks its
     * id; {@code {"id":"/19/1","value":{…}}}: the new instance 1; {@code {"id":"/19","nodes":{"1":{…},"2":{…}}}}:
     * several instances by id. A multiple resource takes {@code {"instanceId":value}} or one value (instance 0).
     */
    static void create(RpcCall c) {
        LwM2mPath path = new LwM2mPath(c.paths().target(c.params()));
        if (!path.isObject() && !path.isObjectInstance()) {
            throw Refused.badRequest("Create applies to an object (/19) or a new object instance (/19/1), not " + path);
        }
        ObjectModel om = Values.object(c.device().model(), path.getObjectId());
        if (!om.multiple) {
            throw Refused.badRequest("Object " + om.id + " (" + om.name + ") has a single instance: Create applies to"
                    + " multiple-instance objects only");
        }
        JsonNode value = c.params().get("value");
        JsonNode nodes = c.params().get("nodes");
        CreateRequest create;
        if (value != null && !value.isNull()) {
            List<LwM2mResource> resources = Values.resources(om, path.toString(), value);
            create = path.isObject() ? new CreateRequest(path.getObjectId(), resources)
                    : new CreateRequest(path.getObjectId(), new LwM2mObjectInstance(path.getObjectInstanceId(), resources));
        } else if (nodes != null && nodes.isObject() && !nodes.isEmpty() && path.isObject()) {
            List<LwM2mObjectInstance> instances = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : nodes.properties()) {
                int id = Values.id(e.getKey(), path.toString());
                instances.add(new LwM2mObjectInstance(id, Values.resources(om, path + "/" + id, e.getValue())));
            }
            create = new CreateRequest(path.getObjectId(), instances.toArray(LwM2mObjectInstance[]::new));
        } else {
            throw Refused.badRequest("params.value is missing: the new instance's resources {\"resourceId\": value, …}"
                    + " (or, for an object, params.nodes {\"instanceId\": {\"resourceId\": value, …}, …})");
        }
        c.send(create, c::replyCode);
    }

    /** {@code {"id":"/19/1"}}: object instances only, never the Device object's. */
    static void delete(RpcCall c) {
        String path = c.paths().target(c.params());
        LwM2mPath lp = new LwM2mPath(path);
        if (!lp.isObjectInstance()) {
            throw Refused.badRequest("Delete applies to an object instance (/object/instance), not " + path);
        }
        if (lp.getObjectId() == 3) {
            throw Refused.badRequest("The Device object instance " + path + " cannot be deleted");
        }
        // The spec's answer to a Delete is {"result":"DELETE"}, not the CoAP code's name (DELETED).
        c.send(new DeleteRequest(path),
                r -> c.reply(r.isSuccess() ? RpcCall.value("DELETE", null) : RpcCall.failure(r)));
    }
}
