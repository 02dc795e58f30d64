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
import io.mote.core.security.SecurityUser;

/**
 * The actuator on the application port: {@code /actuator/health} is public (load balancers, probes);
 * every other endpoint (metrics, Prometheus, the index) needs a SYS_ADMIN's token or API key. With
 * {@code management.server.port} set, the actuator runs on that port instead and this filter is not on it.
 */
public class ActuatorGuard extends OncePerRequestFilter {

    private final AuthService auth;
    private final String basePath;

    public ActuatorGuard(AuthService auth, String basePath) {
        this.auth = auth;
        this.basePath = basePath;
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
        MoteException refusal;
        try {
            SecurityUser user = AuthInterceptor.authenticate(auth, request);
            if (user.isSysAdmin()) {
                chain.doFilter(request, response);
                return;
            }
            refusal = new MoteException(ErrorCode.PERMISSION_DENIED,
                    "You don't have permission to perform this operation!");
        } catch (MoteException e) {
            refusal = e;
        }
        int status = refusal.errorCode().httpStatus();
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.getOutputStream().write(Json.write(Json.errorBody(status, refusal.getMessage(),
                refusal.errorCode().code())).getBytes(StandardCharsets.UTF_8));
    }
}
