package io.mote.rest.controller;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import io.mote.core.claim.ClaimResponse;
import io.mote.core.claim.ClaimResult;
import io.mote.core.claim.ClaimService;
import io.mote.core.security.SecurityUser;

/**
 * Claiming devices by name. As in ThingsBoard, a successful claim answers 200 with
 * {@code {"device":{..},"response":"SUCCESS"}} and an unsuccessful one 400 with the bare
 * {@code "FAILURE"} or {@code "CLAIMED"}.
 */
@RestController
public class ClaimController {

    public record ClaimRequest(String secretKey) {
    }

    private final ClaimService claims;

    public ClaimController(ClaimService claims) {
        this.claims = claims;
    }

    @PostMapping("/api/customer/device/{deviceName}/claim")
    public ResponseEntity<Object> claim(SecurityUser user, @PathVariable String deviceName,
                                        @RequestBody(required = false) ClaimRequest request) {
        ClaimResult result = claims.claim(user, deviceName, request == null ? null : request.secretKey());
        return result.response() == ClaimResponse.SUCCESS
                ? ResponseEntity.ok(result)
                : ResponseEntity.status(HttpStatus.BAD_REQUEST).body(result.response());
    }

    @DeleteMapping("/api/customer/device/{deviceName}/claim")
    public void reclaim(SecurityUser user, @PathVariable String deviceName) {
        claims.reclaim(user, deviceName);
    }
}
