package io.mote.transport.api;

/**
 * The result of a credentials look-up: the device and the stored credentials value, which a transport
 * checks further where the credentials id alone does not prove identity (an MQTT password, say).
 */
public record AuthenticatedDevice(DeviceInfo device, String credentialsValue) {
}
