package io.mote.transport.lwm2m;

import java.util.Set;

import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.server.resources.Resource;
import org.slf4j.LoggerFactory;

import io.mote.common.log.RateLimitedLog;

/**
 * Stands in front of Leshan's Send resource ({@code /dp}): a Send in a content format without timestamped
 * values (none, CBOR, TLV, plain text...) made Leshan's decoder fail building its own error message, which
 * answered 5.00 with a stack trace per datagram. Only the SenML formats LwM2M defines for Send (RFC 8428
 * JSON and CBOR) with a payload reach Leshan; others are answered 4.15 (4.00 without a format or a payload) with
 * one rate-limited line.
 */
final class SendGuard extends CoapResource {

    private static final RateLimitedLog refusals = new RateLimitedLog(LoggerFactory.getLogger(SendGuard.class));
    private static final Set<Integer> FORMATS = Set.of(MediaTypeRegistry.APPLICATION_SENML_JSON,
            MediaTypeRegistry.APPLICATION_SENML_CBOR);

    private final Resource leshan;

    private SendGuard(Resource leshan) {
        super(leshan.getName());
        this.leshan = leshan;
    }

    /** Puts the guard in place of the server's {@code dp} resource. */
    static void install(CoapServer server) {
        Resource dp = server.getRoot().getChild("dp");
        if (dp == null || dp instanceof SendGuard) {
            return;
        }
        server.getRoot().delete(dp);
        server.add(new SendGuard(dp));
    }

    @Override
    public Resource getChild(String name) {
        return leshan.getChild(name);
    }

    @Override
    public void handleRequest(Exchange exchange) {
        Request request = exchange.getRequest();
        int format = request.getOptions().getContentFormat();
        if (FORMATS.contains(format) && request.getPayloadSize() > 0) {
            leshan.handleRequest(exchange);
            return;
        }
        // An empty SenML document made Leshan's decoder fail and answer 5.00 (found by the fuzzer).
        String problem = FORMATS.contains(format) ? "Send without a payload: nothing to store"
                : format == MediaTypeRegistry.UNDEFINED
                ? "Send needs a Content-Format: SenML JSON (110) or SenML CBOR (112)"
                : "Send in Content-Format " + format + " is not supported: use SenML JSON (110) or SenML CBOR (112)";
        refusals.info("LwM2M Send from {} refused: {}", request.getSourceContext().getPeerAddress(), problem);
        Response r = new Response(format == MediaTypeRegistry.UNDEFINED || FORMATS.contains(format) ? ResponseCode.BAD_REQUEST
                : ResponseCode.UNSUPPORTED_CONTENT_FORMAT);
        r.setPayload(problem);
        r.getOptions().setContentFormat(MediaTypeRegistry.TEXT_PLAIN);
        exchange.sendResponse(r);
    }
}
