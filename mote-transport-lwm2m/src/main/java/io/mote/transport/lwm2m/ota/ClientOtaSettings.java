package io.mote.transport.lwm2m.ota;

import tools.jackson.databind.JsonNode;

import io.mote.common.json.Json;

/**
 * The update settings of a profile's {@code clientLwM2mSettings}, as ThingsBoard names them:
 * {@code fwUpdateStrategy} 1 (push into /5/0/0), 2 (Package URI /5/0/1), 3 (through Object 19);
 * {@code swUpdateStrategy} 1 (push into /9/0/2), 2 (Package URI /9/0/3); {@code fwUpdateResource} /
 * {@code swUpdateResource}, the base of the Package URIs; {@code useObject19ForOtaInfo}.
 */
record ClientOtaSettings(int fwUpdateStrategy, int swUpdateStrategy, String fwUpdateResource, String swUpdateResource,
                         boolean useObject19ForOtaInfo) {

    static final ClientOtaSettings DEFAULT = new ClientOtaSettings(1, 1, "", "", false);

    /** From the profile's transport configuration JSON (null or unreadable: the defaults). */
    static ClientOtaSettings parse(String profileJson) {
        if (profileJson == null || profileJson.isBlank()) {
            return DEFAULT;
        }
        JsonNode s = Json.parse(profileJson).path("clientLwM2mSettings");
        return new ClientOtaSettings(s.path("fwUpdateStrategy").asInt(1), s.path("swUpdateStrategy").asInt(1),
                s.path("fwUpdateResource").asString(""), s.path("swUpdateResource").asString(""),
                s.path("useObject19ForOtaInfo").asBoolean(false));
    }

    int strategy(UpdateObject object) {
        return object == UpdateObject.FIRMWARE ? fwUpdateStrategy : swUpdateStrategy;
    }

    String resource(UpdateObject object) {
        return object == UpdateObject.FIRMWARE ? fwUpdateResource : swUpdateResource;
    }
}
