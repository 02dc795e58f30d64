package io.mote.transport.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import io.mote.common.entity.CredentialsType;
import io.mote.common.error.ErrorCode;
import io.mote.common.error.MoteException;
import io.mote.common.json.Json;
import io.mote.common.json.KvJson;
import io.mote.common.kv.KvEntry;
import io.mote.common.kv.TsKvEntry;
import io.mote.transport.api.AuthenticatedDevice;
import io.mote.transport.api.DeviceInfo;
import io.mote.transport.api.DevicePayloads;
import io.mote.transport.api.DeviceSession;
import io.mote.transport.api.OtaPackageRef;
import io.mote.transport.api.OtaPackageType;
import io.mote.transport.api.SessionListener;
import io.mote.transport.api.TransportService;
import io.mote.transport.api.AttributesUpdate;
import io.mote.transport.api.RpcRequest;

/**
 * The HTTP device API: {@code /api/v1/{accessToken}/...}. Requests are answered asynchronously, so no
 * servlet thread waits on the database or on a long-poll.
 */
@RestController
@Conditional(HttpTransportEnabled.class)
@RequestMapping("/api/v1")
public class DeviceApiController {

    private static final Logger log = LoggerFactory.getLogger(DeviceApiController.class);

    /** Bytes fetched from the core per step while a package download streams out. */
    static final int DOWNLOAD_PIECE = 256 * 1024;

    private final TransportService transport;
    private final HttpTransportProperties props;

    public DeviceApiController(TransportService transport, HttpTransportProperties props) {
        this.transport = transport;
        this.props = props;
    }

    @PostMapping("/{token}/telemetry")
    public CompletableFuture<ResponseEntity<Object>> postTelemetry(@PathVariable String token, HttpServletRequest request) {
        byte[] body;
        List<TsKvEntry> entries;
        try {
            body = readBody(request);
            entries = KvJson.parseTelemetry(Json.parse(body, request.getCharacterEncoding()), System.currentTimeMillis());
        } catch (MoteException e) {
            return CompletableFuture.completedFuture(error(e));
        }
        return withDevice(token, d -> transport.postTelemetry(d, entries).thenApply(v -> ok()));
    }

    @PostMapping("/{token}/attributes")
    public CompletableFuture<ResponseEntity<Object>> postAttributes(@PathVariable String token, HttpServletRequest request) {
        List<KvEntry> attrs;
        try {
            attrs = KvJson.parseKvObject(Json.parse(readBody(request), request.getCharacterEncoding()));
        } catch (MoteException e) {
            return CompletableFuture.completedFuture(error(e));
        }
        return withDevice(token, d -> transport.postAttributes(d, attrs).thenApply(v -> ok()));
    }

    @GetMapping("/{token}/attributes")
    public CompletableFuture<ResponseEntity<Object>> getAttributes(@PathVariable String token,
                                                                   @RequestParam(required = false) String clientKeys,
                                                                   @RequestParam(required = false) String sharedKeys) {
        Collection<String> client = keys(clientKeys);
        Collection<String> shared = keys(sharedKeys);
        boolean all = client == null && shared == null;
        return withDevice(token, d -> transport.getAttributes(d, client, shared).thenApply(attrs ->
                json(DevicePayloads.attributesResponse(attrs, all || client != null, all || shared != null))));
    }

    /** Long-poll: answers with the next shared-attribute change, or 408 when the timeout passes. */
    @GetMapping("/{token}/attributes/updates")
    public DeferredResult<ResponseEntity<Object>> attributeUpdates(@PathVariable String token,
                                                                   @RequestParam(required = false, defaultValue = "0") long timeout) {
        return longPoll(token, timeout, (device, result) -> new SessionListener() {
            @Override
            public void onAttributesUpdate(AttributesUpdate update) {
                result.setResult(json(DevicePayloads.attributesUpdate(update)));
            }

            @Override
            public void onSessionClosed(String reason) {
                result.setResult(unauthorized());
            }
        }, session -> session.subscribeToAttributes(true));
    }

    /** Long-poll: answers with the next server-side RPC {@code {"id","method","params"}}, or 408. */
    @GetMapping("/{token}/rpc")
    public DeferredResult<ResponseEntity<Object>> rpcRequests(@PathVariable String token,
                                                              @RequestParam(required = false, defaultValue = "0") long timeout) {
        return longPoll(token, timeout, (device, result) -> new SessionListener() {
            @Override
            public boolean onRpcRequest(RpcRequest request) {
                // One request per poll: a poll that has answered takes no more.
                if (!result.setResult(json(DevicePayloads.rpcRequest(request)))) {
                    return false;
                }
                transport.acknowledgeRpc(device, request.id());
                return true;
            }

            @Override
            public void onSessionClosed(String reason) {
                result.setResult(unauthorized());
            }
        }, session -> session.subscribeToRpc(true));
    }

    /** The device's answer to server-side RPC {@code id}. */
    @PostMapping("/{token}/rpc/{requestId}")
    public CompletableFuture<ResponseEntity<Object>> rpcResponse(@PathVariable String token, @PathVariable int requestId,
                                                                 HttpServletRequest request) {
        String body;
        try {
            body = Json.decode(readBody(request), request.getCharacterEncoding());
        } catch (MoteException e) {
            return CompletableFuture.completedFuture(error(e));
        }
        return withDevice(token, d -> transport.sendRpcResponse(d, requestId, body).thenApply(v -> ok()));
    }

    /** Client-side RPC: the device's {@code {"method","params"}}, answered with the server's JSON. */
    @PostMapping("/{token}/rpc")
    public CompletableFuture<ResponseEntity<Object>> clientRpc(@PathVariable String token, HttpServletRequest request) {
        String body;
        try {
            byte[] bytes = readBody(request);
            body = Json.decode(bytes, request.getCharacterEncoding());
            Json.parse(body);
        } catch (MoteException e) {
            return CompletableFuture.completedFuture(error(e));
        }
        return withDevice(token, d -> transport.clientRpc(d, body).thenApply(answer ->
                ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body((Object) answer)));
    }

    /** The device allows a user to claim it: {@code {"secretKey","durationMs"}}, both optional. */
    @PostMapping("/{token}/claim")
    public CompletableFuture<ResponseEntity<Object>> claim(@PathVariable String token, HttpServletRequest request) {
        DevicePayloads.ClaimRequest claim;
        try {
            claim = DevicePayloads.claimRequest(readBody(request));
        } catch (MoteException e) {
            return CompletableFuture.completedFuture(error(e));
        }
        return withDevice(token, d -> transport.claimDevice(d, claim.secretKey(), claim.durationMs())
                .thenApply(v -> ok()));
    }

    /**
     * Provisioning, without a token: answers 200 with {@code {"status":"SUCCESS","credentialsType",
     * "credentialsValue"}} or {@code {"status":"NOT_FOUND"|"FAILURE","errorMsg"}}; 400 for a body that is
     * not a provisioning request.
     */
    @PostMapping("/provision")
    public CompletableFuture<ResponseEntity<Object>> provision(HttpServletRequest request) {
        String body;
        try {
            body = Json.decode(readBody(request), request.getCharacterEncoding());
        } catch (MoteException e) {
            return CompletableFuture.completedFuture(error(e));
        }
        return transport.provision(body)
                .thenApply(result -> ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body((Object) result.json()))
                .exceptionally(err -> error(unwrap(err)));
    }

    /**
     * The assigned firmware's file, whole or chunk {@code chunk} of {@code size} bytes; {@code title} and
     * {@code version} must name the assigned package exactly.
     */
    @GetMapping("/{token}/firmware")
    public CompletableFuture<ResponseEntity<StreamingResponseBody>> firmware(
            @PathVariable String token, @RequestParam(required = false) String title,
            @RequestParam(required = false) String version, @RequestParam(required = false) String size,
            @RequestParam(required = false) String chunk) {
        return otaDownload(token, OtaPackageType.FIRMWARE, title, version, size, chunk);
    }

    /** The assigned software's file, as {@link #firmware}. */
    @GetMapping("/{token}/software")
    public CompletableFuture<ResponseEntity<StreamingResponseBody>> software(
            @PathVariable String token, @RequestParam(required = false) String title,
            @RequestParam(required = false) String version, @RequestParam(required = false) String size,
            @RequestParam(required = false) String chunk) {
        return otaDownload(token, OtaPackageType.SOFTWARE, title, version, size, chunk);
    }

    private CompletableFuture<ResponseEntity<StreamingResponseBody>> otaDownload(
            String token, OtaPackageType type, String title, String version, String sizeParam, String chunkParam) {
        String kind = type == OtaPackageType.FIRMWARE ? "firmware" : "software";
        int size;
        int chunk;
        try {
            if (title == null || title.isEmpty() || version == null || version.isEmpty()) {
                throw MoteException.badRequest("Parameters 'title' and 'version' of the " + kind + " are required");
            }
            size = nonNegative("size", sizeParam);
            chunk = nonNegative("chunk", chunkParam);
        } catch (MoteException e) {
            return CompletableFuture.completedFuture(streamed(error(e)));
        }
        return withDevice(token, d -> transport.otaPackage(d, type).thenApply(found -> {
            if (found.isEmpty()) {
                return error(new MoteException(ErrorCode.ITEM_NOT_FOUND, "No " + kind + " is assigned to the device"));
            }
            OtaPackageRef p = found.get();
            // Exact comparison: version "1.1.1" is not "1.1.10".
            if (!p.title().equals(title) || !p.version().equals(version)) {
                return error(MoteException.badRequest("Requested " + kind + " '" + title + "' version '" + version
                        + "' is not the one assigned to the device ('" + p.title() + "' version '" + p.version() + "')"));
            }
            if (!p.hasData()) {
                return error(new MoteException(ErrorCode.ITEM_NOT_FOUND, "The assigned " + kind
                        + " is not stored here; download it from its URL"));
            }
            long offset = size == 0 ? 0 : (long) chunk * size;
            long length = size == 0 ? p.size() : Math.max(0, Math.min(size, p.size() - offset));
            String fileName = p.fileName() == null ? p.title() + "-" + p.version() : p.fileName();
            return ResponseEntity.ok()
                    .header(HttpHeaders.CONTENT_DISPOSITION,
                            ContentDisposition.attachment().filename(fileName, StandardCharsets.UTF_8)
                                    .build().toString())
                    .header("x-filename", fileName)
                    .contentType(mediaType(p.contentType()))
                    .contentLength(length)
                    .body((Object) (StreamingResponseBody) out -> copyRange(p, offset, length, out));
        })).thenApply(DeviceApiController::streamed);
    }

    /** Streams the package's bytes [offset, offset + length) a piece at a time. */
    private void copyRange(OtaPackageRef p, long offset, long length, OutputStream out) throws IOException {
        long pos = offset;
        long end = offset + length;
        while (pos < end) {
            int want = (int) Math.min(DOWNLOAD_PIECE, end - pos);
            byte[] piece;
            try {
                piece = transport.otaData(p.id(), pos, want).get(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException("Could not read the package data", e);
            }
            if (piece.length == 0) {
                throw new IOException("Package data ended early at byte " + pos);
            }
            out.write(piece);
            pos += piece.length;
        }
    }

    private static int nonNegative(String name, String value) {
        if (value == null || value.isEmpty()) {
            return 0;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw MoteException.badRequest("Parameter '" + name + "' must be a non-negative integer");
    }

    private static MediaType mediaType(String contentType) {
        try {
            return contentType == null ? MediaType.APPLICATION_OCTET_STREAM : MediaType.parseMediaType(contentType);
        } catch (RuntimeException e) {
            return MediaType.APPLICATION_OCTET_STREAM;
        }
    }

    /** Any answer of this controller, as a streamed response (errors are small JSON texts). */
    private static ResponseEntity<StreamingResponseBody> streamed(ResponseEntity<Object> r) {
        Object body = r.getBody();
        StreamingResponseBody streaming;
        if (body == null) {
            streaming = null;
        } else if (body instanceof StreamingResponseBody s) {
            streaming = s;
        } else {
            byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            streaming = out -> out.write(bytes);
        }
        return ResponseEntity.status(r.getStatusCode()).headers(r.getHeaders()).body(streaming);
    }

    /**
     * Authenticates, opens a session whose listener completes the result, subscribes it, and closes it
     * when the poll is answered or times out (408).
     */
    private DeferredResult<ResponseEntity<Object>> longPoll(
            String token, long timeout,
            java.util.function.BiFunction<DeviceInfo, DeferredResult<ResponseEntity<Object>>, SessionListener> listener,
            java.util.function.Consumer<DeviceSession> subscribe) {
        long wait = timeout <= 0 ? props.defaultTimeout() : Math.min(timeout, props.maxTimeout());
        DeferredResult<ResponseEntity<Object>> result = new DeferredResult<>(wait,
                () -> ResponseEntity.status(HttpStatus.REQUEST_TIMEOUT).build());
        transport.authenticate(CredentialsType.ACCESS_TOKEN, token).whenComplete((auth, err) -> {
            if (err != null) {
                result.setResult(error(unwrap(err)));
                return;
            }
            if (auth.isEmpty()) {
                result.setResult(unauthorized());
                return;
            }
            DeviceInfo device = auth.get().device();
            DeviceSession session = transport.openSession(device, listener.apply(device, result));
            result.onCompletion(session::close);
            if (result.isSetOrExpired()) {
                session.close();
                return;
            }
            subscribe.accept(session);
        });
        return result;
    }

    private CompletableFuture<ResponseEntity<Object>> withDevice(
            String token, Function<DeviceInfo, CompletableFuture<ResponseEntity<Object>>> action) {
        return transport.authenticate(CredentialsType.ACCESS_TOKEN, token)
                .thenCompose(auth -> auth.map(AuthenticatedDevice::device).map(action)
                        .orElseGet(() -> CompletableFuture.completedFuture(unauthorized())))
                .exceptionally(err -> error(unwrap(err)));
    }

    private byte[] readBody(HttpServletRequest request) {
        if (request.getContentLengthLong() > props.maxPayloadSize()) {
            throw new PayloadTooLarge();
        }
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes(props.maxPayloadSize() + 1);
            if (body.length > props.maxPayloadSize()) {
                throw new PayloadTooLarge();
            }
            return body;
        } catch (IOException e) {
            throw MoteException.badRequest("Could not read the request body");
        }
    }

    private static Collection<String> keys(String csv) {
        if (csv == null) {
            return null;
        }
        LinkedHashSet<String> keys = new LinkedHashSet<>();
        Arrays.stream(csv.split(",")).map(String::trim).filter(k -> !k.isEmpty()).forEach(keys::add);
        return keys;
    }

    private static ResponseEntity<Object> ok() {
        return ResponseEntity.ok().build();
    }

    private static ResponseEntity<Object> json(Object body) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(Json.write(body));
    }

    private static ResponseEntity<Object> unauthorized() {
        return ResponseEntity.status(HttpStatus.UNAUTHORIZED).build();
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    private static ResponseEntity<Object> error(Throwable t) {
        int status;
        String message;
        if (t instanceof PayloadTooLarge) {
            status = 413;
            message = "Payload is too large";
        } else if (t instanceof MoteException m) {
            status = m.errorCode().httpStatus();
            message = m.getMessage();
        } else {
            log.error("HTTP device API request failed", t);
            status = 500;
            message = "Internal server error";
        }
        ErrorCode code = t instanceof MoteException m ? m.errorCode() : ErrorCode.GENERAL;
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
                .body(Json.write(Json.errorBody(status, message, code.code())));
    }

    /** The body is over {@link HttpTransportProperties#maxPayloadSize()}. */
    private static final class PayloadTooLarge extends MoteException {
        PayloadTooLarge() {
            super(ErrorCode.BAD_REQUEST_PARAMS, "Payload is too large");
        }
    }
}
