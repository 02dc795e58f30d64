package io.mote.rest.auth;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.servlet.HandlerInterceptor;

import io.mote.common.error.ErrorCode;
import io.mote.common.error.MoteException;
import io.mote.core.security.AuthService;
import io.mote.core.security.SecurityUser;

/**
 * Authenticates REST calls from {@code X-Authorization: Bearer <jwt>} or {@code X-Authorization: ApiKey
 * <key>}. It is registered for the operator API only: login, token refresh, activation, the WebSocket
 * (which carries its token in the URL) and the device APIs need no user. A failure answers 401 with
 * the error body.
 */
public class AuthInterceptor implements HandlerInterceptor {

    public static final String USER_ATTRIBUTE = "mote.securityUser";
    public static final String HEADER = "X-Authorization";

    private final AuthService auth;

    public AuthInterceptor(AuthService auth) {
        this.auth = auth;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        request.setAttribute(USER_ATTRIBUTE, authenticate(auth, request));
        return true;
    }

    /** The caller of a request, from its {@code X-Authorization} (or {@code Authorization}) header. */
    static SecurityUser authenticate(AuthService auth, HttpServletRequest request) {
        String header = request.getHeader(HEADER);
        if (header == null) {
            header = request.getHeader("Authorization");
        }
        return authenticate(auth, header);
    }

    private static SecurityUser authenticate(AuthService auth, String header) {
        if (header == null || header.isBlank()) {
            throw new MoteException(ErrorCode.AUTHENTICATION, "Authentication failed");
        }
        String h = header.trim();
        if (h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return auth.authenticateJwt(h.substring(7).trim());
        }
        if (h.regionMatches(true, 0, "ApiKey ", 0, 7)) {
            return auth.authenticateApiKey(h.substring(7).trim());
        }
        throw new MoteException(ErrorCode.AUTHENTICATION, "Authentication failed");
    }
}
