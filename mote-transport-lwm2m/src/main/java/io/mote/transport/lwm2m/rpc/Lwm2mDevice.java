package io.mote.transport.lwm2m.rpc;

import java.util.List;
import java.util.function.Consumer;

import org.eclipse.leshan.core.model.LwM2mModel;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.request.DownlinkRequest;
import org.eclipse.leshan.core.response.LwM2mResponse;
import org.eclipse.leshan.server.observation.ObservationService;
import org.eclipse.leshan.server.registration.Registration;

/** What an RPC command needs of a registered client. */
public interface Lwm2mDevice {

    Registration registration();

    /** The object models the client is served with. */
    LwM2mModel model();

    /** The path (without object version) a profile key name maps to, or null. */
    String pathOfKey(String key);

    ObservationService observations();

    /** Sends a request without blocking; exactly one of the callbacks runs, on a Leshan thread. */
    <T extends LwM2mResponse> void send(DownlinkRequest<T> request, Consumer<T> onResponse, Consumer<Exception> onError);

    /** As {@link #send(DownlinkRequest, Consumer, Consumer)}, waiting {@code timeoutMs} for the client's answer. */
    <T extends LwM2mResponse> void send(DownlinkRequest<T> request, long timeoutMs, Consumer<T> onResponse,
                                        Consumer<Exception> onError);

    /** How long a request waits for the client's answer unless its RPC allows longer. */
    long requestTimeoutMs();

    /** The client accepted a Write of these resources (or resource instances): mapped attributes follow them. */
    void written(List<LwM2mPath> paths);

    /** The answer to RPC {@code requestId}, as JSON text. */
    void answer(int requestId, String json);

    /**
     * RPC {@code requestId} ({@code what}: its method and params) got no answer from the client: its request
     * timed out after {@code timeoutMs} ({@code cause} null) or could not reach it ({@code cause} says why).
     * The call ends as a timeout.
     */
    void timedOut(int requestId, String what, long timeoutMs, String cause);
}
