package io.mote.transport.coap;

import tools.jackson.databind.JsonNode;

import io.mote.common.json.Json;
import io.mote.transport.api.TransportConfiguration;
import io.mote.transport.api.proto.ProfileProtos;

/**
 * What the CoAP transport reads from a device profile's {@code COAP} transport configuration (and the
 * device's own, which overrides the power settings): the payload type and the power mode. For PROTOBUF
 * payloads, {@code protos} holds the profile's compiled schemas (shared by all devices of the profile);
 * it is null for JSON.
 *
 * <p>Reachability: DRX (and no power mode) is always reachable. PSM is reachable for
 * {@code psmActivityTimer} ms after each uplink. E_DRX is reachable for {@code pagingTransmissionWindow}
 * ms after each uplink and in a window of that length at every {@code edrxCycle} ms after it.
 */
record ClientSettings(ProfileProtos protos, String powerMode, long psmActivityTimer, long edrxCycle,
                      long pagingTransmissionWindow) {

    static final ClientSettings DEFAULT = new ClientSettings(null, "DRX", 10_000, 81_920, 10_000);

    static ClientSettings of(TransportConfiguration tc) {
        JsonNode profile = parse(tc.profile());
        JsonNode device = parse(tc.device());
        boolean coap = "COAP".equals(profile.path("type").asString(""));
        JsonNode payload = profile.path("coapDeviceTypeConfiguration").path("transportPayloadTypeConfiguration");
        ProfileProtos protos = coap && "PROTOBUF".equals(payload.path("transportPayloadType").asString(""))
                ? ProfileProtos.of(payload) : null;
        JsonNode client = coap ? profile.path("clientSettings") : Json.object();
        JsonNode own = "COAP".equals(device.path("type").asString("")) ? device : Json.object();
        String mode = text(own, "powerMode", text(client, "powerMode", "DRX"));
        return new ClientSettings(protos, mode,
                number(own, "psmActivityTimer", number(client, "psmActivityTimer", DEFAULT.psmActivityTimer)),
                number(own, "edrxCycle", number(client, "edrxCycle", DEFAULT.edrxCycle)),
                number(own, "pagingTransmissionWindow", number(client, "pagingTransmissionWindow",
                        DEFAULT.pagingTransmissionWindow)));
    }

    boolean protobuf() {
        return protos != null;
    }

    /** Whether a device last heard at {@code lastUplink} can receive now. */
    boolean reachable(long lastUplink, long now) {
        long since = now - lastUplink;
        return switch (powerMode) {
            case "PSM" -> since < psmActivityTimer;
            case "E_DRX" -> since < pagingTransmissionWindow
                    || (edrxCycle > 0 && since % edrxCycle < pagingTransmissionWindow);
            default -> true;
        };
    }

    /** When a device that is unreachable now becomes reachable without an uplink (-1: only by an uplink). */
    long nextWindow(long lastUplink, long now) {
        if (!"E_DRX".equals(powerMode) || edrxCycle <= 0) {
            return -1;
        }
        long since = now - lastUplink;
        return lastUplink + (since / edrxCycle + 1) * edrxCycle;
    }

    private static JsonNode parse(String text) {
        try {
            return text == null || text.isBlank() ? Json.object() : Json.parse(text);
        } catch (RuntimeException e) {
            return Json.object();
        }
    }

    private static String text(JsonNode n, String field, String dflt) {
        JsonNode v = n.get(field);
        return v != null && v.isString() && !v.asString().isEmpty() ? v.asString() : dflt;
    }

    private static long number(JsonNode n, String field, long dflt) {
        JsonNode v = n.get(field);
        return v != null && v.isNumber() && v.asLong() > 0 ? v.asLong() : dflt;
    }
}
