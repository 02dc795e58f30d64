package io.mote.transport.snmp.config;

import tools.jackson.databind.JsonNode;

import io.mote.common.json.Json;

/**
 * A device's {@code SnmpDeviceTransportConfiguration}. Its {@code toString} leaves the secrets out, so it
 * can be logged.
 */
public record SnmpDeviceConfig(String host, int port, String protocolVersion, String community, String username,
                               String securityName, String contextName, String authenticationProtocol,
                               String authenticationPassphrase, String privacyProtocol, String privacyPassphrase,
                               String engineId) {

    public static SnmpDeviceConfig parse(String json) {
        JsonNode tc = Json.parse(json);
        return new SnmpDeviceConfig(text(tc, "host"), tc.path("port").asInt(161), text(tc, "protocolVersion"),
                text(tc, "community"), text(tc, "username"), text(tc, "securityName"), text(tc, "contextName"),
                text(tc, "authenticationProtocol"), text(tc, "authenticationPassphrase"),
                text(tc, "privacyProtocol"), text(tc, "privacyPassphrase"), text(tc, "engineId"));
    }

    public boolean v3() {
        return "V3".equals(protocolVersion);
    }

    /** The USM security name: {@code securityName}, else {@code username}. */
    public String usmName() {
        return securityName != null ? securityName : username;
    }

    private static String text(JsonNode tc, String field) {
        JsonNode v = tc.get(field);
        return v == null || v.isNull() || !v.isString() || v.asString().isEmpty() ? null : v.asString();
    }

    @Override
    public String toString() {
        return protocolVersion + " " + host + ":" + port + (v3() ? " user " + usmName() : "");
    }
}
