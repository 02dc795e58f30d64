package io.mote.server.it.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** LwM2M 1.0 and 1.1 clients, and every content format the Leshan client speaks, decoded by the server. */
class Lwm2mFormatsTest extends Lwm2mTestBase {

    private static final String BATTERY = "LwM2mSingleResource [id=9, value=75, type=INTEGER]";

    @Test
    void anLwm2m10ClientRegistersAndIsServed() throws Exception {
        setUp(deviceMapping("SINGLE"));
        client = new TestClient(endpoint, server.lwm2mPort(), false, null, "1.0");
        client.awaitRegistered();
        await(clientAttributes(), a -> a.toString().contains("\"lwm2mVersion\"") && a.toString().contains("Mote Test Device"));
        assertThat(tenant.get(clientAttributes() + "?keys=lwm2mVersion").ok().get(0).get("value").asString()).isEqualTo("1.0");
        awaitTelemetry("batteryLevel", "75");
        client.device.setBattery(55);
        awaitTelemetry("batteryLevel", "55");
        // 1.0 formats: TLV for instances, TEXT for a single value, OMA JSON.
        assertThat(rpc("Read", "{\"id\":\"/3/0\"}").get("value").asString()).startsWith("LwM2mObjectInstance [id=0, resources={0=");
        assertThat(rpc("Read", "{\"id\":\"/3/0/9\",\"contentFormat\":\"TEXT\"}").get("value").asString()).contains("value=55");
        assertThat(rpc("Read", "{\"id\":\"/3/0\",\"contentFormat\":\"JSON\"}").get("value").asString()).contains("value=55");
        assertThat(rpcText("WriteReplace", "{\"key\":\"timezone\",\"value\":\"+03\",\"contentFormat\":\"TLV\"}"))
                .isEqualTo("{\"result\":\"CHANGED\"}");
        assertThat(client.device.timezone).isEqualTo("+03");
    }

    @Test
    void everyContentFormatIsDecoded() throws Exception {
        setUp(deviceMapping("SINGLE"));
        register();
        await(clientAttributes(), a -> a.toString().contains("\"lwm2mVersion\""));
        assertThat(tenant.get(clientAttributes() + "?keys=lwm2mVersion").ok().get(0).get("value").asString()).isEqualTo("1.1");
        for (String f : new String[] {"TEXT", "CBOR", "TLV", "JSON", "SENML_JSON", "SENML_CBOR"}) {
            assertThat(rpcText("Read", "{\"id\":\"/3/0/9\",\"contentFormat\":\"" + f + "\"}")).as(f)
                    .isEqualTo("{\"result\":\"CONTENT\",\"value\":\"" + BATTERY + "\"}");
        }
        for (String f : new String[] {"TLV", "JSON", "SENML_JSON", "SENML_CBOR"}) {
            assertThat(rpc("Read", "{\"id\":\"/3/0\",\"contentFormat\":\"" + f + "\"}").get("value").asString()).as(f)
                    .startsWith("LwM2mObjectInstance [id=0, resources={0=LwM2mSingleResource [id=0, value=Mote Test Device")
                    .contains(BATTERY);
            assertThat(rpcText("WriteReplace", "{\"id\":\"/3/0/14\",\"value\":\"" + f + "\",\"contentFormat\":\"" + f + "\"}"))
                    .as(f).isEqualTo("{\"result\":\"CHANGED\"}");
            assertThat(client.device.timezone).isEqualTo(f);
        }
        // Opaque: a resource instance of object 19's Data.
        assertThat(rpcText("WriteReplace", "{\"id\":\"/19/0/0\",\"value\":{\"0\":\"00\"}}")).isEqualTo("{\"result\":\"CHANGED\"}");
        assertThat(rpcText("WriteReplace", "{\"id\":\"/19/0/0/0\",\"value\":\"0102ff\",\"contentFormat\":\"OPAQUE\"}"))
                .isEqualTo("{\"result\":\"CHANGED\"}");
        assertThat(rpcText("Read", "{\"id\":\"/19/0/0/0\",\"contentFormat\":\"OPAQUE\"}"))
                .isEqualTo("{\"result\":\"CONTENT\",\"value\":\"LwM2mResourceInstance [id=0, value=3Bytes, type=OPAQUE]\"}");
        // Link format: Discover.
        assertThat(rpc("Discover", "{\"id\":\"/3/0/9\"}").get("value").asString()).isEqualTo("</3/0/9>");
        assertThat(rpc("Read", "{\"id\":\"/3/0/9\",\"contentFormat\":\"XML\"}").get("error").asString())
                .contains("Unknown contentFormat 'XML'");
    }
}
