package io.mote.rest.controller;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import org.springframework.web.util.UriUtils;

import io.mote.common.entity.User;
import io.mote.core.security.AuthService;
import io.mote.core.security.JwtPair;
import io.mote.core.security.SecurityUser;
import io.mote.core.tenant.UserService;

@RestController
public class AuthController {

    public record LoginRequest(String username, String password) {
    }

    public record RefreshRequest(String refreshToken) {
    }

    public record ActivateRequest(String activateToken, String password) {
    }

    public record ChangePasswordRequest(String currentPassword, String newPassword) {
    }

    private final AuthService auth;
    private final UserService users;

    public AuthController(AuthService auth, UserService users) {
        this.auth = auth;
        this.users = users;
    }

    @PostMapping("/api/auth/login")
    public JwtPair login(@RequestBody LoginRequest request, HttpServletRequest http) {
        return auth.login(request.username(), request.password(), http.getRemoteAddr());
    }

    @PostMapping("/api/auth/token")
    public JwtPair refresh(@RequestBody RefreshRequest request) {
        return auth.refresh(request.refreshToken());
    }

    @GetMapping("/api/auth/user")
    public User user(SecurityUser user) {
        return users.get(user, user.userId());
    }

    @PostMapping("/api/auth/logout")
    public void logout(SecurityUser user) {
        // Tokens are stateless; the client drops them.
    }

    @PostMapping("/api/auth/changePassword")
    public Map<String, Object> changePassword(SecurityUser user, @RequestBody ChangePasswordRequest request) {
        users.changePassword(user, request.currentPassword(), request.newPassword());
        return Map.of();
    }

    /**
     * The activation link a new user opens: as in ThingsBoard, a valid token is redirected (303) to the
     * page where the user chooses a password (the console's), an unknown or used one answers 409.
     */
    @GetMapping("/api/noauth/activate")
    public ResponseEntity<Void> checkActivateToken(@RequestParam(required = false) String activateToken,
                                                   HttpServletRequest request) {
        if (!users.activateTokenValid(activateToken)) {
            return ResponseEntity.status(HttpStatus.CONFLICT).build();
        }
        String page = ServletUriComponentsBuilder.fromContextPath(request).path("/")
                .fragment("/activate?activateToken=" + UriUtils.encodeQueryParam(activateToken, StandardCharsets.UTF_8))
                .toUriString();
        return ResponseEntity.status(HttpStatus.SEE_OTHER).location(URI.create(page)).build();
    }

    @PostMapping("/api/noauth/activate")
    public JwtPair activate(@RequestBody ActivateRequest request) {
        return users.activate(request.activateToken(), request.password());
    }
}
