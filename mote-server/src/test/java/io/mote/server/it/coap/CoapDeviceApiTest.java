package io.mote.server.it.coap;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapObserveRelation;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.CoAP.Type;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.mote.common.json.Json;
import io.mote.server.it.Api;

/** Every operation of the CoAP device API with the access token in the path, its codes, and bad input. */
class CoapDeviceApiTest {

    private final Api anon = Coap.server().api();
    private Api tenant;
    private String token;
    private String deviceId;
    private CoapClient client;

    @BeforeEach
    void device() {
        Api.TestDevice d = anon.newTenantWithDevice("coap");
        tenant = d.tenant();
        token = d.token();
        deviceId = d.id();
        client = Coap.client("/");
    }

    @AfterEach
    void close() {
        client.shutdown();
    }

    private CoapResponse post(String op, String body) throws Exception {
        client.setURI(Coap.uri("/api/v1/" + token + "/" + op));
        return client.post(body, MediaTypeRegistry.APPLICATION_JSON);
    }

    private boolean connected() {
        return Coap.server().bean(io.mote.core.session.DeviceSessionRegistry.class).isConnected(UUID.fromString(deviceId));
    }

    private JsonNode latest(String keys) {
        return tenant.get("/api/plugins/telemetry/DEVICE/" + deviceId + "/values/timeseries?keys=" + keys).ok();
    }

    @Test
    void telemetryInTheThreeJsonForms() throws Exception {
        CoapResponse r = post("telemetry", "{\"temperature\":21.5,\"on\":true,\"n\":73,\"s\":\"x\",\"j\":{\"a\":[1,2]}}");
        assertThat(r.getCode()).isEqualTo(ResponseCode.CREATED);
        assertThat(r.advanced().getType()).isEqualTo(Type.ACK);
        assertThat(post("telemetry", "[{\"k1\":\"v1\"},{\"k2\":true}]").getCode()).isEqualTo(ResponseCode.CREATED);
        assertThat(post("telemetry", "{\"ts\":1451649600512,\"values\":{\"old\":42}}").getCode()).isEqualTo(ResponseCode.CREATED);
        JsonNode v = latest("temperature,k1,k2,old");
        assertThat(v.get("temperature").get(0).get("value").asString()).isEqualTo("21.5");
        assertThat(v.get("k2").get(0).get("value").asString()).isEqualTo("true");
        assertThat(v.get("old").get(0).get("ts").asLong()).isEqualTo(1451649600512L);
    }

    @Test
    void nonRequestIsAnsweredWithNon() throws Exception {
        client.setURI(Coap.uri("/api/v1/" + token + "/telemetry"));
        Request req = Request.newPost();
        req.setType(Type.NON);
        req.setPayload("{\"non\":1}");
        CoapResponse r = client.advanced(req);
        assertThat(r.getCode()).isEqualTo(ResponseCode.CREATED);
        assertThat(r.advanced().getType()).isEqualTo(Type.NON);
    }

    @Test
    void attributesPublishAndRequest() throws Exception {
        assertThat(post("attributes", "{\"fw\":\"1.0.3\",\"attribute2\":true}").getCode()).isEqualTo(ResponseCode.CREATED);
        tenant.post("/api/plugins/telemetry/DEVICE/" + deviceId + "/attributes/SHARED_SCOPE", "{\"shared1\":30}").ok();
        client.setURI(Coap.uri("/api/v1/" + token + "/attributes?clientKeys=fw,attribute2&sharedKeys=shared1"));
        CoapResponse r = client.get();
        assertThat(r.getCode()).isEqualTo(ResponseCode.CONTENT);
        assertThat(r.getOptions().getContentFormat()).isEqualTo(MediaTypeRegistry.APPLICATION_JSON);
        JsonNode body = Json.parse(r.getResponseText());
        assertThat(body.get("client").get("fw").asString()).isEqualTo("1.0.3");
        assertThat(body.get("client").get("attribute2").asBoolean()).isTrue();
        assertThat(body.get("shared").get("shared1").asInt()).isEqualTo(30);
        client.setURI(Coap.uri("/api/v1/" + token + "/attributes?clientKeys=fw"));
        assertThat(Json.parse(client.get().getResponseText()).has("shared")).isFalse();
    }


    @Test
    void attributesObserveAnswersCurrentThenEachChangeAndDeletion() throws Exception {
        tenant.post("/api/plugins/telemetry/DEVICE/" + deviceId + "/attributes/SHARED_SCOPE", "{\"mode\":\"eco\"}").ok();
        client.setURI(Coap.uri("/api/v1/" + token + "/attributes"));
        Notifications c = new Notifications();
        CoapObserveRelation rel = client.observeAndWait(c);
        CoapResponse first = c.next();
        assertThat(first.getOptions().getObserve()).isEqualTo(0);
        assertThat(Json.parse(first.getResponseText()).get("mode").asString()).isEqualTo("eco");

        tenant.post("/api/plugins/telemetry/DEVICE/" + deviceId + "/attributes/SHARED_SCOPE", "{\"interval\":30}").ok();
        JsonNode change = Json.parse(c.next().getResponseText());
        assertThat(change.get("interval").asInt()).isEqualTo(30);
        assertThat(change.has("mode")).isFalse();

        tenant.delete("/api/plugins/telemetry/DEVICE/" + deviceId + "/SHARED_SCOPE?keys=mode").ok();
        JsonNode deleted = Json.parse(c.next().getResponseText());
        assertThat(deleted.get("deleted").get(0).asString()).isEqualTo("mode");

        // Cancelled by the client with GET Observe=1: no further notification.
        rel.proactiveCancel();
        Thread.sleep(300);
        c.responses.clear();
        tenant.post("/api/plugins/telemetry/DEVICE/" + deviceId + "/attributes/SHARED_SCOPE", "{\"after\":1}").ok();
        assertThat(c.responses.poll(1500, TimeUnit.MILLISECONDS)).isNull();
        assertThat(connected()).isFalse();
    }

    @Test
    void attributesObserveOfDeviceWithoutSharedAttributesStartsWithEmptyObject() throws Exception {
        client.setURI(Coap.uri("/api/v1/" + token + "/attributes"));
        Notifications c = new Notifications();
        CoapObserveRelation rel = client.observeAndWait(c);
        assertThat(c.next().getResponseText()).isEqualTo("{}");
        // Cancelled with RST: the next notification is rejected and the relation ends on the server.
        rel.reactiveCancel();
        tenant.post("/api/plugins/telemetry/DEVICE/" + deviceId + "/attributes/SHARED_SCOPE", "{\"x\":1}").ok();
        long deadline = System.currentTimeMillis() + 10_000;
        while (connected() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(connected()).isFalse();
    }

    @Test
    void rpcObserveDeliversRequestsAndTakesResponses() throws Exception {
        client.setURI(Coap.uri("/api/v1/" + token + "/rpc"));
        Notifications c = new Notifications();
        CoapObserveRelation rel = client.observeAndWait(c);
        CoapResponse first = c.next();
        assertThat(first.getCode()).isEqualTo(ResponseCode.CONTENT);
        assertThat(first.getOptions().getObserve()).isEqualTo(0);

        CompletableFuture<Api.Res> call = CompletableFuture.supplyAsync(() -> tenant.post("/api/rpc/twoway/" + deviceId,
                "{\"method\":\"setGpio\",\"params\":{\"pin\":\"23\",\"value\":1}}"));
        JsonNode request = Json.parse(c.next().getResponseText());
        assertThat(request.get("method").asString()).isEqualTo("setGpio");
        assertThat(request.get("params").get("pin").asString()).isEqualTo("23");
        int id = request.get("id").asInt();

        CoapClient answer = Coap.client("/api/v1/" + token + "/rpc/" + id);
        try {
            assertThat(answer.post("{\"result\":\"ok\"}", MediaTypeRegistry.APPLICATION_JSON).getCode()).isEqualTo(ResponseCode.CREATED);
        } finally {
            answer.shutdown();
        }
        Api.Res res = call.get(20, TimeUnit.SECONDS);
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.json().get("result").asString()).isEqualTo("ok");

        // Two calls in a row both arrive, one notification after the other.
        CompletableFuture<Api.Res> a = CompletableFuture.supplyAsync(() -> tenant.post("/api/rpc/oneway/" + deviceId,
                "{\"method\":\"a\",\"params\":{}}"));
        CompletableFuture<Api.Res> b = CompletableFuture.supplyAsync(() -> tenant.post("/api/rpc/oneway/" + deviceId,
                "{\"method\":\"b\",\"params\":{}}"));
        String m1 = Json.parse(c.next().getResponseText()).get("method").asString();
        String m2 = Json.parse(c.next().getResponseText()).get("method").asString();
        assertThat(java.util.Set.of(m1, m2)).containsExactlyInAnyOrder("a", "b");
        a.get(20, TimeUnit.SECONDS);
        b.get(20, TimeUnit.SECONDS);
        rel.proactiveCancel();
    }

    @Test
    void clientSideRpc() throws Exception {
        CoapResponse r = post("rpc", "{\"method\":\"getCurrentTime\",\"params\":{}}");
        assertThat(r.getCode()).isEqualTo(ResponseCode.CONTENT);
        assertThat(Json.parse(r.getResponseText()).get("currentTime").asLong()).isPositive();
    }

    @Test
    void codesForBadInput() throws Exception {
        CoapResponse bad = post("telemetry", "{\"a\":");
        assertThat(bad.getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
        assertThat(bad.getResponseText()).startsWith("Invalid JSON");
        assertThat(post("telemetry", "[1,2]").getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
        assertThat(post("attributes", "[]").getCode()).isEqualTo(ResponseCode.BAD_REQUEST);

        client.setURI(Coap.uri("/api/v1/" + token + "/telemetry"));
        assertThat(client.post("{\"a\":1}", MediaTypeRegistry.APPLICATION_OCTET_STREAM).getCode())
                .isEqualTo(ResponseCode.UNSUPPORTED_CONTENT_FORMAT);
        assertThat(client.get().getCode()).isEqualTo(ResponseCode.METHOD_NOT_ALLOWED);
        assertThat(client.put("{}", MediaTypeRegistry.APPLICATION_JSON).getCode()).isEqualTo(ResponseCode.METHOD_NOT_ALLOWED);

        StringBuilder big = new StringBuilder("{\"k\":\"");
        big.append("x".repeat(70_000)).append("\"}");
        assertThat(client.post(big.toString(), MediaTypeRegistry.APPLICATION_JSON).getCode())
                .isEqualTo(ResponseCode.REQUEST_ENTITY_TOO_LARGE);

        client.setURI(Coap.uri("/api/v1/no-such-token-" + UUID.randomUUID() + "/telemetry"));
        CoapResponse unauthorized = client.post("{\"a\":1}", MediaTypeRegistry.APPLICATION_JSON);
        assertThat(unauthorized.getCode()).isEqualTo(ResponseCode.UNAUTHORIZED);

        client.setURI(Coap.uri("/api/v1/" + token + "/nothing-here"));
        assertThat(client.post("{}", MediaTypeRegistry.APPLICATION_JSON).getCode()).isEqualTo(ResponseCode.NOT_FOUND);
        client.setURI(Coap.uri("/somewhere/else"));
        assertThat(client.get().getCode()).isEqualTo(ResponseCode.NOT_FOUND);

        // Token-less requests over plain CoAP have no identity.
        client.setURI(Coap.uri("/api/v1/telemetry"));
        assertThat(client.post("{\"a\":1}", MediaTypeRegistry.APPLICATION_JSON).getCode()).isEqualTo(ResponseCode.UNAUTHORIZED);

        client.setURI(Coap.uri("/api/v1/" + token + "/rpc/abc"));
        assertThat(client.post("{}", MediaTypeRegistry.APPLICATION_JSON).getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
        client.setURI(Coap.uri("/api/v1/" + token + "/firmware"));
        assertThat(client.get().getCode()).isEqualTo(ResponseCode.BAD_REQUEST);

        // Garbage datagrams are dropped; the server keeps serving.
        try (DatagramSocket s = new DatagramSocket()) {
            Random random = new Random(7);
            for (int i = 0; i < 50; i++) {
                byte[] junk = new byte[1 + random.nextInt(300)];
                random.nextBytes(junk);
                s.send(new DatagramPacket(junk, junk.length, InetAddress.getLoopbackAddress(), Coap.server().coapPort()));
            }
            byte[] text = "hello".getBytes(StandardCharsets.US_ASCII);
            s.send(new DatagramPacket(text, text.length, InetAddress.getLoopbackAddress(), Coap.server().coapPort()));
        }
        assertThat(post("telemetry", "{\"still\":1}").getCode()).isEqualTo(ResponseCode.CREATED);
    }
}
