package io.mote.rest.controller;

import java.util.UUID;

import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.mote.common.entity.PageData;
import io.mote.core.security.ApiKeyInfo;
import io.mote.core.security.AuthService;
import io.mote.core.security.SecurityUser;

/** The caller's own API keys, used as {@code X-Authorization: ApiKey <value>}. */
@RestController
public class ApiKeyController {

    public record CreateApiKey(String description, Long expirationTime) {
    }

    private final AuthService auth;

    public ApiKeyController(AuthService auth) {
        this.auth = auth;
    }

    @PostMapping("/api/apiKey")
    public ApiKeyInfo create(SecurityUser user, @RequestBody CreateApiKey request) {
        return auth.createApiKey(user, request.description(), request.expirationTime());
    }

    @GetMapping("/api/apiKeys")
    public PageData<ApiKeyInfo> list(SecurityUser user, @RequestParam int pageSize, @RequestParam int page,
                                     @RequestParam(required = false) String textSearch,
                                     @RequestParam(required = false) String sortProperty,
                                     @RequestParam(required = false) String sortOrder) {
        return auth.listApiKeys(user, Pages.link(pageSize, page, textSearch, sortProperty, sortOrder));
    }

    @PutMapping("/api/apiKey/{id}/enabled/{enabled}")
    public ApiKeyInfo enable(SecurityUser user, @PathVariable UUID id, @PathVariable boolean enabled) {
        return auth.setApiKeyEnabled(user, id, enabled);
    }

    @DeleteMapping("/api/apiKey/{id}")
    public void delete(SecurityUser user, @PathVariable UUID id) {
        auth.deleteApiKey(user, id);
    }
}
