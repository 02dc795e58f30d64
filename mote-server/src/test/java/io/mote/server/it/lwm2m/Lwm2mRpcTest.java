package io.mote.server.it.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Every LwM2M RPC command against a real Leshan client, answered in the spec's shape; invalid requests send nothing. */
class Lwm2mRpcTest extends Lwm2mTestBase {

    @BeforeEach
    void device() throws Exception {
        setUp(deviceMapping("SINGLE"));
        register();
        awaitTelemetry("batteryLevel", "75");
    }

    @Test
    void readAndDiscover() {
        assertThat(rpcText("Read", "{\"id\":\"/3/0/9\"}"))
                .isEqualTo("{\"result\":\"CONTENT\",\"value\":\"LwM2mSingleResource [id=9, value=75, type=INTEGER]\"}");
        assertThat(rpc("Read", "{\"id\":\"" + dev + "9\"}").get("value").asString()).contains("value=75");
        assertThat(rpc("Read", "{\"id\":\"3/0/9\"}").get("value").asString()).contains("value=75");
        assertThat(rpcText("Read", "{\"key\":\"batteryLevel\"}"))
                .isEqualTo("{\"result\":\"CONTENT\",\"value\":\"LwM2mSingleResource [id=9, value=75, type=INTEGER]\"}");
        assertThat(rpc("Read", "{\"id\":\"/3/0\"}").get("value").asString())
                .startsWith("LwM2mObjectInstance [id=0, resources={0=LwM2mSingleResource [id=0, value=Mote Test Device, type=STRING], "
                        + "1=LwM2mSingleResource [id=1, value=Model 500, type=STRING]");

        assertThat(rpcText("Discover", "{\"id\":\"/3/0/1\"}")).isEqualTo("{\"result\":\"CONTENT\",\"value\":\"</3/0/1>\"}");
        assertThat(rpcText("Discover", "{\"key\":\"batteryLevel\"}")).isEqualTo("{\"result\":\"CONTENT\",\"value\":\"</3/0/9>\"}");
        assertThat(rpc("Discover", "{\"id\":\"/3/0\"}").get("value").asString()).startsWith("</3/0>,</3/0/0>,</3/0/1>,")
                .contains("</3/0/9>");
        assertThat(rpc("Discover", "{\"id\":\"/3\"}").get("value").asString()).startsWith("</3>").contains("</3/0/14>");

        JsonNode all = rpc("DiscoverAll", "{}");
        assertThat(all.get("result").asString()).isEqualTo("CONTENT");
        assertThat(all.get("value").asString()).startsWith("[{\"url\":\"/\",\"attributes\":{")
                .contains("\"rt\":\"\\\"oma.lwm2m\\\"\"")
                .contains("{\"url\":\"/3/0\",\"attributes\":{}}").contains("{\"url\":\"/19/0\",\"attributes\":{}}");
    }

    @Test
    void readComposite() {
        assertThat(rpcText("ReadComposite", "{\"ids\":[\"/3/0/9\", \"/3/0/0\"]}")).isEqualTo("{\"result\":\"CONTENT\",\"value\":\""
                + "{/3/0/9=LwM2mSingleResource [id=9, value=75, type=INTEGER], "
                + "/3/0/0=LwM2mSingleResource [id=0, value=Mote Test Device, type=STRING]}\"}");
        assertThat(rpc("ReadComposite", "{\"keys\":[\"batteryLevel\", \"modelNumber\"]}").get("value").asString())
                .isEqualTo("{/3/0/9=LwM2mSingleResource [id=9, value=75, type=INTEGER], "
                        + "/3/0/1=LwM2mSingleResource [id=1, value=Model 500, type=STRING]}");
        assertThat(rpc("ReadComposite", "{\"ids\":[\"/3/0/9\", \"/1/0\"]}").get("value").asString())
                .startsWith("{/3/0/9=LwM2mSingleResource [id=9, value=75, type=INTEGER], /1/0=LwM2mObjectInstance [id=0, resources={");
    }

    @Test
    void writes() throws Exception {
        assertThat(rpcText("WriteReplace", "{\"key\":\"timezone\",\"value\":\"+10\"}")).isEqualTo("{\"result\":\"CHANGED\"}");
        assertThat(client.device.timezone).isEqualTo("+10");
        assertThat(rpcText("WriteUpdate", "{\"id\":\"/3/0\",\"value\":{\"14\":\"+5\"}}")).isEqualTo("{\"result\":\"CHANGED\"}");
        assertThat(client.device.timezone).isEqualTo("+5");

        // Multiple-instance resources: object 19's Data.
        assertThat(rpcText("WriteReplace", "{\"id\":\"/19/0/0\",\"value\":{\"0\":\"00ad456797\",\"25\":\"25ad456700\"}}"))
                .isEqualTo("{\"result\":\"CHANGED\"}");
        assertThat(data(0, 0)).containsEntry(0, "00ad456797").containsEntry(25, "25ad456700");
        assertThat(rpcText("WriteUpdate", "{\"id\":\"/19/0\",\"value\":{\"0\":{\"1\":\"01\"}}}")).isEqualTo("{\"result\":\"CHANGED\"}");
        assertThat(data(0, 0)).containsEntry(1, "01");

        // Write-Composite: paths and key names across objects.
        assertThat(rpcText("WriteComposite", "{\"nodes\":{\"timezone\":\"+04\",\"/1/0/2\":100}}")).isEqualTo("{\"result\":\"CHANGED\"}");
        assertThat(client.device.timezone).isEqualTo("+04");
        assertThat(rpc("Read", "{\"id\":\"/1/0/2\"}").get("value").asString()).contains("value=100");

        // Write-Attributes, seen by Discover.
        assertThat(rpcText("WriteAttributes", "{\"id\":\"/3/0/9\",\"attributes\":{\"pmax\":120,\"pmin\":10}}"))
                .isEqualTo("{\"result\":\"CHANGED\"}");
        assertThat(rpc("Discover", "{\"id\":\"/3/0/9\"}").get("value").asString()).startsWith("</3/0/9>;").contains("pmin=10").contains("pmax=120");
    }

    @Test
    void executeCreateDelete() throws Exception {
        assertThat(rpcText("Execute", "{\"id\":\"/3/0/4\"}")).isEqualTo("{\"result\":\"CHANGED\"}");
        assertThat(client.device.reboots).isEqualTo(1);

        assertThat(rpcText("Create", "{\"id\":\"/19/1\",\"value\":{\"0\":{\"0\":\"0a0b\"}}}")).isEqualTo("{\"result\":\"CREATED\"}");
        assertThat(client.app(1)).isNotNull();
        assertThat(data(1, 0)).containsEntry(0, "0a0b");
        assertThat(rpc("Read", "{\"id\":\"/19/1/0\"}").get("value").asString()).contains("LwM2mMultipleResource [id=0");

        assertThat(rpcText("Delete", "{\"id\":\"/19/1\"}")).isEqualTo("{\"result\":\"DELETE\"}");
        assertThat(client.app(1)).isNull();
        // the client's own 4.04 (no diagnostic payload) still carries its code's name as the error text
        JsonNode gone = rpc("Read", "{\"id\":\"/19/1\"}");
        assertThat(gone.get("result").asString()).isEqualTo("NOT_FOUND");
        assertThat(gone.get("error").asString()).isEqualTo("NOT_FOUND");
    }

    @Test
    void observations() throws Exception {
        assertThat(rpcText("Observe", "{\"id\":\"/3/0/14\"}"))
                .isEqualTo("{\"result\":\"CONTENT\",\"value\":\"LwM2mSingleResource [id=14, value=+02, type=STRING]\"}");
        assertThat(rpcText("ObserveComposite", "{\"ids\":[\"/3/0/0\",\"/3/0/1\"]}")).isEqualTo("{\"result\":\"CONTENT\",\"value\":\""
                + "{/3/0/0=LwM2mSingleResource [id=0, value=Mote Test Device, type=STRING], "
                + "/3/0/1=LwM2mSingleResource [id=1, value=Model 500, type=STRING]}\"}");
        String all = rpc("ObserveReadAll", "{}").get("value").asString();
        assertThat(all).startsWith("[\"").contains("\"/3/0/9\"").contains("\"/3/0/14\"").contains("\"/3/0/0\"").contains("\"/3/0/1\"");

        assertThat(rpcText("ObserveCompositeCancel", "{\"ids\":[\"/3/0/0\",\"/3/0/1\"]}"))
                .isEqualTo("{\"result\":\"CONTENT\",\"value\":\"1\"}");
        assertThat(rpcText("ObserveCancel", "{\"id\":\"/3/0/14\"}")).isEqualTo("{\"result\":\"CONTENT\",\"value\":\"1\"}");
        assertThat(rpcText("ObserveCancel", "{\"id\":\"/3/0/14\"}")).isEqualTo("{\"result\":\"CONTENT\",\"value\":\"0\"}");
        assertThat(rpcText("ObserveReadAll", "{}")).isEqualTo("{\"result\":\"CONTENT\",\"value\":\"[\\\"/3/0/9\\\"]\"}");
        assertThat(rpcText("ObserveCancelAll", "{}")).isEqualTo("{\"result\":\"CONTENT\",\"value\":\"1\"}");
        assertThat(rpcText("ObserveReadAll", "{}")).isEqualTo("{\"result\":\"CONTENT\",\"value\":\"[]\"}");
    }

    @Test
    void invalidRequestsAreRefusedWithoutSendingAnything() {
        int before = client.device.requests.get();
        assertRefused("Read", "{\"id\":\"/3_9.9/0/9\"}", "BAD_REQUEST", "version 9.9");
        assertRefused("Read", "{\"key\":\"nope\"}", "BAD_REQUEST", "Key 'nope' is not mapped");
        assertRefused("Read", "{\"id\":\"/3/zero\"}", "BAD_REQUEST", "is not an LwM2M path");
        assertRefused("Read", "{}", "BAD_REQUEST", "params.id or params.key is required");
        assertRefused("Read", "{\"id\":\"/5/0/1\"}", "NOT_FOUND", "Object 5 is not supported");
        assertRefused("Execute", "{\"id\":\"/3/0/9\"}", "BAD_REQUEST", "not executable");
        assertRefused("Execute", "{\"id\":\"/3/0\"}", "BAD_REQUEST", "Execute needs a resource path");
        assertRefused("Delete", "{\"id\":\"/3/0\"}", "BAD_REQUEST", "cannot be deleted");
        assertRefused("Delete", "{\"id\":\"/19\"}", "BAD_REQUEST", "applies to an object instance");
        assertRefused("WriteAttributes", "{\"id\":\"/3/0/9\",\"attributes\":{\"dim\":1}}", "BAD_REQUEST",
                "'dim' is not a notification attribute");
        assertRefused("ReadComposite", "{\"ids\":[\"/3/0\",\"/3/0/9\"]}", "BAD_REQUEST", "overlap");
        assertRefused("ObserveComposite", "{\"ids\":[\"/3\",\"/3/0/9\"]}", "BAD_REQUEST", "overlap");
        assertRefused("WriteReplace", "{\"id\":\"/3/0/9\",\"value\":1}", "METHOD_NOT_ALLOWED", "not writable");
        assertRefused("WriteReplace", "{\"id\":\"/3/0/14\"}", "BAD_REQUEST", "params.value is missing");
        assertRefused("WriteComposite", "{\"nodes\":{\"/3/0/14\":\"+1\",\"/3/0/9\":1}}", "METHOD_NOT_ALLOWED", "not writable");
        assertRefused("Create", "{\"id\":\"/3\",\"value\":{}}", "BAD_REQUEST", "single instance");
        assertRefused("Frobnicate", "{}", "BAD_REQUEST", "Unsupported LwM2M RPC method 'Frobnicate'");
        assertThat(client.device.requests.get()).isEqualTo(before);
    }

    /** Object 19 instance {@code id}'s multiple opaque resource as hex by instance. */
    private java.util.Map<Integer, String> data(int id, int resourceId) {
        var r = (org.eclipse.leshan.core.node.LwM2mMultipleResource) client.appResource(id, resourceId);
        java.util.Map<Integer, String> out = new java.util.TreeMap<>();
        r.getInstances().forEach((i, ri) -> out.put(i, java.util.HexFormat.of().formatHex((byte[]) ri.getValue())));
        return out;
    }

    private void assertRefused(String method, String params, String result, String message) {
        JsonNode r = rpc(method, params);
        assertThat(r.get("result").asString()).as(method + " " + params).isEqualTo(result);
        assertThat(r.get("error").asString()).as(method + " " + params).contains(message);
    }
}
