package io.mote.server.it.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;
import io.mote.server.it.Api;

/** The LwM2M REST endpoints: saving a device with its credentials (the security tests cover the server settings). */
class Lwm2mRestTest extends Lwm2mTestBase {

    @Test
    void serverSecurityConfigNamesThisServersPlainPort() {
        JsonNode lwm2m = server.api().newTenant().get("/api/lwm2m/deviceProfile/bootstrap/false").ok();
        assertThat(lwm2m.get("port").asInt()).isEqualTo(server.lwm2mPort());
        assertThat(lwm2m.get("host").asString()).isEqualTo("127.0.0.1");
    }

    @Test
    void deviceCredentialsSavesTheDeviceAndItsCredentialsInOneCall() throws Exception {
        setUp(deviceMapping("SINGLE"));
        String ep = "ep2-" + UUID.randomUUID();
        ObjectNode device = Json.object().put("name", "lwm2m-" + ep);
        device.putObject("deviceProfileId").put("entityType", "DEVICE_PROFILE").put("id", profileId);
        ObjectNode creds = Json.object().put("credentialsType", "LWM2M_CREDENTIALS").put("credentialsId", ep);
        ObjectNode value = Json.object();
        value.putObject("client").put("securityConfigClientMode", "NO_SEC").put("endpoint", ep);
        creds.put("credentialsValue", Json.write(value));
        ObjectNode body = Json.object();
        body.set("device", device);
        body.set("credentials", creds);
        JsonNode saved = tenant.post("/api/lwm2m/device-credentials", body).ok();
        assertThat(saved.get("name").asString()).isEqualTo("lwm2m-" + ep);
        JsonNode stored = tenant.get("/api/device/" + Api.id(saved) + "/credentials").ok();
        assertThat(stored.get("credentialsId").asString()).isEqualTo(ep);

        // The client of that endpoint registers.
        deviceId = Api.id(saved);
        endpoint = ep;
        register();
        awaitTelemetry("batteryLevel", "75");

        assertThat(tenant.post("/api/lwm2m/device-credentials", "{\"device\":{\"name\":\"x\"}}").status()).isEqualTo(400);
    }
}
