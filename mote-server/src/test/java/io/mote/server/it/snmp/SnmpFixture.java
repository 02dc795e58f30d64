package io.mote.server.it.snmp;

import java.util.function.Predicate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;
import io.mote.server.it.Api;
import io.mote.server.it.DeviceStateTest;

/** SNMP profiles and devices in ThingsBoard's JSON, and polling REST for what the transport stored. */
final class SnmpFixture {

    static final String SYS_DESCR = "1.3.6.1.2.1.1.1.0";
    static final String SYS_UPTIME = "1.3.6.1.2.1.1.3.0";
    static final String SYS_CONTACT = "1.3.6.1.2.1.1.4.0";
    static final String SYS_NAME = "1.3.6.1.2.1.1.5.0";
    static final String SYS_LOCATION = "1.3.6.1.2.1.1.6.0";
    static final String SYS_SERVICES = "1.3.6.1.2.1.1.7.0";

    private SnmpFixture() {
    }

    static ObjectNode profileConfig(int timeoutMs, int retries) {
        ObjectNode tc = Json.object().put("type", "SNMP").put("timeoutMs", timeoutMs).put("retries", retries);
        tc.putArray("communicationConfigs");
        return tc;
    }

    /** Adds a communication config; {@code mappings} are triples oid, key, dataType. */
    static ObjectNode spec(ObjectNode tc, String spec, long frequencyMs, String... mappings) {
        ObjectNode c = ((ArrayNode) tc.get("communicationConfigs")).addObject().put("spec", spec);
        if (frequencyMs > 0) {
            c.put("queryingFrequencyMs", frequencyMs);
        }
        ArrayNode m = c.putArray("mappings");
        for (int i = 0; i < mappings.length; i += 3) {
            m.addObject().put("oid", mappings[i]).put("key", mappings[i + 1]).put("dataType", mappings[i + 2]);
        }
        return tc;
    }

    /** The usual polling profile: sysDescr, sysUpTime, sysServices as telemetry; sysLocation as attribute. */
    static ObjectNode pollingProfile(int timeoutMs, int retries) {
        ObjectNode tc = profileConfig(timeoutMs, retries);
        spec(tc, "TELEMETRY_QUERYING", 1000, SYS_DESCR, "sysDescr", "STRING", SYS_UPTIME, "sysUpTime", "LONG",
                SYS_SERVICES, "services", "LONG");
        // descrNumber maps a string to LONG: the agent's "wrong type" for it; the key is left out.
        spec(tc, "CLIENT_ATTRIBUTES_QUERYING", 1000, SYS_LOCATION, "location", "STRING",
                SYS_DESCR, "descrNumber", "LONG");
        spec(tc, "SHARED_ATTRIBUTES_SETTING", 0, SYS_CONTACT, "contact", "STRING");
        spec(tc, "TO_DEVICE_RPC_REQUEST", 0, SYS_NAME, "sysName", "STRING", SYS_DESCR, "descr", "STRING");
        return tc;
    }

    static String createProfile(Api tenant, String name, ObjectNode transportConfiguration) {
        ObjectNode p = Json.object().put("name", name).put("type", "DEFAULT").put("transportType", "SNMP");
        p.putObject("profileData").set("transportConfiguration", transportConfiguration);
        return Api.id(tenant.post("/api/deviceProfile", p).ok());
    }

    static ObjectNode community(String version, int port, String community) {
        return Json.object().put("type", "SNMP").put("host", "127.0.0.1").put("port", port)
                .put("protocolVersion", version).put("community", community);
    }

    static ObjectNode v3(int port, String user, String auth, String authPass, String priv, String privPass) {
        ObjectNode tc = Json.object().put("type", "SNMP").put("host", "127.0.0.1").put("port", port)
                .put("protocolVersion", "V3").put("username", user).put("securityName", user)
                .put("authenticationProtocol", auth).put("authenticationPassphrase", authPass);
        if (priv != null) {
            tc.put("privacyProtocol", priv).put("privacyPassphrase", privPass);
        }
        return tc;
    }

    static ObjectNode device(String name, String profileId, ObjectNode transportConfiguration) {
        ObjectNode d = Json.object().put("name", name);
        d.putObject("deviceProfileId").put("entityType", "DEVICE_PROFILE").put("id", profileId);
        d.putObject("deviceData").set("transportConfiguration", transportConfiguration);
        return d;
    }

    static String createDevice(Api tenant, String name, String profileId, ObjectNode transportConfiguration) {
        return Api.id(tenant.post("/api/device", device(name, profileId, transportConfiguration)).ok());
    }

    /** The latest value of a time series key, as text, or null. */
    static String latest(Api tenant, String deviceId, String key) {
        JsonNode r = tenant.get("/api/plugins/telemetry/DEVICE/" + deviceId + "/values/timeseries?keys=" + key).ok();
        JsonNode v = r.path(key).path(0).path("value");
        return v.isMissingNode() || v.isNull() ? null : v.asString();
    }

    /** Every stored value of a time series key, newest first. */
    static java.util.List<String> history(Api tenant, String deviceId, String key) {
        JsonNode r = tenant.get("/api/plugins/telemetry/DEVICE/" + deviceId + "/values/timeseries?keys=" + key
                + "&startTs=0&endTs=" + (System.currentTimeMillis() + 60_000) + "&limit=1000").ok();
        java.util.List<String> values = new java.util.ArrayList<>();
        r.path(key).forEach(v -> values.add(v.path("value").asString()));
        return values;
    }

    static long latestTs(Api tenant, String deviceId, String key) {
        JsonNode r = tenant.get("/api/plugins/telemetry/DEVICE/" + deviceId + "/values/timeseries?keys=" + key).ok();
        return r.path(key).path(0).path("ts").asLong(0);
    }

    static JsonNode attribute(Api tenant, String deviceId, String scope, String key) {
        JsonNode attrs = tenant.get("/api/plugins/telemetry/DEVICE/" + deviceId + "/values/attributes/" + scope).ok();
        return DeviceStateTest.value(attrs, key);
    }

    static String await(String what, java.util.function.Supplier<String> read, Predicate<String> ok)
            throws InterruptedException {
        String last = null;
        for (int i = 0; i < 300; i++) {
            last = read.get();
            if (last != null && ok.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(what + " not reached; last: " + last);
    }
}
