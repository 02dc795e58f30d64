package io.mote.rest.controller;

import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.entity.Device;
import io.mote.common.entity.PageData;
import io.mote.common.entity.RpcStatus;
import io.mote.common.error.ErrorCode;
import io.mote.common.error.MoteException;
import io.mote.common.json.Json;
import io.mote.core.device.DeviceService;
import io.mote.core.rpc.PersistentRpcService;
import io.mote.core.rpc.RpcOutcome;
import io.mote.core.rpc.RpcService;
import io.mote.core.security.SecurityUser;

/**
 * Server-side RPC. {@code /api/rpc/...} answers a timeout with 504, the legacy {@code /api/plugins/rpc/...}
 * with 408, as ThingsBoard does.
 */
@RestController
public class RpcController {

    private final RpcService rpc;
    private final PersistentRpcService persistent;
    private final DeviceService devices;

    public RpcController(RpcService rpc, PersistentRpcService persistent, DeviceService devices) {
        this.rpc = rpc;
        this.persistent = persistent;
        this.devices = devices;
    }

    @PostMapping("/api/rpc/oneway/{deviceId}")
    public CompletableFuture<ResponseEntity<String>> oneway(SecurityUser user, @PathVariable UUID deviceId,
                                                            @RequestBody byte[] body) {
        return call(user, deviceId, true, body, HttpStatus.GATEWAY_TIMEOUT);
    }

    @PostMapping("/api/rpc/twoway/{deviceId}")
    public CompletableFuture<ResponseEntity<String>> twoway(SecurityUser user, @PathVariable UUID deviceId,
                                                            @RequestBody byte[] body) {
        return call(user, deviceId, false, body, HttpStatus.GATEWAY_TIMEOUT);
    }

    @PostMapping("/api/plugins/rpc/oneway/{deviceId}")
    public CompletableFuture<ResponseEntity<String>> onewayV1(SecurityUser user, @PathVariable UUID deviceId,
                                                              @RequestBody byte[] body) {
        return call(user, deviceId, true, body, HttpStatus.REQUEST_TIMEOUT);
    }

    @PostMapping("/api/plugins/rpc/twoway/{deviceId}")
    public CompletableFuture<ResponseEntity<String>> twowayV1(SecurityUser user, @PathVariable UUID deviceId,
                                                              @RequestBody byte[] body) {
        return call(user, deviceId, false, body, HttpStatus.REQUEST_TIMEOUT);
    }

    private CompletableFuture<ResponseEntity<String>> call(SecurityUser user, UUID deviceId, boolean oneway,
                                                           byte[] body, HttpStatus timeoutStatus) {
        Device device = devices.get(user, deviceId);
        JsonNode request = Json.parse(body);
        return rpc.submit(device.tenantId().id(), deviceId, oneway, request)
                .thenApply(outcome -> toResponse(outcome, timeoutStatus));
    }

    private static ResponseEntity<String> toResponse(RpcOutcome outcome, HttpStatus timeoutStatus) {
        if (outcome instanceof RpcOutcome.Response r) {
            return respond(r.body());
        }
        if (outcome instanceof RpcOutcome.Persisted p) {
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                    .body(Json.write(Json.object().put("rpcId", p.rpcId().toString())));
        }
        if (outcome instanceof RpcOutcome.Delivered) {
            return ResponseEntity.ok().build();
        }
        // ThingsBoard answers a timeout with the bare status; the error body says which timeout it was.
        String message = outcome instanceof RpcOutcome.Timeout t ? t.message() : "RPC timed out";
        return ResponseEntity.status(timeoutStatus).contentType(MediaType.APPLICATION_JSON)
                .body(Json.write(Json.errorBody(timeoutStatus.value(), message, ErrorCode.GENERAL.code())));
    }

    /** The device's answer, as JSON when it is JSON. */
    private static ResponseEntity<String> respond(String body) {
        JsonNode json = PersistentRpcService.jsonOrText(body == null ? "" : body);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(Json.write(json));
    }

    @GetMapping("/api/rpc/persistent/{rpcId}")
    public ObjectNode get(SecurityUser user, @PathVariable UUID rpcId) {
        return persistent.get(user, rpcId);
    }

    @GetMapping("/api/rpc/persistent/device/{deviceId}")
    public PageData<ObjectNode> list(SecurityUser user, @PathVariable UUID deviceId, @RequestParam int pageSize,
                                     @RequestParam int page, @RequestParam(required = false) String rpcStatus,
                                     @RequestParam(required = false) String textSearch,
                                     @RequestParam(required = false) String sortProperty,
                                     @RequestParam(required = false) String sortOrder) {
        RpcStatus status = null;
        if (rpcStatus != null && !rpcStatus.isBlank()) {
            try {
                status = RpcStatus.valueOf(rpcStatus.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw MoteException.invalid("Invalid rpcStatus '" + rpcStatus + "'");
            }
        }
        return persistent.page(user, deviceId, status, Pages.link(pageSize, page, textSearch, sortProperty, sortOrder));
    }

    @DeleteMapping("/api/rpc/persistent/{rpcId}")
    public void delete(SecurityUser user, @PathVariable UUID rpcId) {
        persistent.delete(user, rpcId);
    }
}
