package io.mote.server.it.lwm2m;

import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;
import io.mote.server.it.Api;

/** LwM2M devices with secure credentials, and this server's key material as the REST API reports it. */
final class SecureDevices {

    private SecureDevices() {
    }

    static String profile(Api tenant) {
        String v = TestClient.deviceVersion();
        String p = "/3_" + v + "/0/";
        var tc = Profiles.transport(Map.of(p + "0", "manufacturer"), new String[] {p + "0"}, new String[0],
                new String[0], "SINGLE");
        return Api.id(tenant.post("/api/deviceProfile", Profiles.profile("lwm2m-sec-" + UUID.randomUUID(), tc)).ok());
    }

    static ObjectNode client(String mode, String endpoint) {
        ObjectNode value = Json.object();
        value.putObject("client").put("securityConfigClientMode", mode).put("endpoint", endpoint);
        ObjectNode bs = value.putObject("bootstrap");
        bs.putObject("bootstrapServer").put("securityMode", "NO_SEC");
        bs.putObject("lwm2mServer").put("securityMode", "NO_SEC");
        return value;
    }

    static ObjectNode body(String profileId, String name, ObjectNode value) {
        ObjectNode device = Json.object().put("name", name);
        device.putObject("deviceProfileId").put("entityType", "DEVICE_PROFILE").put("id", profileId);
        ObjectNode creds = Json.object().put("credentialsType", "LWM2M_CREDENTIALS")
                .put("credentialsValue", Json.write(value));
        ObjectNode body = Json.object();
        body.set("device", device);
        body.set("credentials", creds);
        return body;
    }

    /** Creates the device; returns its id. */
    static String create(Api tenant, String profileId, String name, ObjectNode value) {
        return Api.id(tenant.post("/api/device-with-credentials", body(profileId, name, value)).ok());
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    static byte[] serverPublicKey(Api tenant) {
        JsonNode info = tenant.get("/api/lwm2m/deviceProfile/bootstrap/false").ok();
        return Base64.getDecoder().decode(info.get("serverPublicKey").asString());
    }

    static byte[] serverCertificate(Api tenant) {
        JsonNode info = tenant.get("/api/lwm2m/deviceProfile/bootstrap/false").ok();
        return Base64.getDecoder().decode(info.get("serverCertificate").asString());
    }

    /** The bootstrap server's key material, as a client starting with a bootstrap account gets it. */
    static byte[] bootstrapServerPublicKey(Api tenant) {
        JsonNode info = tenant.get("/api/lwm2m/deviceProfile/bootstrap/true").ok();
        return Base64.getDecoder().decode(info.get("serverPublicKey").asString());
    }

    static byte[] bootstrapServerCertificate(Api tenant) {
        JsonNode info = tenant.get("/api/lwm2m/deviceProfile/bootstrap/true").ok();
        return Base64.getDecoder().decode(info.get("serverCertificate").asString());
    }
}
