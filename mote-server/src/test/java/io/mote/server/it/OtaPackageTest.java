package io.mote.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.google.common.hash.Hashing;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;
import io.mote.core.session.DeviceSessionRegistry;

/**
 * OTA packages: upload with every checksum algorithm, assignment to profiles and devices (shared
 * attributes seen by a long-polling device, QUEUED state), the HTTP device download, and bad input.
 */
class OtaPackageTest {

    private final Api anon = TestServer.shared().api();

    // ---- helpers ----

    private static byte[] randomBytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** The checksum as ThingsBoard writes it, computed here independently of the server. */
    private static String checksum(String algorithm, byte[] data) throws Exception {
        return switch (algorithm) {
            case "MD5" -> hex("MD5", data);
            case "SHA256" -> hex("SHA-256", data);
            case "SHA384" -> hex("SHA-384", data);
            case "SHA512" -> hex("SHA-512", data);
            case "CRC32" -> Hashing.crc32().hashBytes(data).toString();
            case "MURMUR3_32" -> Hashing.murmur3_32_fixed().hashBytes(data).toString();
            case "MURMUR3_128" -> Hashing.murmur3_128().hashBytes(data).toString();
            default -> throw new IllegalArgumentException(algorithm);
        };
    }

    private static String hex(String jdkName, byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(jdkName).digest(data));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String defaultProfileId(Api tenant) {
        return Api.id(tenant.get("/api/deviceProfileInfo/default").ok());
    }

    private static Api.Res create(Api tenant, String profileId, String type, String title, String version) {
        ObjectNode body = Json.object().put("title", title).put("version", version).put("type", type);
        body.putObject("deviceProfileId").put("entityType", "DEVICE_PROFILE").put("id", profileId);
        return tenant.post("/api/otaPackage", body);
    }

    private static String createPackage(Api tenant, String profileId, String type, String title, String version) {
        return Api.id(create(tenant, profileId, type, title, version).ok());
    }

    private static Api.Res upload(Api tenant, String packageId, String algorithm, String checksum, byte[] data) {
        StringBuilder q = new StringBuilder();
        if (algorithm != null) {
            q.append("checksumAlgorithm=").append(algorithm);
        }
        if (checksum != null) {
            q.append(q.isEmpty() ? "" : "&").append("checksum=").append(enc(checksum));
        }
        return tenant.postFile("/api/otaPackage/" + packageId + (q.isEmpty() ? "" : "?" + q), "file", "fw.bin",
                "application/octet-stream", data);
    }

    /** A package of the profile with a file: its id. */
    private static String packageWithFile(Api tenant, String profileId, String type, String title, String version,
                                          byte[] data) {
        String id = createPackage(tenant, profileId, type, title, version);
        upload(tenant, id, "SHA256", null, data).ok();
        return id;
    }

    private static ObjectNode ref(String id) {
        ObjectNode ref = Json.object();
        ref.put("entityType", "OTA_PACKAGE").put("id", id);
        return ref;
    }

    private static Api.Res assignToProfile(Api tenant, String profileId, String field, String packageId) {
        ObjectNode profile = (ObjectNode) tenant.get("/api/deviceProfile/" + profileId).ok();
        if (packageId == null) {
            profile.putNull(field);
        } else {
            profile.set(field, ref(packageId));
        }
        return tenant.post("/api/deviceProfile", profile);
    }

    private static Api.Res assignToDevice(Api tenant, String deviceId, String field, String packageId) {
        ObjectNode device = (ObjectNode) tenant.get("/api/device/" + deviceId).ok();
        if (packageId == null) {
            device.putNull(field);
        } else {
            device.set(field, ref(packageId));
        }
        return tenant.post("/api/device", device);
    }

    private static JsonNode shared(String token) {
        return TestServer.shared().api().get("/api/v1/" + token + "/attributes?sharedKeys="
                + "fw_title,fw_version,fw_size,fw_checksum,fw_checksum_algorithm,fw_url,fw_tag,sw_title,sw_version")
                .ok().path("shared");
    }

    private static String latest(Api tenant, String deviceId, String key) {
        JsonNode ts = tenant.get("/api/plugins/telemetry/DEVICE/" + deviceId + "/values/timeseries?keys=" + key).ok();
        return ts.has(key) ? ts.get(key).get(0).get("value").asString() : null;
    }

    private CompletableFuture<HttpResponse<String>> longPoll(String token, String deviceId) throws InterruptedException {
        CompletableFuture<HttpResponse<String>> poll = HttpClient.newHttpClient().sendAsync(
                HttpRequest.newBuilder(URI.create(anon.base() + "/api/v1/" + token + "/attributes/updates?timeout=20000"))
                        .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        DeviceSessionRegistry registry = TestServer.shared().bean(DeviceSessionRegistry.class);
        UUID id = UUID.fromString(deviceId);
        for (int i = 0; i < 200 && !registry.isConnected(id); i++) {
            Thread.sleep(25);
        }
        assertThat(registry.isConnected(id)).as("long-poll session registered").isTrue();
        Thread.sleep(50);
        return poll;
    }

    private static JsonNode answer(CompletableFuture<HttpResponse<String>> poll) throws Exception {
        HttpResponse<String> r = poll.get(20, TimeUnit.SECONDS);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
    }

    private static void assertError(Api.Res r, int status, String messagePart) {
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        JsonNode err = r.json();
        assertThat(err.get("status").asInt()).as(r.text()).isEqualTo(status);
        assertThat(err.get("message").asString()).as(r.text()).containsIgnoringCase(messagePart);
    }

    // ---- packages ----

    @Test
    void uploadComputesEveryChecksumAndDownloadReturnsTheFile() throws Exception {
        Api tenant = anon.newTenant();
        String profileId = defaultProfileId(tenant);
        byte[] data = randomBytes(150_000, 1);
        for (String algorithm : new String[] {"MD5", "SHA256", "SHA384", "SHA512", "CRC32", "MURMUR3_32", "MURMUR3_128"}) {
            String expected = checksum(algorithm, data);
            JsonNode created = create(tenant, profileId, "FIRMWARE", "fw-" + algorithm, "1.0").ok();
            assertThat(created.get("id").get("entityType").asString()).isEqualTo("OTA_PACKAGE");
            assertThat(created.get("hasData").asBoolean()).isFalse();
            assertThat(created.get("name").asString()).isEqualTo("fw-" + algorithm);
            String id = Api.id(created);

            // Given and verified (upper case accepted), and computed: the stored value is ThingsBoard's form.
            JsonNode info = upload(tenant, id, algorithm, expected.toUpperCase(), data).ok();
            assertThat(info.get("checksumAlgorithm").asString()).isEqualTo(algorithm);
            assertThat(info.get("checksum").asString()).as(algorithm).isEqualTo(expected);
            assertThat(info.get("hasData").asBoolean()).isTrue();
            assertThat(info.get("dataSize").asLong()).isEqualTo(data.length);
            assertThat(info.get("fileName").asString()).isEqualTo("fw.bin");
            assertThat(info.get("contentType").asString()).isEqualTo("application/octet-stream");
            assertThat(info.get("deviceProfileId").get("id").asString()).isEqualTo(profileId);
            assertThat(tenant.get("/api/otaPackage/info/" + id).ok().get("checksum").asString()).isEqualTo(expected);

            Api.BytesRes file = tenant.getBytes("/api/otaPackage/" + id + "/download");
            assertThat(file.ok()).isEqualTo(data);
            assertThat(file.headers().firstValue("Content-Disposition").orElse("")).contains("attachment")
                    .contains("fw.bin");
        }

        // No algorithm: SHA256, computed.
        String id = createPackage(tenant, profileId, "SOFTWARE", "sw", "1.0");
        JsonNode info = upload(tenant, id, null, null, data).ok();
        assertThat(info.get("checksumAlgorithm").asString()).isEqualTo("SHA256");
        assertThat(info.get("checksum").asString()).isEqualTo(checksum("SHA256", data));
        assertThat(info.get("type").asString()).isEqualTo("SOFTWARE");

        // CRC32 is also accepted in the usual big-endian form.
        String crcId = createPackage(tenant, profileId, "FIRMWARE", "crc", "1.0");
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(data);
        upload(tenant, crcId, "CRC32", String.format("%08x", crc.getValue()), data).ok();
    }

    @Test
    void aWrongChecksumIsRefusedAndNothingIsStored() throws Exception {
        Api tenant = anon.newTenant();
        String profileId = defaultProfileId(tenant);
        byte[] data = randomBytes(70_000, 2);
        for (String algorithm : new String[] {"MD5", "SHA256", "SHA384", "SHA512", "CRC32", "MURMUR3_32", "MURMUR3_128"}) {
            String id = createPackage(tenant, profileId, "FIRMWARE", "bad-" + algorithm, "1.0");
            byte[] other = data.clone();
            other[100] ^= 1;
            Api.Res r = upload(tenant, id, algorithm, checksum(algorithm, other), data);
            assertError(r, 400, "checksum");
            JsonNode info = tenant.get("/api/otaPackage/" + id).ok();
            assertThat(info.get("hasData").asBoolean()).isFalse();
            assertThat(info.get("checksum").isNull()).isTrue();
            assertThat(tenant.getBytes("/api/otaPackage/" + id + "/download").status()).isEqualTo(404);
            // The right one is then accepted, once.
            upload(tenant, id, algorithm, checksum(algorithm, data), data).ok();
            assertError(upload(tenant, id, algorithm, null, data), 400, "already has a file");
        }
    }

    @Test
    void listingPagingAndTenantIsolation() {
        Api tenant = anon.newTenant();
        String profileId = defaultProfileId(tenant);
        byte[] data = randomBytes(1000, 3);
        for (int i = 0; i < 5; i++) {
            String id = createPackage(tenant, profileId, i < 3 ? "FIRMWARE" : "SOFTWARE", "pkg-" + i, "1." + i);
            if (i % 2 == 0) {
                upload(tenant, id, "MD5", null, data).ok();
            }
        }
        JsonNode page = tenant.get("/api/otaPackages?pageSize=2&page=0&sortProperty=title&sortOrder=ASC").ok();
        assertThat(page.get("totalElements").asInt()).isEqualTo(5);
        assertThat(page.get("totalPages").asInt()).isEqualTo(3);
        assertThat(page.get("hasNext").asBoolean()).isTrue();
        assertThat(page.get("data").get(0).get("title").asString()).isEqualTo("pkg-0");
        JsonNode last = tenant.get("/api/otaPackages?pageSize=2&page=2&sortProperty=title&sortOrder=ASC").ok();
        assertThat(last.get("data")).hasSize(1);
        assertThat(last.get("hasNext").asBoolean()).isFalse();
        assertThat(tenant.get("/api/otaPackages?pageSize=10&page=0&textSearch=PKG-3").ok().get("data")).hasSize(1);

        // Per profile and type: only packages with a file (or URL) can be assigned.
        JsonNode fw = tenant.get("/api/otaPackages/" + profileId + "/FIRMWARE?pageSize=10&page=0").ok();
        assertThat(fw.get("data")).extracting(n -> n.get("title").asString()).containsExactlyInAnyOrder("pkg-0", "pkg-2");
        JsonNode sw = tenant.get("/api/otaPackages/" + profileId + "/SOFTWARE?pageSize=10&page=0").ok();
        assertThat(sw.get("data")).extracting(n -> n.get("title").asString()).containsExactly("pkg-4");
        assertError(tenant.get("/api/otaPackages/" + profileId + "/FIRM?pageSize=10&page=0"), 400, "type");
        assertError(tenant.get("/api/otaPackages/" + UUID.randomUUID() + "/FIRMWARE?pageSize=10&page=0"), 404, "");

        // Same title and version: refused for the same type, fine for the other.
        assertError(create(tenant, profileId, "FIRMWARE", "pkg-0", "1.0"), 400, "already exists");
        create(tenant, profileId, "SOFTWARE", "pkg-0", "1.0").ok();

        // Another tenant sees nothing of it.
        Api other = anon.newTenant();
        String id = Api.id(page.get("data").get(0));
        assertThat(other.get("/api/otaPackage/" + id).status()).isEqualTo(404);
        assertThat(other.get("/api/otaPackage/info/" + id).status()).isEqualTo(404);
        assertThat(other.getBytes("/api/otaPackage/" + id + "/download").status()).isEqualTo(404);
        assertThat(other.delete("/api/otaPackage/" + id).status()).isEqualTo(404);
        assertThat(upload(other, id, "MD5", null, data).status()).isEqualTo(404);
        assertThat(other.get("/api/otaPackages?pageSize=10&page=0").ok().get("totalElements").asInt()).isZero();
        assertThat(other.get("/api/otaPackages/" + profileId + "/FIRMWARE?pageSize=10&page=0").status()).isEqualTo(404);
        assertError(create(other, profileId, "FIRMWARE", "x", "1"), 400, "device profile");
        assertThat(tenant.get("/api/otaPackage/" + id).status()).isEqualTo(200);

        // Deleted: gone.
        tenant.delete("/api/otaPackage/" + id).ok();
        assertThat(tenant.get("/api/otaPackage/" + id).status()).isEqualTo(404);
    }

    // ---- assignment ----

    @Test
    void assignmentToProfileAndDeviceReachesLongPollingDevices() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("ota");
        Api tenant = d.tenant();
        String profileId = defaultProfileId(tenant);
        String token2 = "ota2-" + UUID.randomUUID();
        String device2 = Api.id(tenant.createDevice("second-" + UUID.randomUUID(), token2));
        byte[] v1 = randomBytes(5000, 4);
        String fw1 = packageWithFile(tenant, profileId, "FIRMWARE", "thermo", "1.1.1", v1);

        // The profile's firmware reaches every device of the profile.
        CompletableFuture<HttpResponse<String>> poll = longPoll(d.token(), d.id());
        assignToProfile(tenant, profileId, "firmwareId", fw1).ok();
        JsonNode update = answer(poll);
        assertThat(update.get("fw_title").asString()).isEqualTo("thermo");
        assertThat(update.get("fw_version").asString()).isEqualTo("1.1.1");
        assertThat(update.get("fw_size").asLong()).isEqualTo(v1.length);
        assertThat(update.get("fw_checksum").asString()).isEqualTo(checksum("SHA256", v1));
        assertThat(update.get("fw_checksum_algorithm").asString()).isEqualTo("SHA256");
        assertThat(update.has("fw_url")).isFalse();
        assertThat(latest(tenant, d.id(), "fw_state")).isEqualTo("QUEUED");
        assertThat(latest(tenant, d.id(), "target_fw_version")).isEqualTo("1.1.1");
        assertThat(shared(token2).get("fw_version").asString()).isEqualTo("1.1.1");
        assertThat(latest(tenant, device2, "fw_state")).isEqualTo("QUEUED");

        // The device reports its progress as ordinary telemetry.
        anon.post("/api/v1/" + d.token() + "/telemetry", "{\"fw_state\":\"DOWNLOADING\"}").ok();
        assertThat(latest(tenant, d.id(), "fw_state")).isEqualTo("DOWNLOADING");
        anon.post("/api/v1/" + d.token() + "/telemetry",
                "{\"fw_state\":\"UPDATED\",\"current_fw_title\":\"thermo\",\"current_fw_version\":\"1.1.1\"}").ok();
        assertThat(latest(tenant, d.id(), "current_fw_version")).isEqualTo("1.1.1");

        // The device's own firmware wins over the profile's.
        byte[] v2 = randomBytes(6000, 5);
        String fw2 = packageWithFile(tenant, profileId, "FIRMWARE", "thermo", "1.1.10", v2);
        poll = longPoll(d.token(), d.id());
        assignToDevice(tenant, d.id(), "firmwareId", fw2).ok();
        update = answer(poll);
        assertThat(update.get("fw_version").asString()).isEqualTo("1.1.10");
        assertThat(update.get("fw_size").asLong()).isEqualTo(v2.length);
        assertThat(latest(tenant, d.id(), "fw_state")).isEqualTo("QUEUED");
        assertThat(shared(token2).get("fw_version").asString()).isEqualTo("1.1.1");

        // A profile change moves only the devices without their own.
        String fw3 = packageWithFile(tenant, profileId, "FIRMWARE", "thermo", "2.0", randomBytes(100, 6));
        assignToProfile(tenant, profileId, "firmwareId", fw3).ok();
        assertThat(shared(d.token()).get("fw_version").asString()).isEqualTo("1.1.10");
        assertThat(shared(token2).get("fw_version").asString()).isEqualTo("2.0");

        // Without its own the device follows the profile again.
        assignToDevice(tenant, d.id(), "firmwareId", null).ok();
        assertThat(shared(d.token()).get("fw_version").asString()).isEqualTo("2.0");

        // Software goes to sw_* and leaves fw_* alone.
        String sw = packageWithFile(tenant, profileId, "SOFTWARE", "app", "0.9", randomBytes(100, 7));
        assignToProfile(tenant, profileId, "softwareId", sw).ok();
        assertThat(shared(d.token()).get("sw_version").asString()).isEqualTo("0.9");
        assertThat(latest(tenant, d.id(), "sw_state")).isEqualTo("QUEUED");
        assertThat(shared(d.token()).get("fw_version").asString()).isEqualTo("2.0");

        // Unassigned: the attributes are deleted, and a waiting device hears of it.
        poll = longPoll(d.token(), d.id());
        assignToProfile(tenant, profileId, "firmwareId", null).ok();
        JsonNode deleted = answer(poll).get("deleted");
        assertThat(deleted).extracting(JsonNode::asString).contains("fw_title", "fw_version", "fw_size", "fw_checksum",
                "fw_checksum_algorithm");
        assertThat(shared(d.token()).has("fw_version")).isFalse();
        assertThat(shared(token2).has("fw_version")).isFalse();
        assertThat(shared(d.token()).get("sw_version").asString()).isEqualTo("0.9");

        // A device created in a profile with firmware gets it at once.
        assignToProfile(tenant, profileId, "firmwareId", fw1).ok();
        String token3 = "ota3-" + UUID.randomUUID();
        String device3 = Api.id(tenant.createDevice("third-" + UUID.randomUUID(), token3));
        assertThat(shared(token3).get("fw_version").asString()).isEqualTo("1.1.1");
        assertThat(latest(tenant, device3, "fw_state")).isEqualTo("QUEUED");
    }

    @Test
    void assignedPackagesCannotBeDeleted() {
        Api.TestDevice d = anon.newTenantWithDevice("otadel");
        Api tenant = d.tenant();
        String profileId = defaultProfileId(tenant);
        String fw = packageWithFile(tenant, profileId, "FIRMWARE", "f", "1", randomBytes(10, 8));
        assignToProfile(tenant, profileId, "firmwareId", fw).ok();
        assertError(tenant.delete("/api/otaPackage/" + fw), 400, "device profile");
        assignToProfile(tenant, profileId, "firmwareId", null).ok();
        assignToDevice(tenant, d.id(), "firmwareId", fw).ok();
        assertError(tenant.delete("/api/otaPackage/" + fw), 400, "device");
        assignToDevice(tenant, d.id(), "firmwareId", null).ok();
        tenant.delete("/api/otaPackage/" + fw).ok();
        assertThat(tenant.get("/api/otaPackage/" + fw).status()).isEqualTo(404);
    }

    @Test
    void deletingAProfileDeletesItsPackages() {
        Api tenant = anon.newTenant();
        String profileId = Api.id(tenant.post("/api/deviceProfile",
                Json.object().put("name", "p-" + UUID.randomUUID())).ok());
        String fw = packageWithFile(tenant, profileId, "FIRMWARE", "f", "1", randomBytes(10, 15));
        assignToProfile(tenant, profileId, "firmwareId", fw).ok();

        // A new profile cannot start with another profile's package.
        ObjectNode copy = Json.object().put("name", "copy-" + UUID.randomUUID());
        copy.set("firmwareId", ref(fw));
        assertError(tenant.post("/api/deviceProfile", copy), 400, "new device profile");

        tenant.delete("/api/deviceProfile/" + profileId).ok();
        assertThat(tenant.get("/api/otaPackage/" + fw).status()).isEqualTo(404);
    }

    @Test
    void assignmentIsChecked() {
        Api.TestDevice d = anon.newTenantWithDevice("otachk");
        Api tenant = d.tenant();
        String profileId = defaultProfileId(tenant);
        String sw = packageWithFile(tenant, profileId, "SOFTWARE", "s", "1", randomBytes(10, 9));
        String empty = createPackage(tenant, profileId, "FIRMWARE", "empty", "1");
        ObjectNode otherProfile = Json.object().put("name", "other-" + UUID.randomUUID());
        String otherProfileId = Api.id(tenant.post("/api/deviceProfile", otherProfile).ok());
        String foreign = packageWithFile(tenant, otherProfileId, "FIRMWARE", "o", "1", randomBytes(10, 10));
        Api.TestDevice stranger = anon.newTenantWithDevice("otachk2");
        String strangers = packageWithFile(stranger.tenant(), defaultProfileId(stranger.tenant()), "FIRMWARE", "x",
                "1", randomBytes(10, 11));

        assertError(assignToDevice(tenant, d.id(), "firmwareId", sw), 400, "FIRMWARE");
        assertError(assignToDevice(tenant, d.id(), "firmwareId", empty), 400, "no file");
        assertError(assignToDevice(tenant, d.id(), "firmwareId", foreign), 400, "another device profile");
        assertError(assignToDevice(tenant, d.id(), "firmwareId", strangers), 400, "does not exist");
        assertError(assignToDevice(tenant, d.id(), "firmwareId", UUID.randomUUID().toString()), 400, "does not exist");
        assertError(assignToProfile(tenant, profileId, "softwareId", foreign), 400, "SOFTWARE");
        assertError(assignToProfile(tenant, profileId, "firmwareId", strangers), 400, "does not exist");
        assertThat(tenant.get("/api/device/" + d.id()).ok().get("firmwareId").isNull()).isTrue();
        assertThat(shared(d.token()).size()).isZero();
    }

    // ---- the HTTP device download ----

    @Test
    void httpDeviceDownloadsInChunksByteForByte() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("otahttp");
        Api tenant = d.tenant();
        String profileId = defaultProfileId(tenant);
        byte[] data = randomBytes(300_000, 12);
        String fw = packageWithFile(tenant, profileId, "FIRMWARE", "sensor fw", "1.1.10", data);
        String base = "/api/v1/" + d.token() + "/firmware?title=" + enc("sensor fw") + "&version=1.1.10";
        assertError(anon.get(base), 404, "no firmware");
        assignToDevice(tenant, d.id(), "firmwareId", fw).ok();

        // In chunks, until a short one.
        int size = 16_384;
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        for (int chunk = 0; ; chunk++) {
            byte[] part = anon.getBytes(base + "&size=" + size + "&chunk=" + chunk).ok();
            got.writeBytes(part);
            if (part.length < size) {
                break;
            }
        }
        assertThat(got.toByteArray()).isEqualTo(data);
        assertThat(anon.getBytes(base + "&size=" + size + "&chunk=1000").ok()).isEmpty();

        // Whole, and in chunks larger than one streaming step.
        Api.BytesRes whole = anon.getBytes(base);
        assertThat(whole.ok()).isEqualTo(data);
        assertThat(whole.headers().firstValue("Content-Disposition").orElse("")).contains("fw.bin");
        ByteArrayOutputStream big = new ByteArrayOutputStream();
        big.writeBytes(anon.getBytes(base + "&size=280000&chunk=0").ok());
        big.writeBytes(anon.getBytes(base + "&size=280000&chunk=1").ok());
        assertThat(big.toByteArray()).isEqualTo(data);

        // Names compare exactly: 1.1.1 is not 1.1.10.
        assertError(anon.get("/api/v1/" + d.token() + "/firmware?title=" + enc("sensor fw") + "&version=1.1.1"), 400,
                "not the one assigned");
        assertError(anon.get("/api/v1/" + d.token() + "/firmware?title=sensor&version=1.1.10"), 400,
                "not the one assigned");
        assertError(anon.get("/api/v1/" + d.token() + "/firmware?version=1.1.10"), 400, "title");
        assertError(anon.get(base + "&size=-1"), 400, "size");
        assertError(anon.get(base + "&chunk=abc"), 400, "chunk");
        assertError(anon.get("/api/v1/" + d.token() + "/software?title=a&version=1"), 404, "no software");
        assertThat(anon.get("/api/v1/nope/firmware?title=a&version=1").status()).isEqualTo(401);

        // Software the same way.
        byte[] swData = randomBytes(1000, 13);
        String sw = packageWithFile(tenant, profileId, "SOFTWARE", "app", "3", swData);
        assignToDevice(tenant, d.id(), "softwareId", sw).ok();
        assertThat(anon.getBytes("/api/v1/" + d.token() + "/software?title=app&version=3").ok()).isEqualTo(swData);
        assertThat(anon.getBytes("/api/v1/" + d.token() + "/software?title=app&version=3&size=300&chunk=3").ok())
                .isEqualTo(java.util.Arrays.copyOfRange(swData, 900, 1000));
    }

    @Test
    void urlPackagesAreAnnouncedButNotServed() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("otaurl");
        Api tenant = d.tenant();
        String profileId = defaultProfileId(tenant);
        ObjectNode body = Json.object().put("title", "remote").put("version", "5").put("type", "FIRMWARE")
                .put("tag", "remote 5").put("url", "https://updates.example.com/remote-5.bin")
                .put("checksumAlgorithm", "SHA256").put("checksum", "ab12");
        body.putObject("deviceProfileId").put("entityType", "DEVICE_PROFILE").put("id", profileId);
        JsonNode created = tenant.post("/api/otaPackage", body).ok();
        assertThat(created.get("hasData").asBoolean()).isFalse();
        assertThat(created.get("url").asString()).isEqualTo("https://updates.example.com/remote-5.bin");
        String id = Api.id(created);
        assertError(upload(tenant, id, "SHA256", null, new byte[] {1, 2}), 400, "URL");
        assertThat(tenant.get("/api/otaPackages/" + profileId + "/FIRMWARE?pageSize=10&page=0").ok().get("data"))
                .hasSize(1);

        assignToDevice(tenant, d.id(), "firmwareId", id).ok();
        JsonNode attrs = shared(d.token());
        assertThat(attrs.get("fw_url").asString()).isEqualTo("https://updates.example.com/remote-5.bin");
        assertThat(attrs.get("fw_tag").asString()).isEqualTo("remote 5");
        assertThat(attrs.get("fw_checksum").asString()).isEqualTo("ab12");
        assertThat(attrs.has("fw_size")).isFalse();
        assertError(anon.get("/api/v1/" + d.token() + "/firmware?title=remote&version=5"), 404, "URL");

        // Moving to a stored package drops fw_url and fw_tag.
        String stored = packageWithFile(tenant, profileId, "FIRMWARE", "local", "6", randomBytes(10, 14));
        assignToDevice(tenant, d.id(), "firmwareId", stored).ok();
        attrs = shared(d.token());
        assertThat(attrs.has("fw_url")).isFalse();
        assertThat(attrs.has("fw_tag")).isFalse();
        assertThat(attrs.get("fw_title").asString()).isEqualTo("local");
    }

    // ---- bad input ----

    @Test
    void badInputOnEveryEndpoint() {
        Api tenant = anon.newTenant();
        String profileId = defaultProfileId(tenant);
        Map<String, ObjectNode> bodies = new LinkedHashMap<>();
        bodies.put("title", Json.object().put("version", "1").put("type", "FIRMWARE"));
        bodies.put("version", Json.object().put("title", "t").put("type", "FIRMWARE"));
        bodies.put("type", Json.object().put("title", "t").put("version", "1"));
        bodies.put("FIRMWARE or SOFTWARE", Json.object().put("title", "t").put("version", "1").put("type", "BIOS"));
        bodies.put("URL", Json.object().put("title", "t").put("version", "1").put("type", "FIRMWARE")
                .put("url", "not a url"));
        bodies.put("length", Json.object().put("title", "t".repeat(300)).put("version", "1").put("type", "FIRMWARE"));
        bodies.put("checksumAlgorithm", Json.object().put("title", "t").put("version", "1").put("type", "FIRMWARE")
                .put("url", "http://x.example/a").put("checksum", "aa").put("checksumAlgorithm", "SHA1"));
        for (Map.Entry<String, ObjectNode> e : bodies.entrySet()) {
            e.getValue().putObject("deviceProfileId").put("entityType", "DEVICE_PROFILE").put("id", profileId);
            assertError(tenant.post("/api/otaPackage", e.getValue()), 400, e.getKey());
        }
        assertError(tenant.post("/api/otaPackage", Json.object().put("title", "t").put("version", "1")
                .put("type", "FIRMWARE")), 400, "device profile");
        assertError(tenant.post("/api/otaPackage", "{\"title\":"), 400, "");
        assertThat(anon.post("/api/otaPackage", Json.object()).status()).isEqualTo(401);
        assertThat(anon.sysadmin().post("/api/otaPackage", Json.object()).status()).isEqualTo(403);

        String id = createPackage(tenant, profileId, "FIRMWARE", "t", "1");
        // Updates may change the tag and additional info only.
        ObjectNode update = (ObjectNode) tenant.get("/api/otaPackage/" + id).ok();
        update.put("tag", "stable");
        assertThat(tenant.post("/api/otaPackage", update).ok().get("tag").asString()).isEqualTo("stable");
        update.put("version", "2");
        assertError(tenant.post("/api/otaPackage", update), 400, "cannot be changed");

        // Uploads.
        assertError(upload(tenant, id, "SHA1", null, new byte[] {1}), 400, "checksumAlgorithm");
        assertError(upload(tenant, id, "MD5", null, new byte[0]), 400, "empty");
        assertError(tenant.postFile("/api/otaPackage/" + id, null, null, null, null), 400, "file");
        assertError(tenant.post("/api/otaPackage/" + id, "{}"), 400, "");
        assertError(upload(tenant, "not-a-uuid", "MD5", null, new byte[] {1}), 400, "");
        assertError(upload(tenant, UUID.randomUUID().toString(), "MD5", null, new byte[] {1}), 404, "");
        assertError(upload(tenant, id, "MD5", "x".repeat(2000), new byte[] {1}), 400, "checksum");

        // Reads, lists and deletes.
        assertError(tenant.get("/api/otaPackage/not-a-uuid"), 400, "");
        assertError(tenant.get("/api/otaPackage/" + UUID.randomUUID()), 404, "");
        assertError(tenant.get("/api/otaPackage/info/" + UUID.randomUUID()), 404, "");
        assertError(tenant.get("/api/otaPackage/" + id + "/download"), 404, "no file");
        assertError(tenant.get("/api/otaPackages?pageSize=0&page=0"), 400, "pageSize");
        assertError(tenant.get("/api/otaPackages?pageSize=10"), 400, "page");
        assertError(tenant.get("/api/otaPackages?pageSize=10&page=0&sortProperty=nope"), 400, "sortProperty");
        assertError(tenant.get("/api/otaPackages/not-a-uuid/FIRMWARE?pageSize=10&page=0"), 400, "");
        assertError(tenant.delete("/api/otaPackage/" + UUID.randomUUID()), 404, "");
        assertError(tenant.delete("/api/otaPackage/not-a-uuid"), 400, "");
        assertThat(tenant.get("/api/otaPackage/" + id).status()).isEqualTo(200);
    }
}
