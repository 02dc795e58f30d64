package io.mote.server.it.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;
import io.mote.server.it.Api;
import io.mote.server.it.TestServer;

/**
 * LwM2M updates that are interrupted: Mote restarts while a client downloads (the client registers again and
 * gets the update from the start, the transfer counted against its retries), and a client that stops
 * mid-transfer (bounded retries, then FAILED).
 * Runs servers of its own, with a short transfer timeout.
 */
class Lwm2mOtaRestartTest {

    private static final String[] ARGS = {"--mote.transport.lwm2m.ota.transfer-timeout=4000",
            "--mote.transport.lwm2m.ota.retries=1"};

    private static String[] args(String... more) {
        String[] all = java.util.Arrays.copyOf(ARGS, ARGS.length + more.length);
        System.arraycopy(more, 0, all, ARGS.length, more.length);
        return all;
    }

    private record Device(String profileId, String deviceId, String endpoint) {
    }

    private static Device device(Api tenant) {
        ObjectNode tc = Profiles.transport(Map.of(), new String[0], new String[0], new String[0], "SINGLE");
        ((ObjectNode) tc.get("clientLwM2mSettings")).put("fwUpdateStrategy", 2);
        String profileId = Api.id(tenant.post("/api/deviceProfile", Profiles.profile("ota-" + UUID.randomUUID(), tc)).ok());
        String endpoint = "ep-" + UUID.randomUUID();
        return new Device(profileId, Api.id(Profiles.device(tenant, "ota-" + endpoint, profileId, endpoint)), endpoint);
    }

    private static void assign(Api tenant, Device d, String version, byte[] file) {
        ObjectNode pkg = Json.object().put("title", "fw").put("version", version).put("type", "FIRMWARE");
        pkg.putObject("deviceProfileId").put("entityType", "DEVICE_PROFILE").put("id", d.profileId());
        String pkgId = Api.id(tenant.post("/api/otaPackage", pkg).ok());
        tenant.postFile("/api/otaPackage/" + pkgId + "?checksumAlgorithm=SHA256", "file", "p.bin",
                "application/octet-stream", file).ok();
        ObjectNode device = (ObjectNode) tenant.get("/api/device/" + d.deviceId()).ok();
        device.putObject("firmwareId").put("entityType", "OTA_PACKAGE").put("id", pkgId);
        tenant.post("/api/device", device).ok();
    }

    private static JsonNode awaitState(Api tenant, Device d, String state) throws InterruptedException {
        String path = "/api/plugins/telemetry/DEVICE/" + d.deviceId() + "/values/timeseries?keys=fw_state,fw_error";
        JsonNode last = null;
        for (int i = 0; i < 600; i++) {
            last = tenant.get(path).ok();
            if (last.path("fw_state").path(0).path("value").asString("").equals(state)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("fw_state not " + state + ": " + last);
    }

    private static void awaitTrue(java.util.function.BooleanSupplier ready, String what) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            if (ready.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not reached: " + what);
    }

    private static byte[] image(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void anUpdateInterruptedByARestartIsCarriedOutAfterIt() throws Exception {
        Path dir = Files.createTempDirectory("mote-ota-restart");
        byte[] file = image(80_000, 21);
        Api tenant;
        Device d;
        int port;
        UpdatableClient client;
        CompletableFuture<Void> gate = new CompletableFuture<>();
        try (TestServer first = TestServer.start(dir, args())) {
            tenant = first.api().newTenant();
            d = device(tenant);
            port = first.lwm2mPort();
            client = new UpdatableClient(d.endpoint(), port, 4 * 1024 * 1024, false);
            client.behaviour.expectedSha256 = Lwm2mOtaTest.sha256(file);
            client.behaviour.newVersion = "9.0";
            client.behaviour.downloadGate = gate;
            client.awaitRegistered();
            awaitTrue(() -> first.bean(io.mote.transport.lwm2m.Lwm2mTransport.class).clientCount() == 1, "registered");
            Thread.sleep(500);
            assign(tenant, d, "9.0", file);
            awaitState(tenant, d, "DOWNLOADING");
            awaitTrue(() -> !client.firmware.uri.isEmpty(), "Package URI written");
        }
        String before = client.firmware.uri;
        try (TestServer second = TestServer.start(dir, args("--mote.transport.lwm2m.port=" + port))) {
            Api again = second.api().withToken(tenant.authToken());
            client.client.triggerRegistrationUpdate(); // answered 4.04 by the new server: the client registers again
            awaitTrue(() -> !client.firmware.uri.equals(before), "a new Package URI after the restart");
            gate.complete(null);
            awaitState(again, d, "UPDATED");
            assertThat(Lwm2mOtaTest.sha256(client.firmware.received)).isEqualTo(Lwm2mOtaTest.sha256(file));
            assertThat(client.deviceObject.firmwareVersion).isEqualTo("9.0");
        } finally {
            client.close();
        }
    }

    @Test
    void retriesAreCountedAcrossRestartsSoAnUpdateCutOffByEveryRestartEndsFailed() throws Exception {
        Path dir = Files.createTempDirectory("mote-ota-attempts");
        byte[] file = image(40_000, 23);
        Api tenant;
        Device d;
        int port;
        UpdatableClient client;
        try (TestServer first = TestServer.start(dir, args())) {
            tenant = first.api().newTenant();
            d = device(tenant);
            port = first.lwm2mPort();
            client = new UpdatableClient(d.endpoint(), port, 4 * 1024 * 1024, false);
            client.behaviour.expectedSha256 = Lwm2mOtaTest.sha256(file);
            client.behaviour.newVersion = "3.0";
            client.behaviour.downloadGate = new CompletableFuture<>(); // never downloads
            client.awaitRegistered();
            awaitTrue(() -> first.bean(io.mote.transport.lwm2m.Lwm2mTransport.class).clientCount() == 1, "registered");
            Thread.sleep(500);
            assign(tenant, d, "3.0", file);
            awaitTrue(() -> !client.firmware.uri.isEmpty(), "Package URI written");
        }
        String attempt = "/api/plugins/telemetry/DEVICE/" + d.deviceId() + "/values/timeseries?keys=fw_attempt";
        try {
            String before = client.firmware.uri;
            try (TestServer second = TestServer.start(dir, args("--mote.transport.lwm2m.port=" + port))) {
                Api again = second.api().withToken(tenant.authToken());
                client.client.triggerRegistrationUpdate();
                awaitTrue(() -> !client.firmware.uri.equals(before), "a new Package URI after the first restart");
                awaitTrue(() -> again.get(attempt).ok().path("fw_attempt").path(0).path("value").asLong() == 2,
                        "the second attempt recorded");
            }
            // retries=1: the attempt the second restart cut off was the last one.
            try (TestServer third = TestServer.start(dir, args("--mote.transport.lwm2m.port=" + port))) {
                Api again = third.api().withToken(tenant.authToken());
                client.client.triggerRegistrationUpdate();
                JsonNode t = awaitState(again, d, "FAILED");
                assertThat(t.path("fw_error").path(0).path("value").asString())
                        .isEqualTo("the transfer broke off 2 times, the last by a restart of Mote: no retries left");
            }
        } finally {
            client.close();
        }
    }

    @Test
    void aClientThatStopsMidTransferEndsFailedAfterItsRetries() throws Exception {
        Path dir = Files.createTempDirectory("mote-ota-stop");
        try (TestServer server = TestServer.start(dir, args())) {
            Api tenant = server.api().newTenant();
            Device d = device(tenant);
            byte[] file = image(50_000, 22);
            UpdatableClient client = new UpdatableClient(d.endpoint(), server.lwm2mPort(), 4 * 1024 * 1024, false);
            client.behaviour.expectedSha256 = Lwm2mOtaTest.sha256(file);
            client.behaviour.newVersion = "2.0";
            client.behaviour.downloadGate = new CompletableFuture<>(); // never downloads
            client.awaitRegistered();
            awaitTrue(() -> server.bean(io.mote.transport.lwm2m.Lwm2mTransport.class).clientCount() == 1, "registered");
            Thread.sleep(500);
            assign(tenant, d, "2.0", file);
            awaitTrue(() -> !client.firmware.uri.isEmpty(), "Package URI written");
            client.close(); // gone without a word

            JsonNode t = awaitState(tenant, d, "FAILED");
            assertThat(t.path("fw_error").path(0).path("value").asString()).endsWith("after 2 attempts");
        }
    }
}
