package io.mote.transport.http;

/**
 * Limits of the HTTP device API.
 *
 * @param maxPayloadSize  largest request body accepted, in bytes (larger → 413)
 * @param defaultTimeout  long-poll wait when the device gives none, in ms
 * @param maxTimeout      longest long-poll wait a device may ask for, in ms
 */
public record HttpTransportProperties(int maxPayloadSize, long defaultTimeout, long maxTimeout) {
}
