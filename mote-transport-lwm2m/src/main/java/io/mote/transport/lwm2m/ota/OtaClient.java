package io.mote.transport.lwm2m.ota;

import java.util.function.Consumer;

import org.eclipse.leshan.core.request.DownlinkRequest;
import org.eclipse.leshan.core.response.LwM2mResponse;
import org.eclipse.leshan.server.registration.Registration;

import io.mote.transport.api.DeviceInfo;

/** What an update needs of a registered client: its registration, its device, a way to send and to log. */
public interface OtaClient {

    Registration registration();

    DeviceInfo device();

    /** Whether a request sent now would find the client asleep (queue mode, PSM / eDRX). */
    boolean asleep();

    /** A line of the device's {@code transportLog}. */
    void log(String line);

    /** Sends a request with its own timeout; the callbacks run on a Leshan thread. */
    <T extends LwM2mResponse> void send(DownlinkRequest<T> request, long timeoutMs, Consumer<T> onResponse,
                                        Consumer<Exception> onError);
}
