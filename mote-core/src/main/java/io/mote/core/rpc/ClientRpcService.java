package io.mote.core.rpc;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.error.MoteException;
import io.mote.common.json.Json;
import io.mote.transport.api.DeviceInfo;

/**
 * Client-side RPC: a device's {@code {"method","params"}}. The built-in methods {@code getCurrentTime}
 * and {@code getSessionLimits} are answered here; any other method is offered to the applications that
 * subscribed to the device (or to its tenant) over the WebSocket API, and the first reply goes back to
 * the device. With no handler, or none replying in time, the device gets an {@code {"error":..}} answer.
 */
@Service
public class ClientRpcService {

    /** An application that answers client-side RPC. */
    public interface Handler {
        void onRequest(UUID requestId, DeviceInfo device, String method, JsonNode params);
    }

    private final Map<UUID, Set<Handler>> handlers = new ConcurrentHashMap<>();
    private final Map<UUID, CompletableFuture<String>> waiting = new ConcurrentHashMap<>();
    private final long timeoutMs;
    private final ObjectNode sessionLimits;

    public ClientRpcService(@Value("${mote.rpc.client-timeout-ms:10000}") long timeoutMs,
                            @Value("${mote.transport.rate-limits.messages:}") String messages,
                            @Value("${mote.transport.rate-limits.telemetry-messages:}") String telemetryMessages,
                            @Value("${mote.transport.rate-limits.telemetry-data-points:}") String telemetryDataPoints,
                            @Value("${mote.transport.max-payload-size:65536}") int maxPayloadSize,
                            @Value("${mote.transport.max-inflight-messages:100}") int maxInflight) {
        this.timeoutMs = timeoutMs;
        ObjectNode limits = Json.object();
        ObjectNode rate = limits.putObject("rateLimits");
        rate.put("messages", messages);
        rate.put("telemetryMessages", telemetryMessages);
        rate.put("telemetryDataPoints", telemetryDataPoints);
        limits.put("maxPayloadSize", maxPayloadSize);
        limits.put("maxInflightMessages", maxInflight);
        this.sessionLimits = limits;
    }

    /** Subscribes a handler to a device's, or a whole tenant's, client-side RPC. */
    public void subscribe(UUID deviceOrTenantId, Handler handler) {
        handlers.computeIfAbsent(deviceOrTenantId, k -> ConcurrentHashMap.newKeySet()).add(handler);
    }

    public void unsubscribe(UUID deviceOrTenantId, Handler handler) {
        handlers.computeIfPresent(deviceOrTenantId, (k, set) -> {
            set.remove(handler);
            return set.isEmpty() ? null : set;
        });
    }

    /** An application's reply; false when the request is unknown or already answered. */
    public boolean reply(UUID requestId, String response) {
        CompletableFuture<String> f = waiting.remove(requestId);
        return f != null && f.complete(response);
    }

    public CompletableFuture<String> handle(DeviceInfo device, String requestText) {
        JsonNode request;
        try {
            request = Json.parse(requestText);
        } catch (MoteException e) {
            return CompletableFuture.failedFuture(e);
        }
        JsonNode method = request.get("method");
        if (!request.isObject() || method == null || !method.isString() || method.asString().isBlank()) {
            return CompletableFuture.failedFuture(MoteException.badRequest("RPC request must be {\"method\",\"params\"}"));
        }
        JsonNode params = request.has("params") ? request.get("params") : Json.object();
        switch (method.asString()) {
            case "getCurrentTime" -> {
                long now = System.currentTimeMillis();
                return CompletableFuture.completedFuture(Json.write(Json.object()
                        .put("currentTime", now).put("time", Instant.ofEpochMilli(now).toString())));
            }
            case "getSessionLimits" -> {
                return CompletableFuture.completedFuture(Json.write(sessionLimits));
            }
            default -> {
                return route(device, method.asString(), params);
            }
        }
    }

    private CompletableFuture<String> route(DeviceInfo device, String method, JsonNode params) {
        Set<Handler> targets = ConcurrentHashMap.newKeySet();
        targets.addAll(handlers.getOrDefault(device.deviceId(), Set.of()));
        targets.addAll(handlers.getOrDefault(device.tenantId(), Set.of()));
        if (targets.isEmpty()) {
            return CompletableFuture.completedFuture(error("No handler for method '" + method + "'"));
        }
        UUID requestId = UUID.randomUUID();
        CompletableFuture<String> answer = new CompletableFuture<>();
        waiting.put(requestId, answer);
        for (Handler h : targets) {
            h.onRequest(requestId, device, method, params);
        }
        return answer.completeOnTimeout(error("Timeout: no reply to method '" + method + "'"), timeoutMs,
                        TimeUnit.MILLISECONDS)
                .whenComplete((r, e) -> waiting.remove(requestId));
    }

    private static String error(String message) {
        return Json.write(Json.object().put("error", message));
    }
}
