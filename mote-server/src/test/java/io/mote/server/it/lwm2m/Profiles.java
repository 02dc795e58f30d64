package io.mote.server.it.lwm2m;

import java.util.Map;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;
import io.mote.server.it.Api;

/** LWM2M device profiles and NO_SEC devices for the tests. */
public final class Profiles {

    private Profiles() {
    }

    /** A transport configuration: {@code keys} path → key name; paths listed as attributes, telemetry, observed. */
    public static ObjectNode transport(Map<String, String> keys, String[] attributes, String[] telemetry, String[] observe,
                                String strategy) {
        ObjectNode tc = Json.object().put("type", "LWM2M");
        ObjectNode oa = tc.putObject("observeAttr");
        ObjectNode kn = oa.putObject("keyName");
        keys.forEach(kn::put);
        fill(oa.putArray("observe"), observe);
        fill(oa.putArray("attribute"), attributes);
        fill(oa.putArray("telemetry"), telemetry);
        oa.putObject("attributeLwm2m");
        oa.put("observeStrategy", strategy);
        oa.put("initAttrTelAsObsStrategy", false);
        tc.putArray("bootstrap");
        tc.put("bootstrapServerUpdateEnable", false);
        ObjectNode s = tc.putObject("clientLwM2mSettings");
        s.put("clientOnlyObserveAfterConnect", 1).put("fwUpdateStrategy", 1).put("swUpdateStrategy", 1)
                .put("useObject19ForOtaInfo", false).put("powerMode", "DRX").put("defaultObjectIDVer", "1.0");
        return tc;
    }

    private static void fill(ArrayNode a, String[] paths) {
        for (String p : paths) {
            a.add(p);
        }
    }

    public static ObjectNode profile(String name, ObjectNode transport) {
        ObjectNode p = Json.object().put("name", name).put("type", "DEFAULT").put("transportType", "LWM2M");
        ObjectNode data = p.putObject("profileData");
        data.putObject("configuration").put("type", "DEFAULT");
        data.set("transportConfiguration", transport);
        data.putObject("provisionConfiguration").put("type", "DISABLED");
        return p;
    }

    /** Creates an LwM2M device with NO_SEC credentials naming {@code endpoint}; returns the device JSON. */
    public static JsonNode device(Api tenant, String name, String profileId, String endpoint) {
        ObjectNode device = Json.object().put("name", name);
        device.putObject("deviceProfileId").put("entityType", "DEVICE_PROFILE").put("id", profileId);
        ObjectNode creds = Json.object().put("credentialsType", "LWM2M_CREDENTIALS").put("credentialsId", endpoint);
        ObjectNode value = Json.object();
        value.putObject("client").put("securityConfigClientMode", "NO_SEC").put("endpoint", endpoint);
        ObjectNode bs = value.putObject("bootstrap");
        bs.putObject("bootstrapServer").put("securityMode", "NO_SEC");
        bs.putObject("lwm2mServer").put("securityMode", "NO_SEC");
        creds.put("credentialsValue", Json.write(value));
        ObjectNode body = Json.object();
        body.set("device", device);
        body.set("credentials", creds);
        return tenant.post("/api/device-with-credentials", body).ok();
    }

    /** A NO_SEC LwM2M device and its endpoint name. */
    public record Lwm2mDevice(String id, String endpoint) {
    }

    /**
     * A device of a new SINGLE-strategy profile mapping the Device object's Battery Level (/3/0/9) to the
     * telemetry key batteryLevel, observed or not; profile, endpoint and device are named after {@code prefix}.
     */
    public static Lwm2mDevice batteryLevelDevice(Api tenant, String prefix, boolean observed) {
        String battery = "/3_" + TestClient.deviceVersion() + "/0/9";
        String profileId = Api.id(tenant.post("/api/deviceProfile", profile(prefix + "-" + UUID.randomUUID(),
                transport(Map.of(battery, "batteryLevel"), new String[0], new String[] {battery},
                        observed ? new String[] {battery} : new String[0], "SINGLE"))).ok());
        String endpoint = prefix + "-ep-" + UUID.randomUUID();
        return new Lwm2mDevice(Api.id(device(tenant, prefix + "-" + endpoint, profileId, endpoint)), endpoint);
    }
}
