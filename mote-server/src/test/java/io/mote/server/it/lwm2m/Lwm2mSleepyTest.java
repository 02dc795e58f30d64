package io.mote.server.it.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.server.it.Api;

/**
 * Sleeping clients: queue mode (the test server counts a client awake for 2 s after each uplink) and a PSM
 * profile. What the server has for a sleeping client waits for its next wake-up.
 */
class Lwm2mSleepyTest extends Lwm2mTestBase {

    private void sleepPastAwakeWindow() throws InterruptedException {
        Thread.sleep(3000);
    }

    private CompletableFuture<JsonNode> rpcAsync(String method, String params) {
        return CompletableFuture.supplyAsync(() -> rpc(method, params));
    }

    @Test
    void queueModeRpcAndWritesWaitForTheWakeUp() throws Exception {
        setUp(deviceMapping("SINGLE"));
        client = new TestClient(endpoint, server.lwm2mPort(), true, null);
        client.awaitRegistered();
        await(clientAttributes(), a -> a.toString().contains("\"lwm2mQueueMode\"") && a.toString().contains("Mote Test Device"));
        sleepPastAwakeWindow();

        int before = client.device.requests.get();
        CompletableFuture<JsonNode> read = rpcAsync("Read", "{\"id\":\"/3/0/9\"}");
        tenant.post("/api/plugins/telemetry/DEVICE/" + deviceId + "/attributes/SHARED_SCOPE", "{\"timezone\":\"+09\"}").ok();
        Thread.sleep(1500);
        assertThat(read).isNotDone();
        assertThat(client.device.requests.get()).isEqualTo(before);
        assertThat(client.device.timezone).isEqualTo("+02");

        // A registration update wakes it: the RPC is delivered, the write made.
        client.client.triggerRegistrationUpdate();
        assertThat(read.get(15, TimeUnit.SECONDS).toString())
                .isEqualTo("{\"result\":\"CONTENT\",\"value\":\"LwM2mSingleResource [id=9, value=75, type=INTEGER]\"}");
        awaitTrue(() -> "+09".equals(client.device.timezone), "the write made on wake-up");
    }

    @Test
    void aPersistentRpcWaitsForTheWakeUp() throws Exception {
        setUp(deviceMapping("SINGLE"));
        client = new TestClient(endpoint, server.lwm2mPort(), true, null);
        client.awaitRegistered();
        await(clientAttributes(), a -> a.toString().contains("Mote Test Device"));
        sleepPastAwakeWindow();

        String body = "{\"method\":\"Execute\",\"params\":{\"id\":\"/3/0/4\"},\"persistent\":true,\"expirationTime\":"
                + (System.currentTimeMillis() + 60_000) + "}";
        String rpcId = tenant.post("/api/rpc/twoway/" + deviceId, body).ok().get("rpcId").asString();
        Thread.sleep(1500);
        assertThat(tenant.get("/api/rpc/persistent/" + rpcId).ok().get("status").asString()).isEqualTo("QUEUED");
        assertThat(client.device.reboots).isZero();

        client.client.triggerRegistrationUpdate();
        JsonNode done = await("/api/rpc/persistent/" + rpcId, r -> r.get("status").asString().equals("SUCCESSFUL"));
        assertThat(done.get("response").toString()).contains("CHANGED");
        assertThat(client.device.reboots).isEqualTo(1);
    }

    @Test
    void aPsmDeviceIsReachedAfterItsNextUplink() throws Exception {
        ObjectNode tc = deviceMapping("SINGLE");
        ((ObjectNode) tc.get("clientLwM2mSettings")).put("powerMode", "PSM").put("psmActivityTimer", 2000);
        setUp(tc);
        register();
        await(clientAttributes(), a -> a.toString().contains("Mote Test Device"));
        sleepPastAwakeWindow();

        CompletableFuture<JsonNode> exec = rpcAsync("Execute", "{\"id\":\"/3/0/4\"}");
        Thread.sleep(1500);
        assertThat(exec).isNotDone();
        assertThat(client.device.reboots).isZero();
        client.client.triggerRegistrationUpdate();
        assertThat(exec.get(15, TimeUnit.SECONDS).toString()).isEqualTo("{\"result\":\"CHANGED\"}");
        assertThat(client.device.reboots).isEqualTo(1);
    }

    @Test
    void anRpcToASleepingClientTimesOutWhenItNeverWakes() throws Exception {
        setUp(deviceMapping("SINGLE"));
        client = new TestClient(endpoint, server.lwm2mPort(), true, null);
        client.awaitRegistered();
        sleepPastAwakeWindow();
        Api.Res r = tenant.post("/api/rpc/twoway/" + deviceId, "{\"method\":\"Read\",\"params\":{\"id\":\"/3/0/9\"},\"timeout\":5000}");
        assertThat(r.status()).isEqualTo(504);
    }
}
