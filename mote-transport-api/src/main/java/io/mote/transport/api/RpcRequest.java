package io.mote.transport.api;

/**
 * A server-side RPC on its way to a device. {@code id} is the per-device integer the device answers
 * with; {@code params} is JSON text.
 */
public record RpcRequest(int id, String method, String params, boolean oneway, long expirationTime) {
}
