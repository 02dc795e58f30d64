package io.mote.transport.lwm2m.ota;

import org.eclipse.leshan.core.request.WriteRequest;

/**
 * Strategy 2: a per-update URL under {@code /ota/} on Mote's LwM2M endpoints written into Package URI
 * (/5/0/1, /9/0/3); the client downloads the package itself.
 */
final class PackageUriTransfer implements Transfer {

    private final PackageResource resource;
    private final String base;
    private volatile String token;

    PackageUriTransfer(PackageResource resource, String base) {
        this.resource = resource;
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    @Override
    public void start(OtaUpdate update, byte[] data) {
        resource.withdraw(token);
        token = resource.offer(update.client().registration(), data);
        UpdateObject o = update.object();
        String uri = base + "/" + PackageResource.NAME + "/" + token;
        update.send(new WriteRequest(o.objectId, 0, o.packageUriResource, uri), r -> {
            if (!r.isSuccess()) {
                update.refused("the client refused the Package URI: " + r.getCode().getName()
                        + (r.getErrorMessage() == null ? "" : " " + r.getErrorMessage()));
            }
        }, e -> update.brokeOff("writing the Package URI failed: " + e.getMessage()));
    }

    @Override
    public void end() {
        resource.withdraw(token);
        token = null;
    }
}
