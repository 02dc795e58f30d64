package io.mote.transport.lwm2m.rpc;

import java.util.function.Consumer;

import org.eclipse.leshan.core.node.LwM2mNode;
import org.eclipse.leshan.core.request.exception.ClientSleepingException;
import org.eclipse.leshan.core.request.exception.TimeoutException;
import org.eclipse.leshan.core.response.LwM2mResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;

/**
 * One RPC command on its way: its parameters, the client, and the answer in ThingsBoard's shape
 * {@code {"result":"CONTENT","value":"…"}} or {@code {"result":"BAD_REQUEST","error":"…"}}.
 */
public record RpcCall(int id, String method, JsonNode params, Lwm2mDevice device, Paths paths, long timeoutMs) {

    /** The longest an RPC's request waits for the client, whatever the RPC's own expiration (CoAP gives up earlier). */
    static final long MAX_REQUEST_TIMEOUT_MS = 300_000;

    /** Left between the request's timeout and the RPC's expiry, so the caller hears what the client did. */
    static final long EXPIRY_MARGIN_MS = 2_000;

    /**
     * How long the request of an RPC expiring at {@code expirationTime} waits for the client: until just before
     * the RPC expires (so a caller allowing 30 s gets nearly 30 s), at least the transport's request timeout,
     * at most 5 min.
     */
    public static long requestTimeout(long expirationTime, long defaultMs, long now) {
        if (expirationTime <= 0) {
            return defaultMs;
        }
        return Math.max(defaultMs, Math.min(MAX_REQUEST_TIMEOUT_MS, expirationTime - now - EXPIRY_MARGIN_MS));
    }

    /** Sends the command's request; the client's answer goes to {@code onResponse}, no answer ends the call. */
    <T extends LwM2mResponse> void send(org.eclipse.leshan.core.request.DownlinkRequest<T> request,
                                        Consumer<T> onResponse) {
        device.send(request, timeoutMs, onResponse, failed());
    }

    void reply(ObjectNode answer) {
        device.answer(id, Json.write(answer));
    }

    /** The result code alone on success ({@code {"result":"CHANGED"}}), the failure otherwise. */
    void replyCode(LwM2mResponse r) {
        reply(r.isSuccess() ? value(r.getCode().getName(), null) : failure(r));
    }

    /** A node read from the client, as Leshan prints it. */
    void replyNode(LwM2mResponse r, LwM2mNode node) {
        reply(r.isSuccess() ? value(r.getCode().getName(), node == null ? null : Values.print(node)) : failure(r));
    }

    void replyValue(LwM2mResponse r, String value) {
        reply(r.isSuccess() ? value(r.getCode().getName(), value) : failure(r));
    }

    void replyContent(String value) {
        reply(value("CONTENT", value));
    }

    /**
     * The error callback for {@link Lwm2mDevice#send}. A client that did not answer (the request timed out, the
     * client went to sleep or is no longer registered) ends the call as a timeout, whatever the command, as
     * one that never answers an RPC; anything else could not be carried out.
     */
    Consumer<Exception> failed() {
        return e -> {
            if (e instanceof TimeoutException || e instanceof ClientSleepingException || e instanceof Unreachable) {
                device.timedOut(id, method + " " + Json.write(params), timeoutMs,
                        e instanceof TimeoutException ? null : e.getMessage());
            } else {
                reply(error("INTERNAL_SERVER_ERROR", e.getMessage() == null ? e.toString() : e.getMessage()));
            }
        };
    }

    /** The client cannot be reached at all (no longer registered): the device is offline. */
    public static final class Unreachable extends RuntimeException {
        public Unreachable(String message) {
            super(message, null, false, false);
        }
    }

    static ObjectNode value(String result, String value) {
        ObjectNode o = Json.object().put("result", result);
        if (value != null) {
            o.put("value", value);
        }
        return o;
    }

    /**
     * A client's error answer: the CoAP code's name, then its diagnostic payload when it sent one, so that
     * {@code error} is never empty (a bare 4.00 would otherwise tell the operator nothing).
     */
    static ObjectNode failure(LwM2mResponse r) {
        String code = r.getCode().getName();
        String diagnostic = r.getErrorMessage();
        return error(code, diagnostic == null || diagnostic.isBlank() ? code : code + ": " + diagnostic);
    }

    static ObjectNode error(String result, String message) {
        ObjectNode o = Json.object().put("result", result);
        if (message != null) {
            o.put("error", message);
        }
        return o;
    }
}
