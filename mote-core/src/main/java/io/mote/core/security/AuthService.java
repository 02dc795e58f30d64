package io.mote.core.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.stereotype.Service;

import io.mote.common.entity.PageData;
import io.mote.common.entity.PageLink;
import io.mote.common.entity.User;
import io.mote.common.error.ErrorCode;
import io.mote.common.error.MoteException;
import io.mote.common.id.EntityId;
import io.mote.common.id.EntityType;
import io.mote.dao.ApiKeyDao;
import io.mote.dao.UserDao;

/** Login, token refresh, API keys and the password store. */
@Service
public class AuthService {

    private static final String API_KEY_PREFIX = "mote_";

    private final UserDao users;
    private final ApiKeyDao apiKeys;
    private final JwtService jwt;
    private final LoginThrottle throttle;
    private final BCryptPasswordEncoder encoder = new BCryptPasswordEncoder();
    private final SecureRandom random = new SecureRandom();
    /**
     * Compared against when the user does not exist, so a login takes as long either way. Hashed off the
     * start-up's path (a BCrypt round costs a few hundred ms of the main thread otherwise).
     */
    private final CompletableFuture<String> dummyHash;

    public AuthService(UserDao users, ApiKeyDao apiKeys, JwtService jwt, LoginThrottle throttle) {
        this.users = users;
        this.apiKeys = apiKeys;
        this.jwt = jwt;
        this.throttle = throttle;
        this.dummyHash = CompletableFuture.supplyAsync(() -> encoder.encode(UUID.randomUUID().toString()));
    }

    /** Logs in from {@code address} (the client's IP, for throttling; null when unknown). */
    public JwtPair login(String username, String password, String address) {
        if (username == null || password == null) {
            throw badCredentials();
        }
        throttle.check(username, address);
        User user = users.findByEmail(username.trim()).orElse(null);
        UserDao.Credentials creds = user == null ? null : users.credentials(user.id().id()).orElse(null);
        String hash = creds == null || creds.passwordHash() == null ? dummyHash.join() : creds.passwordHash();
        boolean matches = encoder.matches(password, hash);
        if (creds == null || creds.passwordHash() == null || !matches) {
            throttle.failed(username, address);
            throw badCredentials();
        }
        throttle.succeeded(username, address);
        if (!creds.enabled()) {
            throw new MoteException(ErrorCode.AUTHENTICATION, "User is not active");
        }
        return jwt.issue(toSecurityUser(user));
    }

    public JwtPair refresh(String refreshToken) {
        if (refreshToken == null || refreshToken.isBlank()) {
            throw MoteException.badRequest("refreshToken is required");
        }
        return jwt.issue(loadUser(jwt.verifyRefresh(refreshToken)));
    }

    /** Authenticates an {@code X-Authorization: Bearer} token. */
    public SecurityUser authenticateJwt(String token) {
        return loadUser(jwt.verifyAccess(token));
    }

    /** Authenticates an {@code X-Authorization: ApiKey} value. */
    public SecurityUser authenticateApiKey(String value) {
        ApiKeyDao.ApiKeyRow key = apiKeys.findByHash(hash(value))
                .orElseThrow(() -> new MoteException(ErrorCode.AUTHENTICATION, "Invalid API key"));
        if (!key.enabled()) {
            throw new MoteException(ErrorCode.AUTHENTICATION, "API key is disabled");
        }
        if (key.expirationTime() > 0 && key.expirationTime() < System.currentTimeMillis()) {
            throw new MoteException(ErrorCode.AUTHENTICATION, "API key has expired");
        }
        return loadUser(key.userId());
    }

    public SecurityUser loadUser(UUID userId) {
        User user = users.find(userId).orElseThrow(() -> new MoteException(ErrorCode.AUTHENTICATION,
                "User not found"));
        UserDao.Credentials creds = users.credentials(userId).orElse(null);
        if (creds == null || !creds.enabled()) {
            throw new MoteException(ErrorCode.AUTHENTICATION, "User is not active");
        }
        return toSecurityUser(user);
    }

    public static SecurityUser toSecurityUser(User u) {
        return new SecurityUser(u.id().id(), u.email(), u.authority(),
                u.tenantId() == null || u.tenantId().isNull() ? null : u.tenantId().id(),
                u.customerId() == null || u.customerId().isNull() ? null : u.customerId().id());
    }

    public String hashPassword(String password) {
        return encoder.encode(password);
    }

    public boolean passwordMatches(String password, String hash) {
        return hash != null && encoder.matches(password, hash);
    }

    // ---- API keys ----

    public ApiKeyInfo createApiKey(SecurityUser user, String description, Long expirationTime) {
        if (description != null && description.length() > 1024) {
            throw MoteException.invalid("description is longer than 1024 characters");
        }
        long exp = expirationTime == null ? 0 : expirationTime;
        if (exp != 0 && exp < System.currentTimeMillis()) {
            throw MoteException.invalid("expirationTime must be in the future (or 0 for none)");
        }
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String value = API_KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        ApiKeyDao.ApiKeyRow row = new ApiKeyDao.ApiKeyRow(UUID.randomUUID(), System.currentTimeMillis(),
                user.userId(), description, hash(value), exp, true);
        apiKeys.save(row);
        return info(row, value);
    }

    public PageData<ApiKeyInfo> listApiKeys(SecurityUser user, PageLink link) {
        return apiKeys.pageByUser(user.userId(), link).map(r -> info(r, null));
    }

    public ApiKeyInfo setApiKeyEnabled(SecurityUser user, UUID id, boolean enabled) {
        ApiKeyDao.ApiKeyRow row = ownKey(user, id);
        ApiKeyDao.ApiKeyRow updated = new ApiKeyDao.ApiKeyRow(row.id(), row.createdTime(), row.userId(),
                row.description(), row.valueHash(), row.expirationTime(), enabled);
        apiKeys.save(updated);
        return info(updated, null);
    }

    public void deleteApiKey(SecurityUser user, UUID id) {
        ownKey(user, id);
        apiKeys.delete(id);
    }

    private ApiKeyDao.ApiKeyRow ownKey(SecurityUser user, UUID id) {
        ApiKeyDao.ApiKeyRow row = apiKeys.find(id).orElseThrow(MoteException::notFound);
        if (!row.userId().equals(user.userId())) {
            throw MoteException.notFound();
        }
        return row;
    }

    private static ApiKeyInfo info(ApiKeyDao.ApiKeyRow r, String value) {
        return new ApiKeyInfo(new EntityId(EntityType.API_KEY, r.id()), r.createdTime(),
                new EntityId(EntityType.USER, r.userId()), r.description(), r.expirationTime(), r.enabled(), value);
    }

    private static String hash(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MoteException badCredentials() {
        return new MoteException(ErrorCode.AUTHENTICATION, "Invalid username or password");
    }
}
