package io.mote.transport.coap;

/**
 * Settings of the CoAP device API.
 *
 * @param bindAddress     address the endpoints bind to (empty = every interface)
 * @param port            plain CoAP port (0 = a free port)
 * @param dtlsEnabled     whether the DTLS endpoint runs
 * @param dtlsPort        CoAP over DTLS port (0 = a free port)
 * @param maxPayloadSize  largest request body, in bytes (larger → 4.13)
 * @param profileCacheMs  how long a device's transport configuration (payload type, power mode) is reused
 */
public record CoapTransportSettings(String bindAddress, int port, boolean dtlsEnabled, int dtlsPort,
                                    int maxPayloadSize, long profileCacheMs) {
}
