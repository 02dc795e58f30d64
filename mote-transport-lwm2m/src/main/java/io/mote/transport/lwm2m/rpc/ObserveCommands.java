package io.mote.transport.lwm2m.rpc;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.observation.CompositeObservation;
import org.eclipse.leshan.core.observation.Observation;
import org.eclipse.leshan.core.observation.SingleObservation;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.ObserveCompositeRequest;
import org.eclipse.leshan.core.request.ObserveRequest;

import io.mote.common.json.Json;

/**
 * Observe, ObserveComposite and their cancellations; the cancellations answer the number of observations
 * cancelled ({@code "1"}), ObserveReadAll the observed paths ({@code ["/3/0/9",…]}).
 */
final class ObserveCommands {

    private ObserveCommands() {
    }

    static void observe(RpcCall c) {
        String path = c.paths().target(c.params());
        for (Observation o : c.device().observations().getObservations(c.device().registration())) {
            if (o instanceof SingleObservation so && so.getPath().toString().equals(path)) {
                throw Refused.badRequest("Observation of " + path + " is already registered (ObserveCancel ends it)");
            }
        }
        c.send(new ObserveRequest(Paths.format(c.params()), path), r -> c.replyNode(r, r.getContent()));
    }

    static void observeComposite(RpcCall c) {
        List<String> paths = c.paths().targets(c.params());
        List<LwM2mPath> lp = paths.stream().map(LwM2mPath::new).toList();
        for (Observation o : c.device().observations().getObservations(c.device().registration())) {
            if (o instanceof CompositeObservation co && new HashSet<>(co.getPaths()).equals(new HashSet<>(lp))) {
                throw Refused.badRequest("Composite observation of " + paths
                        + " is already registered (ObserveCompositeCancel ends it)");
            }
        }
        ContentFormat format = CompositeFormats.of(c.params(), c.device().registration());
        c.send(new ObserveCompositeRequest(format, format, lp),
                r -> c.replyValue(r, r.isSuccess() ? Values.compositeText(paths, r.getContent()) : null));
    }

    static void observeCancel(RpcCall c) {
        String path = c.paths().target(c.params());
        c.replyContent(String.valueOf(c.device().observations().cancelObservations(c.device().registration(), path)));
    }

    static void observeCompositeCancel(RpcCall c) {
        List<String> paths = c.paths().targets(c.params());
        int n = c.device().observations().cancelCompositeObservations(c.device().registration(),
                paths.toArray(String[]::new));
        c.replyContent(String.valueOf(n));
    }

    static void observeCancelAll(RpcCall c) {
        c.replyContent(String.valueOf(c.device().observations().cancelObservations(c.device().registration())));
    }

    static void observeReadAll(RpcCall c) {
        List<String> paths = new ArrayList<>();
        for (Observation o : c.device().observations().getObservations(c.device().registration())) {
            if (o instanceof SingleObservation so) {
                paths.add(so.getPath().toString());
            } else if (o instanceof CompositeObservation co) {
                co.getPaths().forEach(p -> paths.add(p.toString()));
            }
        }
        c.replyContent(Json.write(paths));
    }
}
