package io.mote.rest.controller;

import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import io.mote.common.entity.PageData;
import io.mote.common.entity.User;
import io.mote.core.security.SecurityUser;
import io.mote.core.tenant.UserService;

@RestController
public class UserController {

    private final UserService users;

    public UserController(UserService users) {
        this.users = users;
    }

    @PostMapping("/api/user")
    public User save(SecurityUser caller, @RequestBody User user,
                     @RequestParam(required = false, defaultValue = "false") boolean sendActivationMail) {
        return users.save(caller, user);
    }

    @GetMapping("/api/user/{userId}")
    public User get(SecurityUser caller, @PathVariable UUID userId) {
        return users.get(caller, userId);
    }

    @DeleteMapping("/api/user/{userId}")
    public void delete(SecurityUser caller, @PathVariable UUID userId) {
        users.delete(caller, userId);
    }

    /** The link a new user opens to choose a password; its token goes to {@code POST /api/noauth/activate}. */
    @GetMapping(value = "/api/user/{userId}/activationLink", produces = "text/plain")
    public String activationLink(SecurityUser caller, @PathVariable UUID userId, HttpServletRequest request) {
        String token = users.activationToken(caller, userId);
        return ServletUriComponentsBuilder.fromContextPath(request).path("/api/noauth/activate")
                .queryParam("activateToken", token).toUriString();
    }

    @GetMapping("/api/tenant/{tenantId}/users")
    public PageData<User> tenantAdmins(SecurityUser caller, @PathVariable UUID tenantId, @RequestParam int pageSize,
                                       @RequestParam int page, @RequestParam(required = false) String textSearch,
                                       @RequestParam(required = false) String sortProperty,
                                       @RequestParam(required = false) String sortOrder) {
        return users.tenantAdmins(caller, tenantId, Pages.link(pageSize, page, textSearch, sortProperty, sortOrder));
    }

    @GetMapping("/api/customer/{customerId}/users")
    public PageData<User> customerUsers(SecurityUser caller, @PathVariable UUID customerId, @RequestParam int pageSize,
                                        @RequestParam int page, @RequestParam(required = false) String textSearch,
                                        @RequestParam(required = false) String sortProperty,
                                        @RequestParam(required = false) String sortOrder) {
        return users.customerUsers(caller, customerId, Pages.link(pageSize, page, textSearch, sortProperty, sortOrder));
    }
}
