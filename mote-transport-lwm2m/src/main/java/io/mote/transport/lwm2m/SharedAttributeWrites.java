package io.mote.transport.lwm2m;

import java.util.List;

import org.eclipse.leshan.core.model.LwM2mModel;
import org.eclipse.leshan.core.model.ResourceModel;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.node.LwM2mSingleResource;
import org.eclipse.leshan.core.request.WriteRequest;

import io.mote.common.json.Json;
import io.mote.common.kv.AttributeKvEntry;
import io.mote.transport.lwm2m.rpc.Values;

/** Shared attributes whose key the profile maps to a writable resource become a Write (Replace) of it. */
final class SharedAttributeWrites {

    private SharedAttributeWrites() {
    }

    static void write(Lwm2mClient client, List<AttributeKvEntry> updated) {
        Lwm2mProfile p = client.profile();
        LwM2mModel model = client.model();
        for (AttributeKvEntry a : updated) {
            String path = p.pathOf(a.key());
            if (path == null || !client.mapping().supports(path, p)) {
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
                client.send(new WriteRequest(WriteRequest.Mode.REPLACE, null, lp,
                        LwM2mSingleResource.newResource(lp.getResourceId(), value, rm.type)), r -> {
                    if (r.isSuccess()) {
                        client.written(List.of(lp));
                    }
                });
            } catch (RuntimeException e) {
                client.log("Shared attribute " + a.key() + " cannot be written to " + path + ": " + e.getMessage());
            }
        }
    }
}
