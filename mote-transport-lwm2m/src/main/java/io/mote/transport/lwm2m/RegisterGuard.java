package io.mote.transport.lwm2m;

import java.util.List;

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

/**
 * Stands in front of Leshan's registration interface resource ({@code /rd}): Register and Update carry
 * their lifetime ({@code lt}) and binding ({@code b}) as query parameters, which Leshan parses by
 * throwing, answering 5.00 with a stack trace per datagram. Those are checked here first and answered 4.00
 * Bad Request with one rate-limited line; everything else goes to Leshan unchanged.
 */
final class RegisterGuard extends CoapResource {

    private static final RateLimitedLog refusals = new RateLimitedLog(LoggerFactory.getLogger(RegisterGuard.class));

    private final Resource leshan;

    private RegisterGuard(Resource leshan) {
        super(leshan.getName());
        this.leshan = leshan;
        getAttributes().addResourceType("core.rd");
    }

    /** Puts the guard in place of the server's {@code rd} resource. */
    static void install(CoapServer server) {
        Resource rd = server.getRoot().getChild("rd");
        if (rd == null || rd instanceof RegisterGuard) {
            return;
        }
        server.getRoot().delete(rd);
        server.add(new RegisterGuard(rd));
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
        }
        leshan.handleRequest(exchange);
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
