package io.mote.transport.lwm2m;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP.Code;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.server.resources.Resource;
import org.eclipse.leshan.core.request.BindingMode;
import org.slf4j.LoggerFactory;

import io.mote.common.log.RateLimitedLog;
import io.mote.transport.api.AuthenticatedDevice;

/**
 * Stands in front of Leshan's registration interface resource ({@code /rd}): Register and Update carry
 * their lifetime ({@code lt}) and binding ({@code b}) as query parameters, which Leshan parses by
 * throwing, answering 5.00 with a stack trace per datagram. Those are checked here first and answered 4.00
 * Bad Request with one rate-limited line; everything else goes to Leshan unchanged.
 * <p>
 * A Register's endpoint is looked up here, asynchronously, before Leshan sees the request: Leshan's
 * authorizer is synchronous, and waiting in it for the core held one of Californium's few protocol threads
 * per registration, so a registration storm was served at the pace of those threads (and the responses to
 * the server's own Observe requests queued behind it). The request goes to Leshan once the credentials
 * and the tenant's models are at hand; the authorizer takes the credentials from {@link #lookedUp}.
 */
final class RegisterGuard extends CoapResource {

    private static final RateLimitedLog refusals = new RateLimitedLog(LoggerFactory.getLogger(RegisterGuard.class));

    /** The endpoint's credentials, looked up before the Register went to Leshan on this thread. */
    private record LookedUp(String endpoint, Optional<AuthenticatedDevice> device) {
    }

    private static final ThreadLocal<LookedUp> LOOKED_UP = new ThreadLocal<>();

    private final Resource leshan;
    private final Function<String, CompletableFuture<Optional<AuthenticatedDevice>>> lookup;

    private RegisterGuard(Resource leshan, Function<String, CompletableFuture<Optional<AuthenticatedDevice>>> lookup) {
        super(leshan.getName());
        this.leshan = leshan;
        this.lookup = lookup;
        getAttributes().addResourceType("core.rd");
    }

    /**
     * Puts the guard in place of the server's {@code rd} resource; {@code lookup} finds an endpoint's
     * credentials (and has what else the authorizer needs ready) without blocking.
     */
    static void install(CoapServer server, Function<String, CompletableFuture<Optional<AuthenticatedDevice>>> lookup) {
        Resource rd = server.getRoot().getChild("rd");
        if (rd == null || rd instanceof RegisterGuard) {
            return;
        }
        server.getRoot().delete(rd);
        server.add(new RegisterGuard(rd, lookup));
    }

    /**
     * The credentials looked up for this endpoint before its Register reached the authorizer, or null when
     * there are none (the look-up failed or timed out: the authorizer looks up again and refuses as before).
     */
    static Optional<AuthenticatedDevice> lookedUp(String endpoint) {
        LookedUp l = LOOKED_UP.get();
        return l != null && l.endpoint().equals(endpoint) ? l.device() : null;
    }

    /** {@code /rd/{registrationId}} (Update, De-register) is served by the same resource. */
    @Override
    public Resource getChild(String name) {
        return this;
    }

    @Override
    public void handleRequest(Exchange exchange) {
        Request request = exchange.getRequest();
        if (request.getCode() == Code.POST) {
            String problem = problem(request.getOptions().getUriQuery());
            if (problem != null) {
                refusals.info("LwM2M registration from {} refused: {}", request.getSourceContext().getPeerAddress(),
                        problem);
                Response r = new Response(ResponseCode.BAD_REQUEST);
                r.setPayload(problem);
                r.getOptions().setContentFormat(MediaTypeRegistry.TEXT_PLAIN);
                exchange.sendResponse(r);
                return;
            }
            String endpoint = request.getOptions().getUriPath().size() == 1 ? endpoint(request.getOptions().getUriQuery())
                    : null;
            if (endpoint != null) {
                lookup.apply(endpoint).whenComplete((device, failure) -> exchange.execute(() -> {
                    LOOKED_UP.set(failure == null ? new LookedUp(endpoint, device) : null);
                    try {
                        leshan.handleRequest(exchange);
                    } finally {
                        LOOKED_UP.remove();
                    }
                }));
                return;
            }
        }
        leshan.handleRequest(exchange);
    }

    private static String endpoint(List<String> query) {
        for (String q : query) {
            if (q.startsWith("ep=")) {
                return q.substring(3);
            }
        }
        return null;
    }

    /** What is wrong with a Register or Update query, or null. */
    static String problem(List<String> query) {
        for (String q : query) {
            if (q.startsWith("lt=")) {
                String lt = q.substring(3);
                long v;
                try {
                    v = Long.parseLong(lt);
                } catch (NumberFormatException e) {
                    return "Lifetime (lt) must be a number of seconds";
                }
                if (v <= 0 || v > 0xFFFF_FFFFL) {
                    return "Lifetime (lt) must be between 1 and 4294967295 seconds";
                }
            } else if (q.startsWith("b=")) {
                try {
                    BindingMode.parse(q.substring(2));
                } catch (RuntimeException e) {
                    return "Binding (b) must be made of the letters U, T, S, N (and Q for LwM2M 1.0)";
                }
            } else if (q.startsWith("ep=") && q.length() == 3) {
                return "Endpoint name (ep) must not be empty";
            }
        }
        return null;
    }
}
