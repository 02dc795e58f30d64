package io.mote.server.it.coap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapObserveRelation;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;
import io.mote.core.session.DeviceSessionRegistry;
import io.mote.server.it.Api;

/** Observe semantics (order, re-registration), eDRX paging windows, and provisioning over CoAP. */
class CoapObserveSemanticsTest {

    private final Api anon = Coap.server().api();


    @Test
    void queuedRpcArrivesInOrderAfterAnEmptyFirstAnswerWithObserveZero() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("coap-order");
        long expires = System.currentTimeMillis() + 600_000;
        for (String m : List.of("first", "second", "third")) {
            d.tenant().post("/api/rpc/oneway/" + d.id(), "{\"method\":\"" + m + "\",\"params\":{},\"persistent\":true,"
                    + "\"expirationTime\":" + expires + "}").ok();
        }
        CoapClient c = Coap.client("/api/v1/" + d.token() + "/rpc");
        try {
            Notifications got = new Notifications();
            CoapObserveRelation rel = c.observeAndWait(got);
            CoapResponse first = got.next();
            assertThat(first.getCode()).isEqualTo(ResponseCode.CONTENT);
            assertThat(first.getOptions().getObserve()).isZero();
            assertThat(first.getPayloadSize()).isZero();
            List<String> methods = new ArrayList<>();
            int lastObserve = 0;
            for (int i = 0; i < 3; i++) {
                CoapResponse n = got.next();
                assertThat(n.getOptions().getObserve()).isGreaterThan(lastObserve);
                lastObserve = n.getOptions().getObserve();
                methods.add(Json.parse(n.getResponseText()).get("method").asString());
            }
            assertThat(methods).containsExactly("first", "second", "third");
            rel.proactiveCancel();
        } finally {
            c.shutdown();
        }
    }

    @Test
    void attributeNotificationsComeInOrder() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("coap-attr-order");
        CoapClient c = Coap.client("/api/v1/" + d.token() + "/attributes");
        try {
            Notifications got = new Notifications();
            CoapObserveRelation rel = c.observeAndWait(got);
            assertThat(got.next().getOptions().getObserve()).isZero();
            for (int v = 1; v <= 10; v++) {
                d.tenant().post("/api/plugins/telemetry/DEVICE/" + d.id() + "/attributes/SHARED_SCOPE", "{\"v\":" + v + "}").ok();
            }
            // Changes made while a notification is in transit are merged: values only ever move forward.
            int lastObserve = 0;
            int lastValue = 0;
            while (lastValue < 10) {
                CoapResponse n = got.next();
                assertThat(n.getOptions().getObserve()).isGreaterThan(lastObserve);
                lastObserve = n.getOptions().getObserve();
                int v = Json.parse(n.getResponseText()).get("v").asInt();
                assertThat(v).isGreaterThan(lastValue);
                lastValue = v;
            }
            rel.proactiveCancel();
        } finally {
            c.shutdown();
        }
    }

    @Test
    void registeringAgainReplacesTheEarlierObservation() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("coap-rereg");
        DeviceSessionRegistry sessions = Coap.server().bean(DeviceSessionRegistry.class);
        try (RawCoap raw = new RawCoap(Coap.server().coapPort())) {
            byte[] t1 = {1, 1, 1, 1};
            byte[] t2 = {2, 2, 2, 2};
            String path = "/api/v1/" + d.token() + "/attributes";
            raw.observe(path, t1);
            RawCoap.Message a1 = raw.receive(10_000);
            assertThat(a1.token()).isEqualTo(t1);
            assertThat(a1.observe()).isZero();
            int before = sessions.sessionCount();
            raw.observe(path, t2);
            RawCoap.Message a2 = raw.receive(10_000);
            assertThat(a2.token()).isEqualTo(t2);
            assertThat(a2.observe()).isZero();
            long deadline = System.currentTimeMillis() + 5_000;
            while (sessions.sessionCount() > before && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            // One session for the new registration, the earlier one closed.
            assertThat(sessions.sessionCount()).as("the earlier observation's session is closed").isEqualTo(before);

            d.tenant().post("/api/plugins/telemetry/DEVICE/" + d.id() + "/attributes/SHARED_SCOPE", "{\"s\":1}").ok();
            RawCoap.Message n = raw.receive(10_000);
            assertThat(n).isNotNull();
            assertThat(n.token()).as("only the new registration is notified").isEqualTo(t2);
            raw.ack(n);
            RawCoap.Message extra = raw.receive(1_500);
            assertThat(extra).as("no notification for the replaced registration").isNull();
        }
    }

    @Test
    void edrxDeviceGetsNotificationsInItsNextPagingWindowWithoutAnUplink() throws Exception {
        Api tenant = anon.newTenant();
        String profile = Api.id(tenant.post("/api/deviceProfile", "{\"name\":\"edrx-" + UUID.randomUUID()
                + "\",\"type\":\"DEFAULT\",\"transportType\":\"COAP\",\"profileData\":{\"configuration\":{\"type\":\"DEFAULT\"},"
                + "\"transportConfiguration\":{\"type\":\"COAP\",\"coapDeviceTypeConfiguration\":{\"coapDeviceType\":\"DEFAULT\","
                + "\"transportPayloadTypeConfiguration\":{\"transportPayloadType\":\"JSON\"}},\"clientSettings\":"
                + "{\"powerMode\":\"E_DRX\",\"edrxCycle\":3000,\"pagingTransmissionWindow\":500}}}}").ok());
        String token = "edrx-" + UUID.randomUUID();
        String id = Api.id(tenant.post("/api/device?accessToken=" + token, "{\"name\":\"" + token + "\",\"deviceProfileId\":"
                + "{\"entityType\":\"DEVICE_PROFILE\",\"id\":\"" + profile + "\"}}").ok());
        CoapClient c = Coap.client("/api/v1/" + token + "/attributes");
        try {
            Notifications got = new Notifications();
            long registered = System.currentTimeMillis();
            CoapObserveRelation rel = c.observeAndWait(got);
            got.next();
            long wait = registered + 900 - System.currentTimeMillis();
            if (wait > 0) {
                Thread.sleep(wait); // out of the window that follows the registration
            }
            tenant.post("/api/plugins/telemetry/DEVICE/" + id + "/attributes/SHARED_SCOPE", "{\"paged\":true}").ok();
            CoapResponse n = got.next();
            long at = System.currentTimeMillis() - registered;
            assertThat(Json.parse(n.getResponseText()).get("paged").asBoolean()).isTrue();
            assertThat(at).as("delivered at the next paging window, one cycle after the last uplink").isBetween(2_900L, 6_000L);
            rel.proactiveCancel();
        } finally {
            c.shutdown();
        }
    }

    @Test
    void provisioningOverCoap() throws Exception {
        Api tenant = anon.newTenant();
        String key = "key-" + UUID.randomUUID();
        ObjectNode p = Json.object().put("name", "prov-" + UUID.randomUUID()).put("provisionDeviceKey", key);
        ObjectNode data = p.putObject("profileData");
        data.putObject("transportConfiguration").put("type", "DEFAULT");
        data.putObject("provisionConfiguration").put("type", "ALLOW_CREATE_NEW_DEVICES").put("provisionDeviceSecret", "s3cret");
        tenant.post("/api/deviceProfile", p).ok();
        String name = "coap-prov-" + UUID.randomUUID();

        CoapClient c = Coap.client("/api/v1/provision");
        try {
            CoapResponse r = c.post(Json.write(Json.object().put("deviceName", name).put("provisionDeviceKey", key)
                    .put("provisionDeviceSecret", "s3cret")), MediaTypeRegistry.APPLICATION_JSON);
            assertThat(r.getCode()).isEqualTo(ResponseCode.CONTENT);
            assertThat(r.getOptions().getContentFormat()).isEqualTo(MediaTypeRegistry.APPLICATION_JSON);
            JsonNode answer = Json.parse(r.getResponseText());
            assertThat(answer.get("status").asString()).as(answer.toString()).isEqualTo("SUCCESS");
            assertThat(answer.get("credentialsType").asString()).isEqualTo("ACCESS_TOKEN");
            String token = answer.get("credentialsValue").asString();

            CoapResponse wrong = c.post(Json.write(Json.object().put("deviceName", name + "-2").put("provisionDeviceKey", key)
                    .put("provisionDeviceSecret", "wrong")), MediaTypeRegistry.APPLICATION_JSON);
            assertThat(wrong.getCode()).isEqualTo(ResponseCode.CONTENT);
            assertThat(Json.parse(wrong.getResponseText()).get("status").asString()).isNotEqualTo("SUCCESS");
            assertThat(c.post("{\"deviceName\":", MediaTypeRegistry.APPLICATION_JSON).getCode()).isEqualTo(ResponseCode.BAD_REQUEST);

            // The new device's token works at once over CoAP.
            c.setURI(Coap.uri("/api/v1/" + token + "/telemetry"));
            assertThat(c.post("{\"provisioned\":1}", MediaTypeRegistry.APPLICATION_JSON).getCode()).isEqualTo(ResponseCode.CREATED);
        } finally {
            c.shutdown();
        }
        JsonNode device = tenant.get("/api/tenant/devices?deviceName=" + name).ok();
        String id = device.get("id").get("id").asString();
        assertThat(tenant.get("/api/plugins/telemetry/DEVICE/" + id + "/values/timeseries?keys=provisioned").ok()
                .get("provisioned").get(0).get("value").asString()).isEqualTo("1");
    }
}
