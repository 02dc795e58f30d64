package io.mote.server.it.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;
import io.mote.server.it.Api;

/**
 * Firmware (Object 5) and software (Object 9) updates carried out over LwM2M when a package is assigned,
 * with each strategy, against a Leshan client whose update objects really receive the bytes, check them
 * against the package's SHA-256, and report the new version.
 */
class Lwm2mOtaTest extends Lwm2mTestBase {

    private UpdatableClient updatable;

    @AfterEach
    void stopUpdatable() {
        if (updatable != null) {
            updatable.close();
        }
    }

    private void setUp(int fwStrategy, int swStrategy) {
        ObjectNode tc = Profiles.transport(Map.of(), new String[0], new String[0], new String[0], "SINGLE");
        ((ObjectNode) tc.get("clientLwM2mSettings")).put("fwUpdateStrategy", fwStrategy).put("swUpdateStrategy", swStrategy);
        setUp(tc);
    }

    private void start(int maxBodySize) throws Exception {
        updatable = new UpdatableClient(endpoint, server.lwm2mPort(), maxBodySize, false);
        updatable.awaitRegistered();
        await(clientAttributes(), a -> a.toString().contains("lwm2mEndpoint"));
    }

    private static byte[] image(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    /** Creates a package of the profile with this file (SHA-256) and assigns it to the device. */
    private String assign(String type, String version, byte[] file) {
        ObjectNode pkg = Json.object().put("title", "pkg-" + type.toLowerCase()).put("version", version).put("type", type);
        pkg.putObject("deviceProfileId").put("entityType", "DEVICE_PROFILE").put("id", profileId);
        String pkgId = Api.id(tenant.post("/api/otaPackage", pkg).ok());
        tenant.postFile("/api/otaPackage/" + pkgId + "?checksumAlgorithm=SHA256", "file", "p.bin",
                "application/octet-stream", file).ok();
        ObjectNode device = (ObjectNode) tenant.get("/api/device/" + deviceId).ok();
        device.putObject(type.equals("FIRMWARE") ? "firmwareId" : "softwareId").put("entityType", "OTA_PACKAGE").put("id", pkgId);
        tenant.post("/api/device", device).ok();
        return pkgId;
    }

    /** Waits (up to a minute: the machine may be busy) until {@code prefix}state is {@code state}. */
    private JsonNode awaitState(String prefix, String state) throws InterruptedException {
        String key = prefix + "state";
        JsonNode t = null;
        for (int i = 0; i < 600; i++) {
            t = tenant.get(timeseries(key + "," + prefix + "error")).ok();
            String now = t.path(key).path(0).path("value").asString("");
            if (now.equals(state)) {
                return t;
            }
            if (now.equals("UPDATED") || now.equals("FAILED")) {
                throw new AssertionError(key + " ended " + now + " instead of " + state + ": " + t);
            }
            Thread.sleep(100);
        }
        throw new AssertionError(key + " not " + state + ": " + t);
    }

    /** Every value {@code key} had, oldest first. */
    private List<String> history(String key) {
        JsonNode h = tenant.get("/api/plugins/telemetry/DEVICE/" + deviceId + "/values/timeseries?keys=" + key
                + "&startTs=0&endTs=" + (System.currentTimeMillis() + 60_000) + "&limit=1000&orderBy=ASC").ok();
        List<String> out = new ArrayList<>();
        h.path(key).forEach(e -> out.add(e.path("value").asString()));
        return out;
    }

    private String latest(String key) {
        return tenant.get(timeseries(key)).ok().path(key).path(0).path("value").asString("");
    }

    @Test
    void firmwarePushedWithBlock1IsInstalledAndUpdatedOnTheReportedVersion() throws Exception {
        setUp(1, 1);
        start(4 * 1024 * 1024);
        byte[] file = image(300_000 + 17, 1);
        updatable.behaviour.expectedSha256 = sha256(file);
        updatable.behaviour.newVersion = "2.0";
        assign("FIRMWARE", "2.0", file);

        awaitState("fw_", "UPDATED");
        assertThat(sha256(updatable.firmware.received)).isEqualTo(sha256(file));
        assertThat(updatable.firmware.updates.get()).isEqualTo(1);
        assertThat(latest("current_fw_version")).isEqualTo("2.0");
        assertThat(latest("current_fw_title")).isEqualTo("pkg-firmware");
        assertThat(history("fw_state")).containsSubsequence("QUEUED", "INITIATED", "DOWNLOADING", "DOWNLOADED",
                "VERIFIED", "UPDATING", "UPDATED");
    }

    @Test
    void firmwareFromAPackageUriIsPulledByTheClientOnlyAndOnlyOnce() throws Exception {
        setUp(2, 1);
        start(4 * 1024 * 1024);
        byte[] file = image(200_000 + 5, 2);
        updatable.behaviour.expectedSha256 = sha256(file);
        updatable.behaviour.newVersion = "3.1";
        CompletableFuture<Void> gate = new CompletableFuture<>();
        updatable.behaviour.downloadGate = gate;
        assign("FIRMWARE", "3.1", file);

        awaitTrue(() -> !updatable.firmware.uri.isEmpty(), "Package URI written");
        String uri = updatable.firmware.uri;
        assertThat(uri).startsWith("coap://127.0.0.1:" + server.lwm2mPort() + "/ota/");
        assertThat(uri.substring(uri.lastIndexOf('/') + 1)).hasSizeGreaterThanOrEqualTo(32);
        // Another host (another device) is refused; a made-up token is unknown.
        assertThat(UpdatableClient.fetch(uri, "127.0.0.2")).isEqualTo("4.03");
        assertThat(UpdatableClient.fetch(uri.substring(0, uri.lastIndexOf('/') + 1) + "guessed", "127.0.0.1"))
                .isEqualTo("4.04");
        gate.complete(null);

        awaitState("fw_", "UPDATED");
        assertThat(sha256(updatable.firmware.received)).isEqualTo(sha256(file));
        assertThat(updatable.downloads).containsExactly(uri);
        assertThat(latest("current_fw_version")).isEqualTo("3.1");
        // Once downloaded, the URL serves nobody.
        assertThat(UpdatableClient.fetch(uri, "127.0.0.1")).isEqualTo("4.04");
        assertThat(history("fw_state")).containsSubsequence("DOWNLOADING", "DOWNLOADED", "VERIFIED", "UPDATING",
                "UPDATED");
    }

    @Test
    void softwareIsPushedThenInstalled() throws Exception {
        setUp(1, 1);
        start(4 * 1024 * 1024);
        byte[] file = image(150_000, 3);
        updatable.behaviour.expectedSha256 = sha256(file);
        updatable.behaviour.newVersion = "7.0";
        assign("SOFTWARE", "7.0", file);

        awaitState("sw_", "UPDATED");
        assertThat(sha256(updatable.software.received)).isEqualTo(sha256(file));
        assertThat(latest("current_sw_version")).isEqualTo("7.0");
        assertThat(history("sw_state")).containsSubsequence("INITIATED", "DOWNLOADING", "DOWNLOADED", "VERIFIED",
                "UPDATING", "UPDATED");
        assertThat(updatable.software.active).as("activated once installed").isTrue();

        // Unassigned: the installed software is uninstalled.
        ObjectNode device = (ObjectNode) tenant.get("/api/device/" + deviceId).ok();
        device.putNull("softwareId");
        tenant.post("/api/device", device).ok();
        awaitTrue(() -> updatable.software.uninstalls.get() == 1, "Uninstall executed");
        assertThat(updatable.software.pkgVersion).isEmpty();
    }

    @Test
    void softwareFromAPackageUriIsInstalled() throws Exception {
        setUp(1, 2);
        start(4 * 1024 * 1024);
        byte[] file = image(120_000, 4);
        updatable.behaviour.expectedSha256 = sha256(file);
        updatable.behaviour.newVersion = "7.1";
        assign("SOFTWARE", "7.1", file);

        awaitState("sw_", "UPDATED");
        assertThat(sha256(updatable.software.received)).isEqualTo(sha256(file));
        assertThat(updatable.downloads).hasSize(1);
        assertThat(latest("current_sw_version")).isEqualTo("7.1");
    }

    @Test
    void aClientThatRefusesTheUpdateEndsFailedWithItsUpdateResult() throws Exception {
        setUp(1, 1);
        start(4 * 1024 * 1024);
        byte[] file = image(40_000, 5);
        updatable.behaviour.expectedSha256 = sha256(file);
        updatable.behaviour.newVersion = "2.0";
        updatable.behaviour.firmwareResult = 8;
        assign("FIRMWARE", "2.0", file);

        JsonNode t = awaitState("fw_", "FAILED");
        assertThat(t.path("fw_error").path(0).path("value").asString()).isEqualTo("Firmware update failed (Update Result 8)");
    }

    @Test
    void anotherVersionReportedAfterTheUpdateIsFailedNotUpdated() throws Exception {
        setUp(1, 1);
        start(4 * 1024 * 1024);
        byte[] file = image(40_000, 6);
        updatable.behaviour.expectedSha256 = sha256(file);
        updatable.behaviour.newVersion = "2.0";
        updatable.behaviour.reportedVersion = "2.0.1"; // not the package's exact version
        assign("FIRMWARE", "2.0", file);

        JsonNode t = awaitState("fw_", "FAILED");
        assertThat(t.path("fw_error").path(0).path("value").asString())
                .isEqualTo("the client reports version '2.0.1' after the update, not '2.0'");
    }

    @Test
    void theVersionIsReadFromPkgVersionWhenTheDeviceObjectHasNone() throws Exception {
        setUp(1, 1);
        start(4 * 1024 * 1024);
        byte[] file = image(30_000, 7);
        updatable.behaviour.expectedSha256 = sha256(file);
        updatable.behaviour.newVersion = "4.0";
        updatable.behaviour.noDeviceVersion = true;
        assign("FIRMWARE", "4.0", file);

        awaitState("fw_", "UPDATED");
        assertThat(latest("current_fw_version")).isEqualTo("4.0");
    }

    @Test
    void aPackageFailingTheClientsChecksumEndsFailed() throws Exception {
        setUp(1, 1);
        start(4 * 1024 * 1024);
        byte[] file = image(30_000, 8);
        updatable.behaviour.expectedSha256 = sha256(image(30_000, 9)); // the client expects another file
        updatable.behaviour.newVersion = "2.0";
        assign("FIRMWARE", "2.0", file);

        JsonNode t = awaitState("fw_", "FAILED");
        assertThat(t.path("fw_error").path(0).path("value").asString())
                .isEqualTo("Integrity check failure for new downloaded package (Update Result 5)");
        assertThat(updatable.firmware.updates.get()).isZero();
    }

    @Test
    void aPackageTooLargeForTheClientEndsFailedAndOthersAreUnaffected() throws Exception {
        setUp(1, 1);
        start(16 * 1024); // the client holds at most 16 KiB
        byte[] file = image(100_000, 10);
        updatable.behaviour.expectedSha256 = sha256(file);
        updatable.behaviour.newVersion = "2.0";
        assign("FIRMWARE", "2.0", file);

        JsonNode t = awaitState("fw_", "FAILED");
        assertThat(t.path("fw_error").path(0).path("value").asString())
                .startsWith("the client refused the package: REQUEST_ENTITY_TOO_LARGE");

        // Another device of another profile is updated meanwhile as usual.
        String first = deviceId;
        UpdatableClient firstClient = updatable;
        setUp(1, 1);
        start(4 * 1024 * 1024);
        byte[] other = image(50_000, 11);
        updatable.behaviour.expectedSha256 = sha256(other);
        updatable.behaviour.newVersion = "2.0";
        assign("FIRMWARE", "2.0", other);
        awaitState("fw_", "UPDATED");
        firstClient.close();
        assertThat(first).isNotEqualTo(deviceId);
    }

    @Test
    void aNewAssignmentCancelsTheUpdateUnderWay() throws Exception {
        setUp(2, 1);
        start(4 * 1024 * 1024);
        byte[] a = image(60_000, 12);
        byte[] b = image(70_000, 13);
        CompletableFuture<Void> gate = new CompletableFuture<>();
        updatable.behaviour.downloadGate = gate;
        updatable.behaviour.expectedSha256 = sha256(a);
        updatable.behaviour.newVersion = "5.0";
        assign("FIRMWARE", "5.0", a);
        awaitTrue(() -> !updatable.firmware.uri.isEmpty(), "first Package URI written");
        String first = updatable.firmware.uri;

        updatable.behaviour.expectedSha256 = sha256(b);
        updatable.behaviour.newVersion = "6.0";
        assign("FIRMWARE", "6.0", b);
        awaitTrue(() -> !updatable.firmware.uri.equals(first), "second Package URI written");
        assertThat(UpdatableClient.fetch(first, "127.0.0.1")).isEqualTo("4.04"); // the cancelled one is withdrawn
        gate.complete(null);

        awaitState("fw_", "UPDATED");
        assertThat(latest("current_fw_version")).isEqualTo("6.0");
        assertThat(sha256(updatable.firmware.received)).isEqualTo(sha256(b));
    }

    @Test
    void aQueueModeClientGetsItsUpdateWhenItWakes() throws Exception {
        setUp(1, 1);
        updatable = new UpdatableClient(endpoint, server.lwm2mPort(), 4 * 1024 * 1024, true);
        updatable.awaitRegistered();
        await(clientAttributes(), a -> a.toString().contains("lwm2mQueueMode"));
        Thread.sleep(3000); // past the test server's 2 s awake time
        byte[] file = image(20_000, 14);
        updatable.behaviour.expectedSha256 = sha256(file);
        updatable.behaviour.newVersion = "2.0";
        assign("FIRMWARE", "2.0", file);
        Thread.sleep(1500);
        assertThat(latest("fw_state")).isEqualTo("QUEUED");
        assertThat(updatable.firmware.received).isNull();

        updatable.client.triggerRegistrationUpdate(); // wakes it
        awaitState("fw_", "UPDATED");
        assertThat(sha256(updatable.firmware.received)).isEqualTo(sha256(file));
    }
}
