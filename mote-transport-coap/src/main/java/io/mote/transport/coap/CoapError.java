package io.mote.transport.coap;

import org.eclipse.californium.core.coap.CoAP.ResponseCode;

/** A request answered with an error code and a diagnostic text. */
final class CoapError extends RuntimeException {

    final ResponseCode code;

    CoapError(ResponseCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }
}
