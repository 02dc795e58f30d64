package io.mote.server.it.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.leshan.core.request.ContentFormat;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Composite operations in the format the client announced at registration: a client offering SenML JSON
 * only (ct=110) gets SenML JSON; an explicit {@code contentFormat} wins; a client offering neither SenML
 * format is refused at once, and a composite observe strategy falls back to one observation per path.
 */
class Lwm2mCompositeFormatTest extends Lwm2mTestBase {

    private void registerWith(ContentFormat... formats) throws Exception {
        client = new TestClient(endpoint, server.lwm2mPort(), false, null, null, TestClient.onlyFormats(formats));
        client.awaitRegistered();
    }

    @Test
    void senmlJsonOnlyClientGetsCompositeInSenmlJson() throws Exception {
        var transport = deviceMapping("COMPOSITE_ALL");
        ((tools.jackson.databind.node.ObjectNode) transport.get("observeAttr")).put("initAttrTelAsObsStrategy", true);
        setUp(transport);
        registerWith(ContentFormat.TLV, ContentFormat.TEXT, ContentFormat.OPAQUE, ContentFormat.SENML_JSON);
        // The initial Read-Composite of the attributes and the composite observation, both in SenML JSON.
        await(clientAttributes(), a -> a.toString().contains("Mote Test Device") && a.toString().contains("Model 500"));
        awaitTelemetry("batteryLevel", "75");
        assertThat(awaitLog("ReadComposite")).doesNotContain("UNSUPPORTED_CONTENT_FORMAT");
        client.device.setBattery(42);
        awaitTelemetry("batteryLevel", "42"); // the composite observation's notification, in SenML JSON

        JsonNode read = rpc("ReadComposite", "{\"ids\":[\"/3/0/9\",\"/3/0/14\"]}");
        assertThat(read.get("result").asString()).as(read.toString()).isEqualTo("CONTENT");
        assertThat(read.get("value").asString()).contains("value=42").contains("value=+02");
        assertThat(rpcText("WriteComposite", "{\"nodes\":{\"/3/0/14\":\"+05\"}}")).isEqualTo("{\"result\":\"CHANGED\"}");
        assertThat(client.device.timezone).isEqualTo("+05");
        assertThat(rpc("ObserveComposite", "{\"ids\":[\"/3/0/0\"]}").get("result").asString()).isEqualTo("CONTENT");

        // The explicit format is honoured: the client cannot read SenML CBOR and says so.
        JsonNode cbor = rpc("ReadComposite", "{\"ids\":[\"/3/0/9\"],\"contentFormat\":\"SENML_CBOR\"}");
        assertThat(cbor.get("result").asString()).as(cbor.toString()).isNotEqualTo("CONTENT");
        assertThat(rpc("ReadComposite", "{\"ids\":[\"/3/0/9\"],\"contentFormat\":\"SENML_JSON\"}").get("result").asString())
                .isEqualTo("CONTENT");
        assertThat(rpc("ReadComposite", "{\"ids\":[\"/3/0/9\"],\"contentFormat\":\"TLV\"}").get("error").asString())
                .isEqualTo("contentFormat TLV cannot carry a composite operation; use SENML_JSON or SENML_CBOR");
    }

    @Test
    void clientWithoutSenmlIsRefusedAtOnceAndObservedPathByPath() throws Exception {
        setUp(deviceMapping("COMPOSITE_ALL"));
        registerWith(ContentFormat.TLV, ContentFormat.TEXT, ContentFormat.OPAQUE);
        awaitTelemetry("batteryLevel", "75");
        client.device.setBattery(33);
        awaitTelemetry("batteryLevel", "33"); // a single observation of /3/0/9 instead
        int before = client.device.requests.get();
        for (String call : new String[] {"ReadComposite\",\"params\":{\"ids\":[\"/3/0/9\"]}",
                "ObserveComposite\",\"params\":{\"ids\":[\"/3/0/9\"]}",
                "WriteComposite\",\"params\":{\"nodes\":{\"/3/0/14\":\"+01\"}}"}) {
            JsonNode r = tenant.post("/api/rpc/twoway/" + deviceId, "{\"method\":\"" + call + ",\"timeout\":20000}").ok();
            assertThat(r.get("result").asString()).as(r.toString()).isEqualTo("BAD_REQUEST");
            assertThat(r.get("error").asString()).startsWith("The client announced no composite content format");
        }
        assertThat(client.device.requests.get()).isEqualTo(before); // nothing was sent
        awaitLog("Observe strategy COMPOSITE_ALL needs SenML JSON or SenML CBOR");
    }
}
