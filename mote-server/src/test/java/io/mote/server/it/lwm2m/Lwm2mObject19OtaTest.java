package io.mote.server.it.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;
import io.mote.server.it.Api;

/**
 * Updates through BinaryAppDataContainer (Object 19) as ThingsBoard uses it: {@code fwUpdateStrategy} 3 writes
 * the package into /19/0/0 (resource instance 0), and {@code useObject19ForOtaInfo} writes the package's
 * metadata into instance 65533 (firmware) or 65534 (software) first. The Leshan client's Object 19 keeps what
 * it receives and hands the package of instance 0 to its Firmware Update object, which checks its SHA-256.
 */
class Lwm2mObject19OtaTest extends Lwm2mTestBase {

    private UpdatableClient updatable;

    @AfterEach
    void stopUpdatable() {
        if (updatable != null) {
            updatable.close();
        }
    }

    private void setUp(int fwStrategy, int swStrategy, boolean info) {
        ObjectNode tc = Profiles.transport(Map.of(), new String[0], new String[0], new String[0], "SINGLE");
        ((ObjectNode) tc.get("clientLwM2mSettings")).put("fwUpdateStrategy", fwStrategy)
                .put("swUpdateStrategy", swStrategy).put("useObject19ForOtaInfo", info);
        setUp(tc);
    }

    private void start(boolean object19) throws Exception {
        updatable = new UpdatableClient(endpoint, server.lwm2mPort(), 4 * 1024 * 1024, false, object19);
        updatable.awaitRegistered();
        await(clientAttributes(), a -> a.toString().contains("lwm2mEndpoint"));
    }

    private static byte[] image(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private void assign(String type, String version, byte[] file) {
        ObjectNode pkg = Json.object().put("title", "pkg-" + type.toLowerCase()).put("version", version).put("type", type);
        pkg.putObject("deviceProfileId").put("entityType", "DEVICE_PROFILE").put("id", profileId);
        String pkgId = Api.id(tenant.post("/api/otaPackage", pkg).ok());
        tenant.postFile("/api/otaPackage/" + pkgId + "?checksumAlgorithm=SHA256", "file", "image.bin",
                "application/octet-stream", file).ok();
        ObjectNode device = (ObjectNode) tenant.get("/api/device/" + deviceId).ok();
        device.putObject(type.equals("FIRMWARE") ? "firmwareId" : "softwareId").put("entityType", "OTA_PACKAGE").put("id", pkgId);
        tenant.post("/api/device", device).ok();
    }

    private void awaitState(String prefix, String state) throws InterruptedException {
        String key = prefix + "state";
        JsonNode t = null;
        for (int i = 0; i < 600; i++) {
            t = tenant.get(timeseries(key + "," + prefix + "error")).ok();
            String now = t.path(key).path(0).path("value").asString("");
            if (now.equals(state)) {
                return;
            }
            if (now.equals("UPDATED") || now.equals("FAILED")) {
                throw new AssertionError(key + " ended " + now + " instead of " + state + ": " + t);
            }
            Thread.sleep(100);
        }
        throw new AssertionError(key + " not " + state + ": " + t);
    }

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
    void strategy3WritesTheFirmwareIntoObject19AndUpdatesThroughObject5() throws Exception {
        setUp(3, 1, false);
        start(true);
        byte[] file = image(250_000 + 3, 31);
        updatable.behaviour.expectedSha256 = Lwm2mOtaTest.sha256(file);
        updatable.behaviour.newVersion = "3.0";
        assign("FIRMWARE", "3.0", file);

        awaitState("fw_", "UPDATED");
        assertThat(Lwm2mOtaTest.sha256(updatable.appData.get(0))).isEqualTo(Lwm2mOtaTest.sha256(file));
        assertThat(updatable.firmware.updates.get()).isEqualTo(1);
        assertThat(updatable.appData).containsOnlyKeys(0); // no metadata instance without useObject19ForOtaInfo
        assertThat(latest("current_fw_version")).isEqualTo("3.0");
        assertThat(history("fw_state")).containsSubsequence("QUEUED", "INITIATED", "DOWNLOADING", "DOWNLOADED",
                "VERIFIED", "UPDATING", "UPDATED");
    }

    @Test
    void strategy3ForAClientWithoutObject19PushesIntoObject5AndSaysSo() throws Exception {
        setUp(3, 1, true);
        start(false);
        byte[] file = image(60_000, 32);
        updatable.behaviour.expectedSha256 = Lwm2mOtaTest.sha256(file);
        updatable.behaviour.newVersion = "3.1";
        assign("FIRMWARE", "3.1", file);

        awaitState("fw_", "UPDATED");
        assertThat(Lwm2mOtaTest.sha256(updatable.firmware.received)).isEqualTo(Lwm2mOtaTest.sha256(file));
        assertThat(updatable.appData).isEmpty();
        String log = awaitLog("which the client does not have: pushing into /5/0/0 (strategy 1)");
        assertThat(log).contains("useObject19ForOtaInfo is set but the client does not have Object 19");
    }

    @Test
    void useObject19ForOtaInfoWritesTheFirmwareMetadataIntoInstance65533First() throws Exception {
        setUp(1, 1, true);
        start(true);
        byte[] file = image(90_000 + 1, 33);
        updatable.behaviour.expectedSha256 = Lwm2mOtaTest.sha256(file);
        updatable.behaviour.newVersion = "4.2";
        assign("FIRMWARE", "4.2", file);

        awaitState("fw_", "UPDATED");
        assertThat(Lwm2mOtaTest.sha256(updatable.firmware.received)).isEqualTo(Lwm2mOtaTest.sha256(file));
        // The client had no instance 65533: Mote created it with the metadata.
        JsonNode info = Json.parse(new String(updatable.appData.get(65533), StandardCharsets.UTF_8));
        assertThat(info.path("title").asString()).isEqualTo("pkg-firmware");
        assertThat(info.path("version").asString()).isEqualTo("4.2");
        assertThat(info.path("checksum").asString()).isEqualTo(Lwm2mOtaTest.sha256(file));
        assertThat(info.path("dataSize").asLong()).isEqualTo(file.length);
        assertThat(info.path("fileName").asString()).isEqualTo("image.bin");
        assertThat(updatable.appData).doesNotContainKey(0);
    }

    @Test
    void useObject19ForOtaInfoWritesTheSoftwareMetadataIntoInstance65534AndAnUpdateRewritesIt() throws Exception {
        setUp(1, 2, true);
        start(true);
        byte[] file = image(70_000, 34);
        updatable.behaviour.expectedSha256 = Lwm2mOtaTest.sha256(file);
        updatable.behaviour.newVersion = "8.0";
        assign("SOFTWARE", "8.0", file);
        awaitState("sw_", "UPDATED");
        assertThat(Lwm2mOtaTest.sha256(updatable.software.received)).isEqualTo(Lwm2mOtaTest.sha256(file));
        JsonNode info = Json.parse(new String(updatable.appData.get(65534), StandardCharsets.UTF_8));
        assertThat(info.path("version").asString()).isEqualTo("8.0");
        assertThat(info.path("checksum").asString()).isEqualTo(Lwm2mOtaTest.sha256(file));

        // The next package finds instance 65534 there: it is written, not created again.
        byte[] next = image(50_000, 35);
        updatable.behaviour.expectedSha256 = Lwm2mOtaTest.sha256(next);
        updatable.behaviour.newVersion = "8.1";
        assign("SOFTWARE", "8.1", next);
        awaitTrue(() -> latest("current_sw_version").equals("8.1"), "software 8.1 installed");
        info = Json.parse(new String(updatable.appData.get(65534), StandardCharsets.UTF_8));
        assertThat(info.path("version").asString()).isEqualTo("8.1");
        assertThat(info.path("dataSize").asLong()).isEqualTo(next.length);
        assertThat(updatable.appData).doesNotContainKey(65533);
    }
}
