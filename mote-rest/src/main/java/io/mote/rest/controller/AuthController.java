package io.mote.rest.controller;

import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

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
    public JwtPair login(@RequestBody LoginRequest request, jakarta.servlet.http.HttpServletRequest http) {
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

    @PostMapping("/api/noauth/activate")
    public JwtPair activate(@RequestBody ActivateRequest request) {
        return users.activate(request.activateToken(), request.password());
    }
}
