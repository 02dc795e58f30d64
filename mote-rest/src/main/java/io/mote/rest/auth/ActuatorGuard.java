package io.mote.rest.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

import io.mote.common.error.ErrorCode;
import io.mote.common.error.MoteException;
import io.mote.common.json.Json;
import io.mote.core.security.AuthService;

/**
 * The actuator on the application port: {@code /actuator/health} is public (load balancers, probes);
 * every other endpoint (metrics, Prometheus, the index) is for whom {@code access} lets through: on a core
 * node a SYS_ADMIN's token or API key ({@link #sysAdminOnly}); on a transport node, which has no accounts,
 * nobody. With {@code management.server.port} set, the actuator runs on that port instead and this filter is
 * not on it.
 */
public class ActuatorGuard extends OncePerRequestFilter {

    /** Why a request is refused, or null to let it through. */
    public interface Access {
        MoteException refusal(HttpServletRequest request);
    }

    private final Access access;
    private final String basePath;

    public ActuatorGuard(Access access, String basePath) {
        this.access = access;
        this.basePath = basePath;
    }

    /** Lets a SYS_ADMIN through; anyone else gets 401 (no or bad credentials) or 403. */
    public static Access sysAdminOnly(AuthService auth) {
        return request -> {
            try {
                return AuthInterceptor.authenticate(auth, request).isSysAdmin() ? null
                        : new MoteException(ErrorCode.PERMISSION_DENIED, "You don't have permission to perform this operation!");
            } catch (MoteException e) {
                return e;
            }
        };
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        // The decoded, normalised path without path parameters: "/actuator;x=1/prometheus" is the same endpoint.
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        if (!path.equals(basePath) && !path.startsWith(basePath + "/")
                || path.equals(basePath + "/health") || path.startsWith(basePath + "/health/")) {
            chain.doFilter(request, response);
            return;
        }
        MoteException refusal = access.refusal(request);
        if (refusal == null) {
            chain.doFilter(request, response);
            return;
        }
        int status = refusal.errorCode().httpStatus();
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.getOutputStream().write(Json.write(Json.errorBody(status, refusal.getMessage(),
                refusal.errorCode().code())).getBytes(StandardCharsets.UTF_8));
    }
}
