package io.mote.server.it.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.leshan.client.object.Security;
import org.eclipse.leshan.client.object.Server;
import org.eclipse.leshan.core.request.ContentFormat;
import org.junit.jupiter.api.Test;

/** Send in transportLog, attributes following a Write, the IPv6 address's form, Create in the spec's shape. */
class Lwm2mSmallFixesTest extends Lwm2mTestBase {

    private void registered() throws Exception {
        setUp(deviceMapping("SINGLE"));
        register();
        awaitTelemetry("batteryLevel", "75");
    }

    @Test
    void sendIsWrittenToTransportLog() throws Exception {
        registered();
        client.device.setBattery(61);
        client.send(ContentFormat.SENML_JSON, "/3/0/9", "/3/0/14");
        awaitTelemetry("batteryLevel", "61");
        assertThat(awaitLog("Send (SENML_JSON)")).contains("Send (SENML_JSON): /3/0/9=61, /3/0/14=+02");
    }

    @Test
    void aMappedAttributeFollowsASuccessfulWriteOfItsResource() throws Exception {
        registered();
        await(clientAttributes(), a -> a.toString().contains("\"+02\""));

        rpcText("WriteReplace", "{\"key\":\"timezone\",\"value\":\"+10\"}");
        await(clientAttributes(), a -> attribute(a, "timezone").equals("+10"));
        rpcText("WriteUpdate", "{\"id\":\"/3/0\",\"value\":{\"14\":\"+5\"}}");
        await(clientAttributes(), a -> attribute(a, "timezone").equals("+5"));
        rpcText("WriteComposite", "{\"nodes\":{\"timezone\":\"+04\"}}");
        await(clientAttributes(), a -> attribute(a, "timezone").equals("+04"));
        assertThat(client.device.timezone).isEqualTo("+04");
    }

    private static String attribute(tools.jackson.databind.JsonNode attrs, String key) {
        for (var a : attrs) {
            if (a.path("key").asString("").equals(key)) {
                return a.path("value").asString("");
            }
        }
        return "";
    }

    @Test
    void anIpv6AddressIsBracketedAndCompressed() throws Exception {
        setUp(deviceMapping("SINGLE"));
        client = new TestClient(endpoint, Security.noSec("coap://[::1]:" + server.lwm2mPort(), 123), new Server(123, 300), null);
        client.awaitRegistered();
        String address = attribute(await(clientAttributes(), a -> !attribute(a, "lwm2mAddress").isEmpty()), "lwm2mAddress");
        assertThat(address).matches("\\[::1]:\\d+");
    }

    @Test
    void createTakesTheNewInstancesResourcesById() throws Exception {
        registered();
        // {"0": one value} of the multiple resource Data is its instance 0; the client picks the instance id
        assertThat(rpcText("Create", "{\"id\":\"/19\",\"value\":{\"0\":\"00ad\",\"1\":1}}")).isEqualTo("{\"result\":\"CREATED\"}");
        assertThat(client.app(1)).isNotNull();
        assertThat(data(1)).containsExactly(java.util.Map.entry(0, "00ad"));
        assertThat(rpc("Read", "{\"id\":\"/19/1/1\"}").get("value").asString()).contains("value=1, type=INTEGER");

        assertThat(rpcText("Create", "{\"id\":\"/19/5\",\"value\":{\"0\":{\"0\":\"0a\",\"1\":\"0b\"}}}"))
                .isEqualTo("{\"result\":\"CREATED\"}");
        assertThat(data(5)).containsEntry(0, "0a").containsEntry(1, "0b");
        assertThat(rpcText("Create", "{\"id\":\"/19\",\"nodes\":{\"7\":{\"0\":\"07\"},\"8\":{\"0\":\"08\"}}}"))
                .isEqualTo("{\"result\":\"CREATED\"}");
        assertThat(data(7)).containsExactly(java.util.Map.entry(0, "07"));
        assertThat(data(8)).containsExactly(java.util.Map.entry(0, "08"));

        // the spec's Write of one value to a multiple resource
        assertThat(rpcText("WriteReplace", "{\"id\":\"/19/0/0\",\"value\":\"0081\"}")).isEqualTo("{\"result\":\"CHANGED\"}");
        assertThat(data(0)).containsExactly(java.util.Map.entry(0, "0081"));
    }

    /** Object 19 instance {@code id}'s Data (resource 0) as the client holds it, hex by resource instance. */
    private java.util.Map<Integer, String> data(int id) {
        assertThat(client.app(id)).as("instance " + id).isNotNull();
        var r = (org.eclipse.leshan.core.node.LwM2mMultipleResource) client.appResource(id, 0);
        java.util.Map<Integer, String> out = new java.util.TreeMap<>();
        r.getInstances().forEach((i, ri) -> out.put(i, java.util.HexFormat.of().formatHex((byte[]) ri.getValue())));
        return out;
    }
}
