package io.mote.transport.api;

import java.util.Optional;

/**
 * What an LwM2M client must be told about this server's LwM2M server and bootstrap server to connect:
 * addresses, ports, key material and the server account defaults. Served to operators by
 * {@code GET /api/lwm2m/deviceProfile/bootstrap/{isBootstrapServer}} and used to fill bootstrap
 * configurations.
 */
public interface Lwm2mServerInfo {

    /** The LwM2M server's account. */
    Lwm2mServerSecurityConfig lwm2mServer();

    /** The bootstrap server's account; empty when the bootstrap server is off. */
    Optional<Lwm2mServerSecurityConfig> bootstrapServer();
}
