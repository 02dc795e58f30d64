package io.mote.transport.api;

/** An LwM2M object model as the core serves it to the LwM2M transport: the OMA DDF XML of one object version. */
public record Lwm2mModel(int objectId, String version, byte[] ddf) {
}
