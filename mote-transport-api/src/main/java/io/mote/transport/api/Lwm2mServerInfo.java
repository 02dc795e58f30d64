package io.mote.transport.api;

/**
 * Where the LwM2M server listens, for the settings clients are given: the configured host (empty when it
 * binds every interface) and the bound ports (0 for a listener that is not running).
 */
public interface Lwm2mServerInfo {

    String host();

    int port();

    int securePort();

    int bootstrapPort();

    int bootstrapSecurePort();
}
