package io.mote.transport.coap;

import static io.mote.transport.coap.CoapMessages.*;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.BlockOption;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.OptionSet;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.observe.ObserveRelation;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.core.server.resources.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.entity.CredentialsType;
import io.mote.common.error.MoteException;
import io.mote.common.json.Json;
import io.mote.common.json.KvJson;
import io.mote.common.kv.KvEntry;
import io.mote.common.kv.TsKvEntry;
import io.mote.transport.api.DeviceInfo;
import io.mote.transport.api.DevicePayloads;
import io.mote.transport.api.Drain;
import io.mote.transport.api.OtaPackageType;
import io.mote.transport.api.TransportService;
import io.mote.transport.api.proto.DeviceApiProtos;
import io.mote.transport.api.proto.ProfileProtos;
import io.mote.transport.api.proto.ProtoJson;
import io.mote.transport.dtls.DeviceIdentity;

/**
 * The CoAP device API: {@code /api/v1/{token}/<operation>}, and over DTLS {@code /api/v1/<operation>}
 * for a device identified by its client certificate or PSK identity. Every request is answered from the
 * core's futures (a piggybacked ACK when they complete within the ACK timeout), so no protocol thread
 * waits on the database.
 */
final class CoapDeviceApi {

    private static final Logger log = LoggerFactory.getLogger(CoapDeviceApi.class);

    private final TransportService transport;
    private final CoapTransportSettings settings;
    private final ScheduledExecutorService timer;
    private final Map<UUID, DeviceState> states = new ConcurrentHashMap<>();
    private final Map<Exchange, Observation> observations = new ConcurrentHashMap<>();
    /** Requests handed to the core and not yet answered; on shutdown new ones get 5.03 while these finish. */
    private final Drain drain = new Drain();

    CoapDeviceApi(TransportService transport, CoapTransportSettings settings, ScheduledExecutorService timer) {
        this.transport = transport;
        this.settings = settings;
        this.timer = timer;
        long every = Math.max(10, Math.min(settings.stateIdleMs() / 2, 60_000));
        timer.scheduleWithFixedDelay(this::evictIdle, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Forgets devices that have no observation and have sent nothing for {@code stateIdleMs}: a device
     * that comes back is loaded again (settings from the core), so nothing is lost but memory. A device
     * with an observation stays, since its observation needs its power mode and last uplink.
     */
    void evictIdle() {
        long cutoff = System.currentTimeMillis() - settings.stateIdleMs();
        for (DeviceState s : states.values()) {
            if (s.lastUplink < cutoff && s.observations.isEmpty()) {
                states.computeIfPresent(s.deviceId, (id, cur) ->
                        cur.lastUplink < cutoff && cur.observations.isEmpty() ? null : cur);
            }
        }
    }

    int deviceStateCount() {
        return states.size();
    }

    /** The {@code api} resource with its tree. */
    Resource root() {
        NotFound api = new NotFound("api");
        api.add(new V1());
        return api;
    }

    int observationCount() {
        return observations.size();
    }

    /** Answers new requests 5.03 from now on and waits up to {@code timeoutMs} for those in flight. */
    boolean drain(long timeoutMs) {
        return drain.close(timeoutMs);
    }

    /** 5.03 with a Max-Age: the server is stopping, the device should try again shortly (RFC 7252 5.9.3.4). */
    private static void refuseStopping(CoapExchange ex) {
        Response r = new Response(ResponseCode.SERVICE_UNAVAILABLE);
        r.getOptions().setMaxAge(10).setContentFormat(MediaTypeRegistry.TEXT_PLAIN);
        r.setPayload("Server is shutting down");
        ex.respond(r);
    }

    void closeAll() {
        observations.values().forEach(Observation::close);
        observations.clear();
    }

    // ---- the resource tree ----

    /** A path segment that is no operation: every method answers 4.04. */
    private static class NotFound extends CoapResource {
        NotFound(String name) {
            super(name);
            setVisible(false);
        }

        private static void notFound(CoapExchange ex) {
            ex.respond(ResponseCode.NOT_FOUND, "Resource not found", MediaTypeRegistry.TEXT_PLAIN);
        }

        @Override
        public void handleGET(CoapExchange ex) {
            notFound(ex);
        }

        @Override
        public void handlePOST(CoapExchange ex) {
            notFound(ex);
        }

        @Override
        public void handlePUT(CoapExchange ex) {
            notFound(ex);
        }

        @Override
        public void handleDELETE(CoapExchange ex) {
            notFound(ex);
        }
    }

    /** {@code /api/v1}: an operation (identity from DTLS), {@code provision}, or an access token. */
    private final class V1 extends NotFound {
        private final Map<String, Resource> tokenless;
        private final Token token = new Token();

        V1() {
            super("v1");
            tokenless = operations(false);
            Resource provision = new Provision();
            provision.setParent(this);
            tokenless.put("provision", provision);
            tokenless.values().forEach(r -> r.setParent(this));
        }

        @Override
        public Resource getChild(String name) {
            Resource op = tokenless.get(name);
            return op != null ? op : token;
        }
    }

    /** {@code /api/v1/{token}}: the operations of the device with that access token. */
    private final class Token extends NotFound {
        private final Map<String, Resource> ops = operations(true);

        Token() {
            super("token");
            ops.values().forEach(r -> r.setParent(this));
        }

        @Override
        public Resource getChild(String name) {
            return ops.get(name);
        }
    }

    private Map<String, Resource> operations(boolean tokenInPath) {
        Map<String, Resource> m = new ConcurrentHashMap<>();
        m.put("telemetry", new Telemetry(tokenInPath));
        m.put("attributes", new Attributes(tokenInPath));
        m.put("rpc", new Rpc(tokenInPath));
        m.put("claim", new Claim(tokenInPath));
        m.put("firmware", new Ota(tokenInPath, OtaPackageType.FIRMWARE));
        m.put("software", new Ota(tokenInPath, OtaPackageType.SOFTWARE));
        return m;
    }

    private abstract class Op extends CoapResource {
        final boolean tokenInPath;

        Op(String name, boolean tokenInPath) {
            super(name);
            this.tokenInPath = tokenInPath;
        }
    }

    private final class Telemetry extends Op {
        Telemetry(boolean t) {
            super("telemetry", t);
        }

        @Override
        public void handlePOST(CoapExchange ex) {
            serve(ex, tokenInPath, () -> d -> {
                ProfileProtos protos = payloadFormat(ex, d);
                JsonNode body = protos == null ? jsonBody(ex) : protos.telemetry(body(ex));
                List<TsKvEntry> entries = KvJson.parseTelemetry(body, System.currentTimeMillis());
                return transport.postTelemetry(d.device, entries).thenApply(v -> new Response(ResponseCode.CREATED));
            });
        }
    }

    private final class Attributes extends Op {
        Attributes(boolean t) {
            super("attributes", t);
            setObservable(true);
            setObserveType(CoAP.Type.CON);
        }

        @Override
        public void handlePOST(CoapExchange ex) {
            serve(ex, tokenInPath, () -> d -> {
                ProfileProtos protos = payloadFormat(ex, d);
                List<KvEntry> attrs = KvJson.parseKvObject(protos == null ? jsonBody(ex) : protos.attributes(body(ex)));
                return transport.postAttributes(d.device, attrs).thenApply(v -> new Response(ResponseCode.CREATED));
            });
        }

        @Override
        public void handleGET(CoapExchange ex) {
            if (registering(ex)) {
                observe(ex, tokenInPath, Observation.Kind.ATTRIBUTES);
                return;
            }
            Collection<String> client = keys(ex.getQueryParameter("clientKeys"));
            Collection<String> shared = keys(ex.getQueryParameter("sharedKeys"));
            boolean all = client == null && shared == null;
            boolean withClient = all || client != null;
            boolean withShared = all || shared != null;
            serve(ex, tokenInPath, () -> d -> transport.getAttributes(d.device, client, shared).thenApply(attrs ->
                    d.state.settings.protobuf()
                            ? bytes(ResponseCode.CONTENT, ProfileProtos.attributesResponse(0, attrs, withClient, withShared))
                            : json(ResponseCode.CONTENT, DevicePayloads.attributesResponse(attrs, withClient, withShared))));
        }

        @Override
        public void removeObserveRelation(ObserveRelation relation) {
            super.removeObserveRelation(relation);
            ended(relation);
        }
    }

    private final class Rpc extends Op {
        private final RpcResponse response;

        Rpc(boolean t) {
            super("rpc", t);
            setObservable(true);
            setObserveType(CoAP.Type.CON);
            response = new RpcResponse(t);
            response.setParent(this);
        }

        @Override
        public Resource getChild(String name) {
            return response;
        }

        /** Server-side RPC: observe; each request is a notification. */
        @Override
        public void handleGET(CoapExchange ex) {
            if (registering(ex)) {
                observe(ex, tokenInPath, Observation.Kind.RPC);
            } else if (ex.getRequestOptions().hasObserve()) {
                // Deregistration (Observe=1): Californium has cancelled the relation already.
                serve(ex, tokenInPath, () -> d -> CompletableFuture.completedFuture(new Response(ResponseCode.CONTENT)));
            } else {
                ex.respond(ResponseCode.BAD_REQUEST, "Use the Observe option to receive RPC requests", MediaTypeRegistry.TEXT_PLAIN);
            }
        }

        /**
         * Client-side RPC: {@code {"method","params"}}, answered with the server's JSON; for a PROTOBUF
         * profile ThingsBoard's {@code ToServerRpcRequestMsg}, answered with {@code ToServerRpcResponseMsg}.
         */
        @Override
        public void handlePOST(CoapExchange ex) {
            serve(ex, tokenInPath, () -> d -> {
                if (payloadFormat(ex, d) == null) {
                    jsonBody(ex);
                    return transport.clientRpc(d.device, ex.getRequestText()).thenApply(answer -> {
                        Response r = new Response(ResponseCode.CONTENT);
                        r.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_JSON);
                        r.setPayload(answer);
                        return r;
                    });
                }
                ObjectNode request = ProtoJson.parse(DeviceApiProtos.CLIENT_RPC_REQUEST, body(ex));
                String method = request.path("methodName").asString("");
                if (method.isBlank()) {
                    throw new CoapError(ResponseCode.BAD_REQUEST, "ToServerRpcRequestMsg.methodName is required");
                }
                String params = request.path("params").asString("");
                ObjectNode call = Json.object().put("method", method);
                call.set("params", params.isBlank() ? Json.object() : jsonOrText(params));
                int requestId = request.path("requestId").asInt(0);
                return transport.clientRpc(d.device, Json.write(call)).thenApply(answer -> bytes(ResponseCode.CONTENT,
                        ProtoJson.fromJson(DeviceApiProtos.CLIENT_RPC_RESPONSE,
                                Json.object().put("requestId", requestId).put("payload", answer)).toByteArray()));
            });
        }

        @Override
        public void removeObserveRelation(ObserveRelation relation) {
            super.removeObserveRelation(relation);
            ended(relation);
        }
    }

    /** {@code rpc/{id}}: the device's answer to a server-side RPC. */
    private final class RpcResponse extends Op {
        RpcResponse(boolean t) {
            super("id", t);
        }

        @Override
        public void handlePOST(CoapExchange ex) {
            serve(ex, tokenInPath, () -> {
                List<String> path = ex.getRequestOptions().getUriPath();
                if (path.size() != (tokenInPath ? 5 : 4)) {
                    throw new CoapError(ResponseCode.NOT_FOUND, "Resource not found");
                }
                int id;
                try {
                    id = Integer.parseInt(path.get(path.size() - 1));
                } catch (NumberFormatException e) {
                    throw new CoapError(ResponseCode.BAD_REQUEST, "RPC request id must be an integer");
                }
                byte[] body = body(ex);
                return d -> {
                    ProfileProtos protos = payloadFormat(ex, d);
                    String text = protos == null ? new String(body, StandardCharsets.UTF_8) : protos.rpcResponse(body);
                    return transport.sendRpcResponse(d.device, id, text).thenApply(v -> new Response(ResponseCode.CREATED));
                };
            });
        }
    }

    private final class Claim extends Op {
        Claim(boolean t) {
            super("claim", t);
        }

        @Override
        public void handlePOST(CoapExchange ex) {
            serve(ex, tokenInPath, () -> {
                jsonOnly(ex);
                DevicePayloads.ClaimRequest r = DevicePayloads.claimRequest(body(ex));
                return d -> transport.claimDevice(d.device, r.secretKey(), r.durationMs())
                        .thenApply(v -> new Response(ResponseCode.CREATED));
            });
        }
    }

    /** {@code /api/v1/provision}: no credentials; the answer is the provisioning result's JSON. */
    private final class Provision extends CoapResource {
        Provision() {
            super("provision");
        }

        @Override
        public void handlePOST(CoapExchange ex) {
            if (!drain.enter()) {
                refuseStopping(ex);
                return;
            }
            CompletableFuture<Response> f;
            try {
                checkContentFormat(ex);
                jsonOnly(ex);
                jsonBody(ex);
                f = transport.provision(ex.getRequestText()).thenApply(res -> {
                    Response r = new Response(ResponseCode.CONTENT);
                    r.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_JSON);
                    r.setPayload(res.json());
                    return r;
                });
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            f.exceptionally(CoapMessages::error).thenAccept(ex::respond).whenComplete((v, e) -> drain.exit());
        }
    }

    /** Firmware or software download: the whole image blockwise (RFC 7959 Block2), or one {@code chunk} of {@code size} bytes. */
    private final class Ota extends Op {
        private final OtaPackageType type;

        Ota(boolean t, OtaPackageType type) {
            super(type == OtaPackageType.FIRMWARE ? "firmware" : "software", t);
            this.type = type;
        }

        @Override
        public void handleGET(CoapExchange ex) {
            serve(ex, tokenInPath, () -> {
                String title = ex.getQueryParameter("title");
                String version = ex.getQueryParameter("version");
                if (title == null || title.isEmpty() || version == null || version.isEmpty()) {
                    throw new CoapError(ResponseCode.BAD_REQUEST, "Query parameters title and version are required");
                }
                int size = intParam(ex, "size", 0);
                int chunk = intParam(ex, "chunk", 0);
                BlockOption block2 = ex.getRequestOptions().getBlock2();
                return d -> transport.otaPackage(d.device, type).thenCompose(p -> OtaDownload.answer(transport, type, p, title, version, size, chunk, block2));
            });
        }

    }

    // ---- request handling ----

    /** A request's device and its transport state. */
    record Ctx(DeviceInfo device, DeviceState state) {
    }

    /**
     * Checks what does not depend on the device (before authenticating, as the HTTP API does), then runs
     * the action for its device. A body is read in the action, once the profile's payload type is known.
     */
    private interface Action {
        Function<Ctx, CompletableFuture<Response>> prepare();
    }

    private void serve(CoapExchange ex, boolean tokenInPath, Action action) {
        if (!drain.enter()) {
            refuseStopping(ex);
            return;
        }
        CompletableFuture<Response> f;
        try {
            checkContentFormat(ex);
            Function<Ctx, CompletableFuture<Response>> run = action.prepare();
            f = device(ex, tokenInPath).thenCompose(run);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.exceptionally(CoapMessages::error).thenAccept(ex::respond).whenComplete((v, e) -> drain.exit());
    }

    /** Authenticates the request's device and loads its state; the request counts as an uplink. */
    private CompletableFuture<Ctx> device(CoapExchange ex, boolean tokenInPath) {
        CredentialsType type;
        String id;
        if (tokenInPath) {
            type = CredentialsType.ACCESS_TOKEN;
            id = ex.getRequestOptions().getUriPath().get(2);
        } else {
            Optional<DeviceIdentity> identity = DeviceIdentity.of(ex.advanced().getRequest().getSourceContext().getPeerIdentity());
            if (identity.isEmpty()) {
                return CompletableFuture.failedFuture(new CoapError(ResponseCode.UNAUTHORIZED,
                        "No access token in the path and no DTLS client identity"));
            }
            type = identity.get().type();
            id = identity.get().credentialsId();
        }
        return transport.authenticate(type, id).thenCompose(auth -> {
            if (auth.isEmpty()) {
                throw new CoapError(ResponseCode.UNAUTHORIZED, "Unauthorized");
            }
            DeviceInfo device = auth.get().device();
            return state(device).thenApply(state -> {
                state.heard();
                return new Ctx(device, state);
            });
        });
    }

    private CompletableFuture<DeviceState> state(DeviceInfo device) {
        DeviceState state = states.computeIfAbsent(device.deviceId(), DeviceState::new);
        long now = System.currentTimeMillis();
        if (state.settingsLoadedAt > 0 && now - state.settingsLoadedAt < settings.profileCacheMs()) {
            return CompletableFuture.completedFuture(state);
        }
        return transport.transportConfiguration(device).thenApply(tc -> {
            state.settings = ClientSettings.of(tc);
            state.settingsLoadedAt = now;
            return state;
        });
    }

    private static boolean registering(CoapExchange ex) {
        OptionSet o = ex.getRequestOptions();
        return o.hasObserve() && o.getObserve() == 0 && ex.advanced().getRelation() != null;
    }

    /** An observe registration: the first answer (Observe 0) is the current shared attributes, or empty for RPC. */
    private void observe(CoapExchange ex, boolean tokenInPath, Observation.Kind kind) {
        Exchange exchange = ex.advanced();
        device(ex, tokenInPath).thenCompose(ctx -> {
            // A device observes each resource once: a new registration (a rebooted device, a new token or
            // port) replaces the earlier one, so RPC and changes do not go to a client that is gone.
            for (Observation earlier : ctx.state.observations) {
                if (earlier.kind == kind) {
                    earlier.replaced();
                }
            }
            Observation o = new Observation(kind, ctx.device, ctx.state, exchange, transport, timer,
                    settings.maxHeldAttributes());
            observations.put(exchange, o);
            o.open();
            if (kind == Observation.Kind.RPC) {
                return CompletableFuture.completedFuture(o);
            }
            return transport.getAttributes(ctx.device, null, null).thenApply(attrs -> {
                o.onAttributesUpdate(new io.mote.transport.api.AttributesUpdate(attrs.shared(), List.of()));
                return o;
            });
        }).whenComplete((o, err) -> {
            if (err != null) {
                Observation failed = observations.remove(exchange);
                if (failed != null) {
                    failed.close();
                }
                ex.respond(error(err));
                return;
            }
            o.sendFirst(ex);
            ObserveRelation relation = exchange.getRelation();
            if (relation == null || relation.isCanceled()) {
                ended(exchange);
            } else {
                o.ready();
            }
        });
    }

    private void ended(ObserveRelation relation) {
        ended(relation.getExchange());
    }

    private void ended(Exchange exchange) {
        Observation o = observations.remove(exchange);
        if (o != null) {
            o.close();
        }
    }

    /** JSON, text or (for PROTOBUF profiles) octet-stream bodies, and no larger than the limit. */
    private void checkContentFormat(CoapExchange ex) {
        OptionSet o = ex.getRequestOptions();
        if (o.hasContentFormat()) {
            int cf = o.getContentFormat();
            if (cf != MediaTypeRegistry.APPLICATION_JSON && cf != MediaTypeRegistry.TEXT_PLAIN
                    && cf != MediaTypeRegistry.APPLICATION_OCTET_STREAM) {
                throw new CoapError(ResponseCode.UNSUPPORTED_CONTENT_FORMAT,
                        "Unsupported content format " + MediaTypeRegistry.toString(cf)
                                + "; send application/json (application/octet-stream for PROTOBUF profiles)");
            }
        }
        byte[] payload = ex.getRequestPayload();
        if (payload != null && payload.length > settings.maxPayloadSize()) {
            throw new CoapError(ResponseCode.REQUEST_ENTITY_TOO_LARGE, "Payload is too large");
        }
    }

}
