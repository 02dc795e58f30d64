package io.mote.transport.api;

/** The answer to a provisioning request, as JSON text in the device APIs' shape. */
public record ProvisionResult(String json, boolean success) {
}
