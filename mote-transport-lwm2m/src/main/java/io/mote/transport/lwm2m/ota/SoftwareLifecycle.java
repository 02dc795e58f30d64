package io.mote.transport.lwm2m.ota;

import org.eclipse.leshan.core.node.LwM2mSingleResource;
import org.eclipse.leshan.core.request.ExecuteRequest;
import org.eclipse.leshan.core.request.ReadRequest;

/**
 * What Object 9 defines around an install: Activate (/9/0/10) once the software is installed, and Uninstall
 * (/9/0/6) when the device loses its software package while the client reports it INSTALLED (Update State 4).
 */
final class SoftwareLifecycle {

    private static final String ACTIVATE = "/9/0/10";
    private static final String UNINSTALL = "/9/0/6";
    private static final String STATE = "/9/0/7";
    private static final long INSTALLED = 4;

    private SoftwareLifecycle() {
    }

    /** Activates the installed software, then runs {@code then} whatever the client answered (it is logged). */
    static void activate(OtaClient client, long timeoutMs, Runnable then) {
        client.send(new ExecuteRequest(ACTIVATE), timeoutMs, r -> then.run(), e -> then.run());
    }

    /** Uninstalls the software when the client has it installed. */
    static void uninstall(OtaClient client, long timeoutMs) {
        client.send(new ReadRequest(STATE), timeoutMs, r -> {
            if (r.isSuccess() && r.getContent() instanceof LwM2mSingleResource s && s.getValue() instanceof Number n
                    && n.longValue() == INSTALLED) {
                client.log("Software package unassigned: uninstalling");
                client.send(new ExecuteRequest(UNINSTALL), timeoutMs, x -> { }, e -> { });
            }
        }, e -> { });
    }
}
