package io.mote.transport.lwm2m.rpc;

import java.util.Set;

import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.server.registration.Registration;
import tools.jackson.databind.JsonNode;

/**
 * The content format of a composite operation (Read-Composite, Observe-Composite, Write-Composite): only
 * SenML JSON (110) and SenML CBOR (112) carry one. An explicit {@code contentFormat} parameter wins;
 * otherwise SenML CBOR when the client announced it at registration ({@code </>;ct=...}), else SenML JSON.
 */
public final class CompositeFormats {

    private CompositeFormats() {
    }

    /** The format the client announced for composite operations, or null when it announced neither. */
    public static ContentFormat announced(Registration r) {
        Set<ContentFormat> formats = r.getSupportedContentFormats();
        if (formats == null) {
            return null;
        }
        if (formats.contains(ContentFormat.SENML_CBOR)) {
            return ContentFormat.SENML_CBOR;
        }
        return formats.contains(ContentFormat.SENML_JSON) ? ContentFormat.SENML_JSON : null;
    }

    /** The format of a composite RPC: the explicit {@code contentFormat} or the announced one; refused when neither. */
    static ContentFormat of(JsonNode params, Registration r) {
        ContentFormat explicit = Paths.format(params);
        if (explicit != null) {
            if (explicit != ContentFormat.SENML_JSON && explicit != ContentFormat.SENML_CBOR) {
                throw Refused.badRequest("contentFormat " + explicit.getName()
                        + " cannot carry a composite operation; use SENML_JSON or SENML_CBOR");
            }
            return explicit;
        }
        ContentFormat f = announced(r);
        if (f == null) {
            throw Refused.badRequest("The client announced no composite content format (SenML JSON ct=110 or "
                    + "SenML CBOR ct=112) at registration: it announced " + r.getSupportedContentFormats());
        }
        return f;
    }
}
