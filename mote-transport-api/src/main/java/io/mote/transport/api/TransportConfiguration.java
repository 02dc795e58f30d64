package io.mote.transport.api;

/**
 * A device's transport settings as JSON text: its profile's {@code profileData.transportConfiguration}
 * and its own {@code deviceData.transportConfiguration} (either may be {@code {"type":"DEFAULT"}}).
 */
public record TransportConfiguration(String profile, String device) {
}
