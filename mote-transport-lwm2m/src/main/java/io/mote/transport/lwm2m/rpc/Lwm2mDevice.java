package io.mote.transport.lwm2m.rpc;

import java.util.function.Consumer;

import org.eclipse.leshan.core.model.LwM2mModel;
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

    /** The answer to RPC {@code requestId}, as JSON text. */
    void answer(int requestId, String json);
}
