package io.mote.transport.lwm2m.senml;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.leshan.core.model.LwM2mModel;
import org.eclipse.leshan.core.node.LwM2mNode;
import org.eclipse.leshan.core.node.LwM2mObject;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.node.LwM2mNodeException;
import org.eclipse.leshan.core.node.LwM2mResource;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.node.TimestampedLwM2mNode;
import org.eclipse.leshan.core.node.TimestampedLwM2mNodes;
import org.eclipse.leshan.core.node.codec.CodecException;
import org.eclipse.leshan.core.node.codec.senml.LwM2mNodeSenMLDecoder;
import org.eclipse.leshan.senml.SenMLDecoder;

/**
 * Leshan's SenML decoder with what it refuses although RFC 8428 and the LwM2M TS allow it:
 * <ul>
 * <li>numbers decoded by value, not by their CBOR major type or width: an integer for a Float resource, an
 * integral float (of any width) for an Integer resource (C clients encode the shortest form);</li>
 * <li>timestamped records ({@code bt} / {@code t}) in a Read-Composite or the first answer of an
 * Observe-Composite: the newest value of each path is taken.</li>
 * </ul>
 * And a value of the wrong type for its resource (a number for a String resource) is a codec error, as
 * every other undecodable payload: Leshan's node exception escaped its Send resource as a 5.00 with an
 * ERROR and a stack trace per datagram (found by the fuzzer); a Send answers 4.00 now.
 */
final class LenientSenmlDecoder extends LwM2mNodeSenMLDecoder {

    LenientSenmlDecoder(SenMLDecoder decoder) {
        super(decoder, true); // permissive number conversion: values by what they are, not how they are written
    }

    @Override
    public <T extends LwM2mNode> T decode(byte[] content, LwM2mPath path, LwM2mModel model, Class<T> nodeClass)
            throws CodecException {
        try {
            return super.decode(content, path, model, nodeClass);
        } catch (LwM2mNodeException e) {
            throw new CodecException(e.getMessage(), e);
        }
    }

    @Override
    public List<TimestampedLwM2mNode> decodeTimestampedData(byte[] content, LwM2mPath path, LwM2mModel model,
                                                            Class<? extends LwM2mNode> nodeClass) throws CodecException {
        try {
            return super.decodeTimestampedData(content, path, model, nodeClass);
        } catch (LwM2mNodeException e) {
            throw new CodecException(e.getMessage(), e);
        }
    }

    @Override
    public TimestampedLwM2mNodes decodeTimestampedNodes(byte[] content, List<LwM2mPath> paths, LwM2mModel model)
            throws CodecException {
        try {
            return super.decodeTimestampedNodes(content, paths, model);
        } catch (LwM2mNodeException e) {
            throw new CodecException(e.getMessage(), e);
        }
    }

    @Override
    public Map<LwM2mPath, LwM2mNode> decodeNodes(byte[] content, List<LwM2mPath> paths, LwM2mModel model)
            throws CodecException {
        TimestampedLwM2mNodes timed = decodeTimestampedNodes(content, paths, model);
        List<Instant> times = new ArrayList<>(timed.getTimestamps());
        times.sort(Comparator.nullsFirst(Comparator.naturalOrder()));
        Map<LwM2mPath, LwM2mNode> nodes = new LinkedHashMap<>();
        if (paths != null) {
            paths.forEach(p -> nodes.put(p, null)); // a requested path the client did not answer stays null
        }
        for (Instant t : times) {
            timed.getNodesAt(t).forEach((path, node) -> nodes.merge(path, node, LenientSenmlDecoder::newer));
        }
        return nodes;
    }

    /** {@code later} over {@code earlier}; instances and objects keep the earlier resources the later lacks. */
    private static LwM2mNode newer(LwM2mNode earlier, LwM2mNode later) {
        if (earlier instanceof LwM2mObjectInstance a && later instanceof LwM2mObjectInstance b) {
            Map<Integer, LwM2mResource> resources = new LinkedHashMap<>(a.getResources());
            resources.putAll(b.getResources());
            return new LwM2mObjectInstance(b.getId(), resources.values());
        }
        if (earlier instanceof LwM2mObject a && later instanceof LwM2mObject b) {
            Map<Integer, LwM2mObjectInstance> instances = new LinkedHashMap<>(a.getInstances());
            b.getInstances().forEach((id, i) -> instances.merge(id, i, (x, y) -> (LwM2mObjectInstance) newer(x, y)));
            return new LwM2mObject(b.getId(), instances.values());
        }
        return later == null ? earlier : later;
    }
}
