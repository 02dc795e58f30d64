package io.mote.transport.api;

/** A device together with its transport settings, as a transport that reaches out to its devices lists them. */
public record TransportDevice(DeviceInfo device, TransportConfiguration configuration) {
}
