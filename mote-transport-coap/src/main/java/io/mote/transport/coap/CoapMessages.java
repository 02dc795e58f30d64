package io.mote.transport.coap;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.BlockOption;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.OptionSet;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.observe.ObserveRelation;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.core.server.resources.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.entity.CredentialsType;
import io.mote.common.error.MoteException;
import io.mote.common.json.Json;
import io.mote.common.json.KvJson;
import io.mote.common.kv.KvEntry;
import io.mote.common.kv.TsKvEntry;
import io.mote.transport.api.DeviceInfo;
import io.mote.transport.api.DevicePayloads;
import io.mote.transport.api.OtaPackageRef;
import io.mote.transport.api.OtaPackageType;
import io.mote.transport.api.TransportService;
import io.mote.transport.api.proto.DeviceApiProtos;
import io.mote.transport.api.proto.ProfileProtos;
import io.mote.transport.api.proto.ProtoJson;
import io.mote.transport.dtls.DeviceIdentity;

/** Reading CoAP request bodies and parameters, and building the device API's answers. */
final class CoapMessages {

    private static final Logger log = LoggerFactory.getLogger(CoapDeviceApi.class);

    private CoapMessages() {
    }

    /**
     * The payload type of the device's profile for a body it sends: null for JSON (a body marked
     * application/octet-stream is refused), or the profile's compiled schemas for PROTOBUF (a body marked
     * application/json is refused; unmarked and text bodies are read as protobuf, as devices built for
     * ThingsBoard may not mark them).
     */
    static ProfileProtos payloadFormat(CoapExchange ex, CoapDeviceApi.Ctx d) {
        ProfileProtos protos = d.state().settings.protos();
        OptionSet o = ex.getRequestOptions();
        int cf = o.hasContentFormat() ? o.getContentFormat() : MediaTypeRegistry.UNDEFINED;
        if (protos == null && cf == MediaTypeRegistry.APPLICATION_OCTET_STREAM) {
            throw new CoapError(ResponseCode.UNSUPPORTED_CONTENT_FORMAT,
                    "The device profile uses JSON payloads; send application/json");
        }
        if (protos != null && cf == MediaTypeRegistry.APPLICATION_JSON) {
            throw new CoapError(ResponseCode.UNSUPPORTED_CONTENT_FORMAT,
                    "The device profile uses PROTOBUF payloads; send the protobuf message as application/octet-stream");
        }
        return protos;
    }

    /** Claim and provisioning bodies are JSON for every profile. */
    static void jsonOnly(CoapExchange ex) {
        OptionSet o = ex.getRequestOptions();
        if (o.hasContentFormat() && o.getContentFormat() == MediaTypeRegistry.APPLICATION_OCTET_STREAM) {
            throw new CoapError(ResponseCode.UNSUPPORTED_CONTENT_FORMAT, "Send application/json");
        }
    }

    static byte[] body(CoapExchange ex) {
        byte[] p = ex.getRequestPayload();
        return p == null ? new byte[0] : p;
    }

    static JsonNode jsonBody(CoapExchange ex) {
        return Json.parse(body(ex));
    }

    /** RPC params given as text: the JSON they hold, or the text itself when it is not JSON. */
    static JsonNode jsonOrText(String params) {
        try {
            return Json.parse(params);
        } catch (RuntimeException e) {
            return tools.jackson.databind.node.JsonNodeFactory.instance.stringNode(params);
        }
    }

    static int intParam(CoapExchange ex, String name, int dflt) {
        String v = ex.getQueryParameter(name);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new CoapError(ResponseCode.BAD_REQUEST, "Query parameter " + name + " must be a non-negative integer");
        }
    }

    static Collection<String> keys(String csv) {
        if (csv == null) {
            return null;
        }
        LinkedHashSet<String> keys = new LinkedHashSet<>();
        Arrays.stream(csv.split(",")).map(String::trim).filter(k -> !k.isEmpty()).forEach(keys::add);
        return keys;
    }

    static Response json(ResponseCode code, Object body) {
        Response r = new Response(code);
        r.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_JSON);
        r.setPayload(Json.write(body));
        return r;
    }

    static Response bytes(ResponseCode code, byte[] body) {
        Response r = new Response(code);
        r.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_OCTET_STREAM);
        r.setPayload(body);
        return r;
    }

    /** An error in CoAP terms: the code and a plain-text diagnostic payload. */
    static Response error(Throwable t) {
        Throwable e = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        ResponseCode code;
        String message;
        if (e instanceof CoapError c) {
            code = c.code;
            message = c.getMessage();
        } else if (e instanceof MoteException m) {
            message = m.getMessage();
            code = switch (m.errorCode()) {
                case BAD_REQUEST_PARAMS, INVALID_ARGUMENTS -> ResponseCode.BAD_REQUEST;
                case AUTHENTICATION, JWT_TOKEN_EXPIRED -> ResponseCode.UNAUTHORIZED;
                case PERMISSION_DENIED, SUBSCRIPTION_VIOLATION -> ResponseCode.FORBIDDEN;
                case ITEM_NOT_FOUND -> ResponseCode.NOT_FOUND;
                case TOO_MANY_REQUESTS, TOO_MANY_UPDATES -> ResponseCode.TOO_MANY_REQUESTS;
                case SERVICE_UNAVAILABLE -> ResponseCode.SERVICE_UNAVAILABLE;
                case VERSION_CONFLICT -> ResponseCode.CONFLICT;
                default -> ResponseCode.INTERNAL_SERVER_ERROR;
            };
        } else {
            log.error("CoAP device API request failed", e);
            code = ResponseCode.INTERNAL_SERVER_ERROR;
            message = "Internal server error";
        }
        Response r = new Response(code);
        r.getOptions().setContentFormat(MediaTypeRegistry.TEXT_PLAIN);
        r.setPayload(message);
        return r;
    }
}
