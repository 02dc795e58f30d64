package io.mote.transport.lwm2m.rpc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.leshan.core.link.DefaultLinkSerializer;
import org.eclipse.leshan.core.link.Link;
import org.eclipse.leshan.core.link.attributes.Attribute;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.request.DiscoverRequest;

import io.mote.common.json.Json;

/** Discover {@code {"id"|"key"}} (link format from the client) and DiscoverAll (the registration's links). */
final class DiscoverCommands {

    private DiscoverCommands() {
    }

    static void discover(RpcCall c) {
        String path = c.paths().target(c.params());
        if (new LwM2mPath(path).isResourceInstance()) {
            throw Refused.badRequest("Discover applies to an object, an object instance or a resource, not " + path);
        }
        c.send(new DiscoverRequest(path), r -> c.replyValue(r,
                r.isSuccess() ? new DefaultLinkSerializer().serializeCoreLinkFormat(r.getObjectLinks()) : null));
    }

    /** {@code [{"url":"/","attributes":{"ct":"110",…}},{"url":"/1","attributes":{"ver":"1.1"}},…]}; nothing is sent. */
    static void discoverAll(RpcCall c) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Link l : c.device().registration().getObjectLinks()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("url", l.getUriReference());
            Map<String, String> attrs = new LinkedHashMap<>();
            for (Attribute a : l.getAttributes()) {
                attrs.put(a.getName(), a.getCoreLinkValue() == null ? "" : a.getCoreLinkValue());
            }
            e.put("attributes", attrs);
            out.add(e);
        }
        c.replyContent(Json.write(out));
    }
}
