package io.mote.server.it.coap;

import static io.mote.server.it.DeviceProtos.ATTRIBUTES;
import static io.mote.server.it.DeviceProtos.DEVICE_API;
import static io.mote.server.it.DeviceProtos.RPC_REQUEST;
import static io.mote.server.it.DeviceProtos.RPC_RESPONSE;
import static io.mote.server.it.DeviceProtos.TELEMETRY;
import static io.mote.server.it.DeviceProtos.encode;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapObserveRelation;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;
import io.mote.server.it.Api;
import io.mote.server.it.DeviceProtos;

/**
 * PROTOBUF payloads of a CoAP device profile: a Californium client posts protobuf telemetry, attributes
 * and RPC answers (content format application/octet-stream), and decodes the protobuf of attribute
 * reads, attribute and RPC notifications and client-side RPC answers with the messages a device built
 * for ThingsBoard knows.
 */
class CoapProtobufTest {

    private static final int OCTETS = MediaTypeRegistry.APPLICATION_OCTET_STREAM;


    private final Api tenant = Coap.server().api().newTenant();
    private final CoapClient client = Coap.client("/");
    private String token;
    private String deviceId;

    @AfterEach
    void close() {
        client.shutdown();
    }

    private static ObjectNode profile(ObjectNode payloadType) {
        ObjectNode p = Json.object().put("name", "coap-proto-" + UUID.randomUUID()).put("type", "DEFAULT")
                .put("transportType", "COAP");
        ObjectNode data = p.putObject("profileData");
        data.putObject("configuration").put("type", "DEFAULT");
        ObjectNode tc = data.putObject("transportConfiguration").put("type", "COAP");
        tc.putObject("coapDeviceTypeConfiguration").put("coapDeviceType", "DEFAULT")
                .set("transportPayloadTypeConfiguration", payloadType);
        tc.putObject("clientSettings").put("powerMode", "DRX");
        return p;
    }

    private static ObjectNode protobuf() {
        return Json.object().put("transportPayloadType", "PROTOBUF")
                .put("deviceTelemetryProtoSchema", TELEMETRY).put("deviceAttributesProtoSchema", ATTRIBUTES)
                .put("deviceRpcRequestProtoSchema", RPC_REQUEST).put("deviceRpcResponseProtoSchema", RPC_RESPONSE);
    }

    private void protobufDevice() {
        JsonNode profile = tenant.post("/api/deviceProfile", profile(protobuf())).ok();
        token = "coap-proto-" + UUID.randomUUID();
        ObjectNode d = Json.object().put("name", token);
        d.set("deviceProfileId", profile.get("id"));
        deviceId = Api.id(tenant.post("/api/device?accessToken=" + token, d).ok());
    }



    private static JsonNode decode(String schema, String messageName, CoapResponse r) throws Exception {
        assertThat(r.getOptions().getContentFormat()).isEqualTo(OCTETS);
        return DeviceProtos.decode(schema, messageName, r.getPayload());
    }

    private CoapResponse post(String path, byte[] body) throws Exception {
        client.setURI(Coap.uri("/api/v1/" + token + "/" + path));
        return client.post(body, OCTETS);
    }


    @Test
    void telemetryAndAttributesAreStoredAndReadBack() throws Exception {
        protobufDevice();
        CoapResponse r = post("telemetry", encode(TELEMETRY, "{\"temperature\":21.5,\"count\":7,\"inner\":{\"label\":\"east\"}}"));
        assertThat(r.getCode()).as(r.getResponseText()).isEqualTo(ResponseCode.CREATED);
        JsonNode t = tenant.get("/api/plugins/telemetry/DEVICE/" + deviceId
                + "/values/timeseries?keys=temperature,count,inner").ok();
        assertThat(t.get("temperature").get(0).get("value").asString()).isEqualTo("21.5");
        assertThat(t.get("count").get(0).get("value").asString()).isEqualTo("7");
        assertThat(Json.parse(t.get("inner").get(0).get("value").asString()).get("label").asString()).isEqualTo("east");

        r = post("attributes", encode(ATTRIBUTES, "{\"firmwareVersion\":\"1.2.3\"}"));
        assertThat(r.getCode()).as(r.getResponseText()).isEqualTo(ResponseCode.CREATED);
        JsonNode client = tenant.get("/api/plugins/telemetry/DEVICE/" + deviceId + "/values/attributes/CLIENT_SCOPE").ok();
        assertThat(client.toString()).contains("firmwareVersion").contains("1.2.3");

        // An attribute read is answered with GetAttributeResponseMsg.
        tenant.post("/api/plugins/telemetry/DEVICE/" + deviceId + "/attributes/SHARED_SCOPE", "{\"setpoint\":19}").ok();
        this.client.setURI(Coap.uri("/api/v1/" + token + "/attributes?clientKeys=firmwareVersion&sharedKeys=setpoint"));
        r = this.client.get();
        assertThat(r.getCode()).isEqualTo(ResponseCode.CONTENT);
        JsonNode read = decode(DEVICE_API, "GetAttributeResponseMsg", r);
        assertThat(read.get("clientAttributeList").get(0).get("kv").get("string_v").asString()).isEqualTo("1.2.3");
        JsonNode shared = read.get("sharedAttributeList").get(0).get("kv");
        assertThat(shared.get("key").asString()).isEqualTo("setpoint");
        assertThat(shared.get("type").asString()).isEqualTo("LONG_V");
        assertThat(shared.get("long_v").asLong()).isEqualTo(19);
    }

    @Test
    void attributesObserveNotifiesInProtobuf() throws Exception {
        protobufDevice();
        tenant.post("/api/plugins/telemetry/DEVICE/" + deviceId + "/attributes/SHARED_SCOPE", "{\"mode\":\"eco\"}").ok();
        client.setURI(Coap.uri("/api/v1/" + token + "/attributes"));
        Notifications c = new Notifications();
        CoapObserveRelation rel = client.observeAndWait(c);
        CoapResponse first = c.next();
        assertThat(first.getOptions().getObserve()).isEqualTo(0);
        JsonNode current = decode(DEVICE_API, "AttributeUpdateNotificationMsg", first);
        assertThat(current.get("sharedUpdated").get(0).get("kv").get("string_v").asString()).isEqualTo("eco");

        tenant.post("/api/plugins/telemetry/DEVICE/" + deviceId + "/attributes/SHARED_SCOPE", "{\"ratio\":0.5}").ok();
        JsonNode change = decode(DEVICE_API, "AttributeUpdateNotificationMsg", c.next());
        JsonNode kv = change.get("sharedUpdated").get(0).get("kv");
        assertThat(kv.get("key").asString()).isEqualTo("ratio");
        assertThat(kv.get("type").asString()).isEqualTo("DOUBLE_V");
        assertThat(kv.get("double_v").asDouble()).isEqualTo(0.5);

        tenant.delete("/api/plugins/telemetry/DEVICE/" + deviceId + "/SHARED_SCOPE?keys=mode").ok();
        JsonNode deleted = decode(DEVICE_API, "AttributeUpdateNotificationMsg", c.next());
        assertThat(deleted.get("sharedDeleted").get(0).asString()).isEqualTo("mode");
        assertThat(deleted.has("sharedUpdated")).isFalse();
        rel.proactiveCancel();
    }

    @Test
    void rpcRoundTripInTheProfileMessages() throws Exception {
        protobufDevice();
        client.setURI(Coap.uri("/api/v1/" + token + "/rpc"));
        Notifications c = new Notifications();
        CoapObserveRelation rel = client.observeAndWait(c);
        assertThat(c.next().getOptions().getObserve()).isEqualTo(0);

        CompletableFuture<Api.Res> call = CompletableFuture.supplyAsync(() -> tenant.post("/api/rpc/twoway/" + deviceId,
                "{\"method\":\"setMode\",\"params\":{\"mode\":\"eco\"}}"));
        JsonNode request = decode(RPC_REQUEST, "RpcRequestMsg", c.next());
        assertThat(request.get("method").asString()).isEqualTo("setMode");
        assertThat(Json.parse(request.get("params").asString()).get("mode").asString()).isEqualTo("eco");
        int id = request.get("requestId").asInt();

        CoapClient answer = Coap.client("/api/v1/" + token + "/rpc/" + id);
        try {
            CoapResponse r = answer.post(encode(RPC_RESPONSE, "{\"payload\":\"done\"}"), OCTETS);
            assertThat(r.getCode()).as(r.getResponseText()).isEqualTo(ResponseCode.CREATED);
        } finally {
            answer.shutdown();
        }
        Api.Res res = call.get(20, TimeUnit.SECONDS);
        assertThat(res.status()).as(res.text()).isEqualTo(200);
        assertThat(res.json().get("payload").asString()).isEqualTo("done");
        rel.proactiveCancel();

        // Client-side RPC: ToServerRpcRequestMsg in, ToServerRpcResponseMsg out.
        CoapResponse r = post("rpc", encode(DEVICE_API, "ToServerRpcRequestMsg",
                "{\"requestId\":5,\"methodName\":\"getCurrentTime\",\"params\":\"{}\"}"));
        assertThat(r.getCode()).as(r.getResponseText()).isEqualTo(ResponseCode.CONTENT);
        JsonNode time = decode(DEVICE_API, "ToServerRpcResponseMsg", r);
        assertThat(time.get("requestId").asInt()).isEqualTo(5);
        assertThat(Json.parse(time.get("payload").asString()).get("currentTime").asLong()).isPositive();
    }

    @Test
    void garbageAndJsonAreRefused() throws Exception {
        protobufDevice();
        CoapResponse r = post("telemetry", new byte[] {(byte) 0xff, 0x01, 0x02});
        assertThat(r.getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
        assertThat(r.getResponseText()).contains("not a valid Reading protobuf message");
        assertThat(post("attributes", new byte[] {0x0a, 0x7f}).getCode()).isEqualTo(ResponseCode.BAD_REQUEST);

        client.setURI(Coap.uri("/api/v1/" + token + "/telemetry"));
        r = client.post("{\"a\":1}", MediaTypeRegistry.APPLICATION_JSON);
        assertThat(r.getCode()).isEqualTo(ResponseCode.UNSUPPORTED_CONTENT_FORMAT);
        assertThat(r.getResponseText()).contains("PROTOBUF");

        // The server keeps serving the device.
        assertThat(post("telemetry", encode(TELEMETRY, "{\"temperature\":1}")).getCode()).isEqualTo(ResponseCode.CREATED);
    }

    @Test
    void badSchemaIsRefusedOnSave() {
        ObjectNode payload = protobuf().put("deviceTelemetryProtoSchema", "syntax = \"proto3\"; message Broken { int32 a = ; }");
        Api.Res res = tenant.post("/api/deviceProfile", profile(payload));
        assertThat(res.status()).isEqualTo(400);
        assertThat(res.text()).contains("coapDeviceTypeConfiguration.transportPayloadTypeConfiguration.deviceTelemetryProtoSchema");

        payload = protobuf().put("deviceRpcRequestProtoSchema", "syntax = \"proto2\"; message Old { optional int32 a = 1; }");
        res = tenant.post("/api/deviceProfile", profile(payload));
        assertThat(res.status()).isEqualTo(400);
        assertThat(res.text()).contains("deviceRpcRequestProtoSchema").contains("proto3");

        payload = Json.object().put("transportPayloadType", "XML");
        assertThat(tenant.post("/api/deviceProfile", profile(payload)).status()).isEqualTo(400);
    }
}
