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
 * @param bootstrapPort         bootstrap server port, as clients are told it (the bootstrap server is not run yet)
 * @param bootstrapSecurePort   bootstrap server DTLS port, likewise
 */
public record Lwm2mTransportProperties(String host, int port, int securePort, long timeoutMs, long coreTimeoutMs,
                                       long awakeTimeMs, int bootstrapPort, int bootstrapSecurePort) {
}
