package io.mote.core.security;

import java.security.SecureRandom;
import java.text.ParseException;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

import io.mote.common.error.ErrorCode;
import io.mote.common.error.MoteException;
import io.mote.dao.AdminSettingsDao;

/**
 * Issues and verifies the HS512-signed access and refresh tokens. The signing key is kept in the
 * database, so tokens stay valid across restarts and across nodes.
 */
@Service
public class JwtService {

    static final String REFRESH_SCOPE = "REFRESH_TOKEN";

    private final byte[] key;
    private final long accessTtlMs;
    private final long refreshTtlMs;

    public JwtService(AdminSettingsDao settings,
                      @Value("${mote.jwt.token-expiration-sec:9000}") long accessTtlSec,
                      @Value("${mote.jwt.refresh-token-expiration-sec:604800}") long refreshTtlSec) {
        byte[] fresh = new byte[64];
        new SecureRandom().nextBytes(fresh);
        this.key = Base64.getDecoder().decode(
                settings.putIfAbsent("jwt.signing-key", Base64.getEncoder().encodeToString(fresh)));
        this.accessTtlMs = accessTtlSec * 1000;
        this.refreshTtlMs = refreshTtlSec * 1000;
    }

    public JwtPair issue(SecurityUser user) {
        return new JwtPair(sign(user, List.of(user.authority().name()), accessTtlMs),
                sign(user, List.of(REFRESH_SCOPE), refreshTtlMs));
    }

    private String sign(SecurityUser user, List<String> scopes, long ttlMs) {
        long now = System.currentTimeMillis();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(user.email())
                .issuer("mote.io")
                .jwtID(UUID.randomUUID().toString())
                .issueTime(new Date(now))
                .expirationTime(new Date(now + ttlMs))
                .claim("scopes", scopes)
                .claim("userId", user.userId().toString())
                .claim("tenantId", user.tenantId() == null ? null : user.tenantId().toString())
                .claim("customerId", user.customerId() == null ? null : user.customerId().toString())
                .claim("enabled", true)
                .claim("isPublic", false)
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS512), claims);
        try {
            jwt.sign(new MACSigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /** Verifies an access token and returns the user id it names. */
    public UUID verifyAccess(String token) {
        return verify(token, false);
    }

    /** Verifies a refresh token and returns the user id it names. */
    public UUID verifyRefresh(String token) {
        return verify(token, true);
    }

    private UUID verify(String token, boolean refresh) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!jwt.verify(new MACVerifier(key))) {
                throw invalid();
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            if (claims.getExpirationTime() == null || claims.getExpirationTime().getTime() < System.currentTimeMillis()) {
                throw new MoteException(ErrorCode.JWT_TOKEN_EXPIRED, "Token has expired");
            }
            List<String> scopes = claims.getStringListClaim("scopes");
            boolean isRefresh = scopes != null && scopes.contains(REFRESH_SCOPE);
            if (isRefresh != refresh) {
                throw invalid();
            }
            return UUID.fromString(claims.getStringClaim("userId"));
        } catch (ParseException | JOSEException | IllegalArgumentException | NullPointerException e) {
            throw invalid();
        }
    }

    private static MoteException invalid() {
        return new MoteException(ErrorCode.AUTHENTICATION, "Invalid JWT token");
    }
}
