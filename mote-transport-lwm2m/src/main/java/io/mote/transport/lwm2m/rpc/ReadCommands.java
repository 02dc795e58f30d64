package io.mote.transport.lwm2m.rpc;

import java.util.List;

import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.ReadCompositeRequest;
import org.eclipse.leshan.core.request.ReadRequest;

/** Read {@code {"id"|"key"}} and ReadComposite {@code {"ids"|"keys"}}. */
final class ReadCommands {

    private ReadCommands() {
    }

    static void read(RpcCall c) {
        String path = c.paths().target(c.params());
        c.send(new ReadRequest(Paths.format(c.params()), path), r -> c.replyNode(r, r.getContent()));
    }

    static void readComposite(RpcCall c) {
        List<String> paths = c.paths().targets(c.params());
        ContentFormat format = CompositeFormats.of(c.params(), c.device().registration());
        c.send(new ReadCompositeRequest(format, format, paths),
                r -> c.replyValue(r, r.isSuccess() ? Values.compositeText(paths, r.getContent()) : null));
    }
}
