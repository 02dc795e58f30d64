package io.mote.core.rpc;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.entity.RpcStatus;
import io.mote.common.error.MoteException;
import io.mote.common.json.Json;
import io.mote.core.cluster.CorePeers;
import io.mote.core.session.DeviceSessionRegistry;
import io.mote.dao.RpcDao;
import io.mote.transport.api.DeviceInfo;
import io.mote.transport.api.RpcRequest;

/**
 * Server-side RPC. Every call gets the next integer id of its device and waits in the device's queue
 * until a session that subscribes to RPC takes it: at once for a connected device, at the device's next
 * connection or poll otherwise. A non-persistent call lives in memory for its timeout; a persistent one
 * is stored and moves QUEUED → SENT → DELIVERED → SUCCESSFUL, or ends TIMEOUT, EXPIRED or FAILED.
 * Undelivered or unanswered calls are retried up to {@code retries} times before they time out.
 */
@Service
public class RpcService {

    private static final Logger log = LoggerFactory.getLogger(RpcService.class);

    public static final long DEFAULT_TIMEOUT_MS = 10_000;
    public static final long MIN_TIMEOUT_MS = 5_000;

    /** A call waiting for delivery or for its answer. */
    private static final class Pending {
        final int id;
        final String method;
        final String params;
        final boolean oneway;
        final long timeoutMs;
        final long expirationTime;
        final int retries;
        final UUID persistentId;
        final CompletableFuture<RpcOutcome> result;
        int attempts;
        long sentAt;

        Pending(int id, String method, String params, boolean oneway, long timeoutMs, long expirationTime, int retries,
                UUID persistentId, CompletableFuture<RpcOutcome> result) {
            this.id = id;
            this.method = method;
            this.params = params;
            this.oneway = oneway;
            this.timeoutMs = timeoutMs;
            this.expirationTime = expirationTime;
            this.retries = retries;
            this.persistentId = persistentId;
            this.result = result;
        }

        RpcRequest toRequest() {
            return new RpcRequest(id, method, params, oneway, expirationTime);
        }

        /** Never taken by a session of the device within its time. */
        String offline() {
            return "Device is offline: RPC " + id + " '" + method + "' was not delivered within " + timeoutMs + " ms";
        }

        /** Delivered, but no answer came within its time. */
        String unanswered() {
            return "Device did not answer RPC " + id + " '" + method + "' within " + timeoutMs + " ms";
        }
    }

    /** One device's calls; guarded by its own monitor. Kept for the life of the process (a few bytes). */
    private static final class DeviceRpc {
        int lastId = -1;
        boolean persistentLoaded;
        final Deque<Pending> queue = new ArrayDeque<>();
        final Map<Integer, Pending> inFlight = new HashMap<>();
    }

    private final RpcDao dao;
    private final DeviceSessionRegistry sessions;
    private final ClientRpcService clientRpc;
    private final CorePeers peers;
    private final Map<UUID, DeviceRpc> devices = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "rpc-timer");
        t.setDaemon(true);
        return t;
    });

    public RpcService(RpcDao dao, DeviceSessionRegistry sessions, ClientRpcService clientRpc,
                      @Qualifier("coreExecutor") ExecutorService executor, CorePeers peers) {
        this.peers = peers;
        this.dao = dao;
        this.sessions = sessions;
        this.clientRpc = clientRpc;
        // Draining may read stored calls: keep it off the transport's thread.
        sessions.onRpcSubscribed(deviceId -> executor.execute(() -> drain(deviceId)));
        timer.scheduleWithFixedDelay(this::sweep, 500, 500, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::expireStored, 5, 5, TimeUnit.SECONDS);
    }

    /**
     * Submits a call {@code {"method","params","timeout","expirationTime","persistent","retries",
     * "additionalInfo"}} to a device. A persistent call completes at once with its id.
     */
    public CompletableFuture<RpcOutcome> submit(UUID tenantId, UUID deviceId, boolean oneway, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw MoteException.invalid("RPC request must be a JSON object");
        }
        JsonNode methodNode = body.get("method");
        if (methodNode == null || !methodNode.isString() || methodNode.asString().isBlank()) {
            throw MoteException.invalid("RPC method should be specified!");
        }
        String method = methodNode.asString();
        if (method.length() > 255) {
            throw MoteException.invalid("RPC method is longer than 255 characters");
        }
        JsonNode paramsNode = body.get("params");
        String params = paramsNode == null || paramsNode.isNull() ? "{}" : Json.write(paramsNode);
        long timeout = Math.max(MIN_TIMEOUT_MS, longField(body, "timeout", DEFAULT_TIMEOUT_MS));
        boolean persistent = body.path("persistent").asBoolean(false);
        int retries = (int) Math.max(0, Math.min(100, longField(body, "retries", 0)));
        long now = System.currentTimeMillis();
        long expiration = now + timeout;
        if (persistent) {
            long given = longField(body, "expirationTime", 0);
            if (given > 0) {
                if (given <= now) {
                    throw MoteException.invalid("expirationTime is in the past");
                }
                expiration = given;
            }
        }
        // The device's queue lives on the node that owns the device (where its sessions and answers arrive).
        CorePeers.Peers owner = peers.elsewhere(deviceId);
        if (owner != null) {
            return owner.submitRpc(tenantId, deviceId, oneway, Json.write(body));
        }
        DeviceRpc state = state(deviceId);
        Pending p;
        synchronized (state) {
            int id = nextId(deviceId, state);
            if (persistent) {
                UUID rpcId = UUID.randomUUID();
                ObjectNode request = Json.object();
                request.put("id", id);
                request.put("oneway", oneway);
                ObjectNode rpcBody = request.putObject("body");
                rpcBody.put("method", method);
                rpcBody.set("params", paramsNode == null ? Json.object() : paramsNode);
                request.put("persisted", true);
                request.put("timeout", timeout);
                request.put("expirationTime", expiration);
                request.put("retries", retries);
                JsonNode additional = body.get("additionalInfo");
                dao.insert(new RpcDao.RpcRow(rpcId, now, tenantId, deviceId, id, expiration, Json.write(request), null,
                        RpcStatus.QUEUED, additional == null || additional.isNull() ? null : Json.write(additional),
                        null));
                p = new Pending(id, method, params, oneway, timeout, expiration, retries, rpcId,
                        CompletableFuture.completedFuture(new RpcOutcome.Persisted(rpcId)));
            } else {
                p = new Pending(id, method, params, oneway, timeout, expiration, retries, null, new CompletableFuture<>());
            }
            state.queue.addLast(p);
        }
        drain(deviceId);
        return p.result;
    }

    private static long longField(JsonNode body, String field, long dflt) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isIntegralNumber()) {
            throw MoteException.invalid(field + " must be an integer");
        }
        return n.asLong();
    }

    private DeviceRpc state(UUID deviceId) {
        return devices.computeIfAbsent(deviceId, k -> new DeviceRpc());
    }

    private int nextId(UUID deviceId, DeviceRpc state) {
        if (state.lastId < 0) {
            state.lastId = dao.maxRequestId(deviceId);
        }
        return ++state.lastId;
    }

    /** Offers the device's queued calls to its sessions, in order, until one is not taken. */
    public void drain(UUID deviceId) {
        DeviceRpc state = state(deviceId);
        synchronized (state) {
            if (!state.persistentLoaded) {
                state.persistentLoaded = true;
                loadStored(deviceId, state);
            }
            long now = System.currentTimeMillis();
            while (!state.queue.isEmpty()) {
                Pending p = state.queue.peekFirst();
                if (p.expirationTime < now) {
                    state.queue.pollFirst();
                    end(p, p.persistentId != null ? RpcStatus.EXPIRED : RpcStatus.TIMEOUT, p.offline());
                    continue;
                }
                if (!sessions.offerRpc(deviceId, p.toRequest())) {
                    break;
                }
                state.queue.pollFirst();
                p.attempts++;
                p.sentAt = now;
                state.inFlight.put(p.id, p);
                if (p.persistentId != null) {
                    dao.updateStatus(p.persistentId, RpcStatus.SENT, null);
                }
            }
        }
    }

    /** Stored calls still waiting for delivery (after a restart, or queued while the device was away). */
    private void loadStored(UUID deviceId, DeviceRpc state) {
        for (RpcDao.RpcRow row : dao.findQueued(deviceId)) {
            boolean known = state.queue.stream().anyMatch(p -> row.id().equals(p.persistentId));
            if (known) {
                continue;
            }
            JsonNode req = Json.parse(row.request());
            JsonNode body = req.path("body");
            JsonNode params = body.get("params");
            Pending p = new Pending(row.requestId(), body.path("method").asString(),
                    params == null || params.isNull() ? "{}" : Json.write(params), req.path("oneway").asBoolean(false),
                    req.path("timeout").asLong(DEFAULT_TIMEOUT_MS), row.expirationTime(), req.path("retries").asInt(0),
                    row.id(), CompletableFuture.completedFuture(new RpcOutcome.Persisted(row.id())));
            state.queue.addLast(p);
        }
        state.queue.stream().sorted((a, b) -> Integer.compare(a.id, b.id)).toList().forEach(p -> {
            state.queue.remove(p);
            state.queue.addLast(p);
        });
    }

    /** The transport delivered the call to the device. */
    public void onDelivered(UUID deviceId, int requestId) {
        DeviceRpc state = state(deviceId);
        synchronized (state) {
            Pending p = state.inFlight.get(requestId);
            if (p == null) {
                dao.findOpen(deviceId, requestId).ifPresent(row -> {
                    boolean oneway = Json.parse(row.request()).path("oneway").asBoolean(false);
                    dao.updateStatus(row.id(), RpcStatus.DELIVERED, null);
                    if (oneway) {
                        dao.updateStatus(row.id(), RpcStatus.SUCCESSFUL, null);
                    }
                });
                return;
            }
            if (p.persistentId != null) {
                dao.updateStatus(p.persistentId, RpcStatus.DELIVERED, null);
            }
            if (p.oneway) {
                state.inFlight.remove(requestId);
                if (p.persistentId != null) {
                    dao.updateStatus(p.persistentId, RpcStatus.SUCCESSFUL, null);
                } else {
                    p.result.complete(new RpcOutcome.Delivered());
                }
            }
        }
    }

    /**
     * A session took call {@code requestId} but its device could not (a transport on another node whose
     * client sleeps): the call goes back to the head of the queue for the device's next subscription.
     */
    public void onDeclined(UUID deviceId, int requestId) {
        DeviceRpc state = state(deviceId);
        synchronized (state) {
            Pending p = state.inFlight.remove(requestId);
            if (p == null) {
                return;
            }
            p.attempts--;
            if (p.persistentId != null) {
                dao.updateStatus(p.persistentId, RpcStatus.QUEUED, null);
            }
            state.queue.addFirst(p);
        }
    }

    /** The device answered call {@code requestId}. */
    public void onDeviceResponse(UUID deviceId, int requestId, String response) {
        DeviceRpc state = state(deviceId);
        synchronized (state) {
            Pending p = state.inFlight.remove(requestId);
            if (p == null) {
                // Answered after a restart, or unknown: settle a stored call if there is one.
                dao.findOpen(deviceId, requestId).ifPresentOrElse(
                        row -> dao.updateStatus(row.id(), RpcStatus.SUCCESSFUL, response),
                        () -> log.debug("Device {} answered unknown RPC {}", deviceId, requestId));
                return;
            }
            if (p.persistentId != null) {
                dao.updateStatus(p.persistentId, RpcStatus.SUCCESSFUL, response);
            } else {
                p.result.complete(new RpcOutcome.Response(response));
            }
        }
    }

    /**
     * The device's transport sent call {@code requestId} and gave up waiting for the device's answer
     * ({@code reason} says what it waited for): the call times out now, or is sent again while retries remain.
     */
    public void onDeviceTimeout(UUID deviceId, int requestId, String reason) {
        DeviceRpc state = state(deviceId);
        boolean requeued = false;
        synchronized (state) {
            Pending p = state.inFlight.remove(requestId);
            if (p == null) {
                dao.findOpen(deviceId, requestId).ifPresent(row -> dao.updateStatus(row.id(), RpcStatus.TIMEOUT, null));
                return;
            }
            if (p.attempts <= p.retries && System.currentTimeMillis() < p.expirationTime) {
                if (p.persistentId != null) {
                    dao.updateStatus(p.persistentId, RpcStatus.QUEUED, null);
                }
                state.queue.addFirst(p);
                requeued = true;
            } else {
                end(p, RpcStatus.TIMEOUT, reason);
            }
        }
        if (requeued) {
            drain(deviceId);
        }
    }

    private void end(Pending p, RpcStatus status, String message) {
        if (p.persistentId != null) {
            dao.updateStatus(p.persistentId, status, null);
        } else {
            p.result.complete(new RpcOutcome.Timeout(message));
        }
    }

    /** Times out unanswered calls (or sends them again while retries remain) and drops expired ones. */
    private void sweep() {
        long now = System.currentTimeMillis();
        for (Map.Entry<UUID, DeviceRpc> e : devices.entrySet()) {
            DeviceRpc state = e.getValue();
            boolean requeued = false;
            try {
                synchronized (state) {
                    for (Iterator<Pending> it = state.queue.iterator(); it.hasNext(); ) {
                        Pending p = it.next();
                        if (p.expirationTime < now) {
                            it.remove();
                            end(p, p.persistentId != null ? RpcStatus.EXPIRED : RpcStatus.TIMEOUT, p.offline());
                        }
                    }
                    for (Iterator<Pending> it = state.inFlight.values().iterator(); it.hasNext(); ) {
                        Pending p = it.next();
                        boolean expired = now > p.expirationTime;
                        if (!expired && now - p.sentAt < p.timeoutMs) {
                            continue;
                        }
                        it.remove();
                        if (!expired && p.attempts <= p.retries) {
                            if (p.persistentId != null) {
                                dao.updateStatus(p.persistentId, RpcStatus.QUEUED, null);
                            }
                            state.queue.addFirst(p);
                            requeued = true;
                        } else {
                            end(p, RpcStatus.TIMEOUT, p.unanswered());
                        }
                    }
                }
                if (requeued) {
                    drain(e.getKey());
                }
            } catch (RuntimeException ex) {
                log.warn("RPC sweep of device {} failed: {}", e.getKey(), ex.toString());
            }
        }
    }

    /** Stored calls of devices that never came back expire too. */
    private void expireStored() {
        try {
            for (RpcDao.RpcRow row : dao.findExpired(System.currentTimeMillis())) {
                dao.updateStatus(row.id(), row.status() == RpcStatus.QUEUED ? RpcStatus.EXPIRED : RpcStatus.TIMEOUT, null);
            }
        } catch (RuntimeException e) {
            log.warn("Expiring stored RPC failed: {}", e.toString());
        }
    }

    public CompletableFuture<String> clientRpc(DeviceInfo device, String request) {
        return clientRpc.handle(device, request);
    }

    @PreDestroy
    public void stop() {
        timer.shutdownNow();
    }
}
