package io.mote.server.it.mqtt;

import static io.mote.server.it.mqtt.MqttTestClients.json;
import static io.mote.server.it.mqtt.MqttTestClients.next;
import static io.mote.server.it.mqtt.MqttTestClients.publish;
import static io.mote.server.it.mqtt.MqttTestClients.publishes;
import static io.mote.server.it.mqtt.MqttTestClients.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.UUID;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;
import io.mote.server.it.Api;
import io.mote.server.it.TestServer;

/** Claiming, provisioning and firmware / software chunks over MQTT. */
class MqttClaimProvisionOtaTest {

    private final Api anon = TestServer.shared().api();

    @Test
    void deviceAllowsClaimingAndACustomerUserClaims() {
        Api tenant = anon.newTenant();
        String token = "claim-" + UUID.randomUUID();
        String name = "claimable-" + UUID.randomUUID();
        String deviceId = Api.id(tenant.createDevice(name, token));
        String customerId = Api.id(tenant.post("/api/customer", Json.object().put("title", "C " + UUID.randomUUID())).ok());
        Api user = tenant.newCustomerUser(customerId);

        Mqtt5BlockingClient c = MqttTestClients.v5Token(token);
        publish(c, "v1/devices/me/claim", "{\"secretKey\":\"s3cret\",\"durationMs\":60000}");
        c.disconnect();
        JsonNode result = user.post("/api/customer/device/" + URLEncoder.encode(name, StandardCharsets.UTF_8)
                .replace("+", "%20") + "/claim", Json.write(Json.object().put("secretKey", "s3cret"))).ok();
        assertThat(result.get("response").asString()).isEqualTo("SUCCESS");
        assertThat(tenant.get("/api/device/" + deviceId).ok().get("customerId").get("id").asString()).isEqualTo(customerId);
    }

    @Test
    void provisioningCreatesADeviceThatThenConnects() throws Exception {
        Api tenant = anon.newTenant();
        String key = "key-" + UUID.randomUUID();
        ObjectNode p = Json.object().put("name", "prov-" + UUID.randomUUID()).put("provisionDeviceKey", key);
        ObjectNode data = p.putObject("profileData");
        data.putObject("transportConfiguration").put("type", "DEFAULT");
        data.putObject("provisionConfiguration").put("type", "ALLOW_CREATE_NEW_DEVICES").put("provisionDeviceSecret", "sec");
        tenant.post("/api/deviceProfile", p).ok();

        Mqtt3BlockingClient c = MqttTestClients.v3("prov-" + UUID.randomUUID());
        c.connectWith().simpleAuth().username("provision").applySimpleAuth().send();
        var in = publishes(c);
        c.subscribeWith().topicFilter("/provision/response").qos(MqttQos.AT_LEAST_ONCE).send();
        String name = "provisioned-" + UUID.randomUUID();
        publish(c, "/provision/request", Json.write(Json.object().put("deviceName", name).put("provisionDeviceKey", key)
                .put("provisionDeviceSecret", "sec")));
        JsonNode answer = json(next(in));
        assertThat(answer.get("status").asString()).as(answer.toString()).isEqualTo("SUCCESS");
        assertThat(answer.get("credentialsType").asString()).isEqualTo("ACCESS_TOKEN");
        c.disconnect();

        Mqtt5BlockingClient device = MqttTestClients.v5Token(answer.get("credentialsValue").asString());
        publish(device, "v1/devices/me/telemetry", "{\"provisioned\":true}");
        device.disconnect();
    }

    @Test
    void aProvisioningSessionIsClosedByAnythingButProvisioningAtEveryQos() throws Exception {
        for (MqttQos qos : List.of(MqttQos.AT_MOST_ONCE, MqttQos.AT_LEAST_ONCE, MqttQos.EXACTLY_ONCE)) {
            CompletableFuture<Throwable> cause = new CompletableFuture<>();
            Mqtt5AsyncClient c = Mqtt5Client.builder().identifier("prov-" + UUID.randomUUID()).serverHost("127.0.0.1")
                    .serverPort(MqttTestClients.port()).addDisconnectedListener(ctx -> cause.complete(ctx.getCause()))
                    .buildAsync();
            c.connectWith().simpleAuth().username("provision").applySimpleAuth().send().get(20, TimeUnit.SECONDS);
            c.publishWith().topic("v1/devices/me/telemetry").qos(qos).payload("{\"a\":1}".getBytes()).send();
            assertThat(cause.get(20, TimeUnit.SECONDS)).as(qos.toString())
                    .isInstanceOfSatisfying(Mqtt5DisconnectException.class, e -> assertThat(
                            e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5DisconnectReasonCode.TOPIC_NAME_INVALID));
        }
        for (MqttQos qos : List.of(MqttQos.AT_MOST_ONCE, MqttQos.AT_LEAST_ONCE)) {
            Mqtt3BlockingClient c3 = MqttTestClients.v3("prov-" + UUID.randomUUID());
            c3.connectWith().simpleAuth().username("provision").applySimpleAuth().send();
            c3.toAsync().publishWith().topic("v1/devices/me/attributes").qos(qos).payload("{\"a\":1}".getBytes()).send();
            MqttTestClients.await("closed at " + qos, () -> !c3.getState().isConnected());
        }
    }

    @Test
    void firmwareInChunksAndAnErrorWhenNoSoftwareIsAssigned() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("ota");
        Api tenant = d.tenant();
        String profileId = Api.id(tenant.get("/api/deviceProfileInfo/default").ok());
        ObjectNode body = Json.object().put("title", "fw").put("version", "1.0").put("type", "FIRMWARE");
        body.putObject("deviceProfileId").put("entityType", "DEVICE_PROFILE").put("id", profileId);
        String packageId = Api.id(tenant.post("/api/otaPackage", body).ok());
        byte[] file = new byte[2500];
        new Random(7).nextBytes(file);
        tenant.postFile("/api/otaPackage/" + packageId + "?checksumAlgorithm=SHA256", "file", "fw.bin",
                "application/octet-stream", file).ok();
        ObjectNode device = (ObjectNode) tenant.get("/api/device/" + d.id()).ok();
        device.putObject("firmwareId").put("entityType", "OTA_PACKAGE").put("id", packageId);
        tenant.post("/api/device", device).ok();

        Mqtt5BlockingClient c = MqttTestClients.v5Token(d.token());
        var in = publishes(c);
        c.subscribeWith().topicFilter("v2/fw/response/+/chunk/+").qos(MqttQos.AT_LEAST_ONCE).send();
        c.subscribeWith().topicFilter("v2/sw/error").qos(MqttQos.AT_LEAST_ONCE).send();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        publish(c, "v2/fw/request/1/chunk/0", "1000");
        Mqtt5Publish m = next(in);
        assertThat(m.getTopic().toString()).isEqualTo("v2/fw/response/1/chunk/0");
        got.write(m.getPayloadAsBytes());
        for (int chunk = 1; chunk <= 2; chunk++) {
            // An empty payload asks for the previous chunk size.
            publish(c, "v2/fw/request/1/chunk/" + chunk, "");
            m = next(in);
            assertThat(m.getTopic().toString()).isEqualTo("v2/fw/response/1/chunk/" + chunk);
            got.write(m.getPayloadAsBytes());
        }
        assertThat(got.toByteArray()).isEqualTo(file);

        publish(c, "v2/sw/request/2/chunk/0", "1000");
        m = next(in);
        assertThat(m.getTopic().toString()).isEqualTo("v2/sw/error");
        assertThat(text(m)).contains("No software");
        c.disconnect();
    }
}
