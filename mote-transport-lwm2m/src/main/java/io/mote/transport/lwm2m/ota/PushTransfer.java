package io.mote.transport.lwm2m.ota;

import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.WriteRequest;

/**
 * Strategy 1: the package written into the Package resource (/5/0/0, /9/0/2) as one opaque value, which
 * Californium sends blockwise (Block1) since it is larger than a message.
 */
final class PushTransfer implements Transfer {

    @Override
    public void start(OtaUpdate update, byte[] data) {
        UpdateObject o = update.object();
        update.send(new WriteRequest(ContentFormat.OPAQUE, o.objectId, 0, o.packageResource, data), r -> {
            if (r.isSuccess()) {
                update.delivered();
            } else {
                update.refused("the client refused the package: " + r.getCode().getName()
                        + (r.getErrorMessage() == null ? "" : " " + r.getErrorMessage()));
            }
        }, e -> update.brokeOff("the package transfer broke off: " + e.getMessage()));
    }
}
