package io.mote.transport.lwm2m;

/**
 * Settings of the LwM2M server.
 *
 * @param host            address to bind (empty = every interface)
 * @param port            CoAP (no security) port; 0 picks a free one, which is logged
 * @param securePort      CoAPs (DTLS) port, reserved for the security issue (not bound yet)
 * @param timeoutMs       how long a request to a device may take before it is answered with an error
 * @param coreTimeoutMs   how long a registration may wait for the core (credentials, models)
 * @param awakeTimeMs     how long a queue-mode client counts as awake after each uplink, unless its PSM or
 *                        eDRX settings say otherwise
 */
public record Lwm2mTransportProperties(String host, int port, int securePort, long timeoutMs, long coreTimeoutMs,
                                       long awakeTimeMs) {
}
