package io.mote.server.it.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;
import io.mote.server.it.Api;

/**
 * Debian's libcoap clients ({@code coap-client-notls}, and {@code coap-client-openssl} for DTLS PSK)
 * run as the CoAP device API documentation shows; skipped where they are not installed.
 */
class CoapLibcoapTest {

    private static final String PLAIN = "coap-client-notls";
    private static final String OPENSSL = "coap-client-openssl";

    private final Api anon = Coap.server().api();

    @TempDir
    Path tmp;

    private static boolean installed(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, tool).canExecute()) {
                return true;
            }
        }
        return false;
    }

    private static Process start(String... cmd) throws IOException {
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    /** Runs a client to its end; answers what it printed. */
    private static String run(String... cmd) throws IOException, InterruptedException {
        return finish(start(cmd), 30);
    }

    private static String finish(Process p, int seconds) throws IOException, InterruptedException {
        assertThat(p.waitFor(seconds, TimeUnit.SECONDS)).as("client finished").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private static String uri(String path) {
        return "coap://127.0.0.1:" + Coap.server().coapPort() + path;
    }

    private String file(String name, String content) throws IOException {
        Path f = tmp.resolve(name);
        Files.writeString(f, content);
        return f.toString();
    }

    @Test
    void telemetryAndAttributesAsTheDocumentationShows() throws Exception {
        assumeTrue(installed(PLAIN), PLAIN + " is not installed");
        Api.TestDevice d = anon.newTenantWithDevice("libcoap");
        String base = "/api/v1/" + d.token();
        run(PLAIN, "-m", "post", "-f", file("telemetry-data-as-object.json", "{\"stringKey\":\"value1\",\"booleanKey\":true,"
                + "\"doubleKey\":42.0,\"longKey\":73,\"jsonKey\":{\"someNumber\":42,\"someArray\":[1,2,3]}}"), uri(base + "/telemetry"));
        run(PLAIN, "-m", "post", "-f", file("telemetry-data-as-array.json", "[{\"key1\":\"value1\"}, {\"key2\":true}]"),
                uri(base + "/telemetry"));
        run(PLAIN, "-m", "post", "-f", file("telemetry-data-with-ts.json", "{\"ts\":1451649600512,\"values\":{\"withTs\":1}}"),
                uri(base + "/telemetry"));
        JsonNode ts = d.tenant().get("/api/plugins/telemetry/DEVICE/" + d.id()
                + "/values/timeseries?keys=longKey,key2,withTs").ok();
        assertThat(ts.get("longKey").get(0).get("value").asString()).isEqualTo("73");
        assertThat(ts.get("key2").get(0).get("value").asString()).isEqualTo("true");
        assertThat(ts.get("withTs").get(0).get("ts").asLong()).isEqualTo(1451649600512L);

        run(PLAIN, "-m", "post", "-f", file("new-attributes-values.json",
                "{\"attribute1\":\"value1\",\"attribute2\":true,\"attribute3\":42.0}"), uri(base + "/attributes"));
        String got = run(PLAIN, "-m", "get", uri(base + "/attributes?clientKeys=attribute1,attribute2&sharedKeys=shared1,shared2"));
        assertThat(got.trim()).isEqualTo("{\"client\":{\"attribute1\":\"value1\",\"attribute2\":true}}");
    }

    @Test
    void observeSharedAttributesForAFewSeconds() throws Exception {
        assumeTrue(installed(PLAIN), PLAIN + " is not installed");
        Api.TestDevice d = anon.newTenantWithDevice("libcoap-observe");
        Process observe = start(PLAIN, "-m", "get", "-s", "4", uri("/api/v1/" + d.token() + "/attributes"));
        awaitObservers(d.id());
        d.tenant().post("/api/plugins/telemetry/DEVICE/" + d.id() + "/attributes/SHARED_SCOPE", "{\"shared1\":42}").ok();
        String out = finish(observe, 20);
        assertThat(out).startsWith("{}").contains("{\"shared1\":42}");
    }

    @Test
    void serverSideRpcAndItsResponse() throws Exception {
        assumeTrue(installed(PLAIN), PLAIN + " is not installed");
        Api.TestDevice d = anon.newTenantWithDevice("libcoap-rpc");
        Process observe = start(PLAIN, "-m", "get", uri("/api/v1/" + d.token() + "/rpc"), "-s", "6", "-B", "6");
        awaitObservers(d.id());
        CompletableFuture<Api.Res> call = CompletableFuture.supplyAsync(() -> d.tenant().post("/api/rpc/twoway/" + d.id(),
                "{\"method\":\"connect\",\"params\":{},\"timeout\":15000}"));
        // The first RPC of a device has id 1, as in the documentation's example.
        Thread.sleep(1_000);
        run(PLAIN, "-f", file("rpc-response.json", "{\"result\":\"ok\"}"), "-m", "post", uri("/api/v1/" + d.token() + "/rpc/1"));
        Api.Res res = call.get(20, TimeUnit.SECONDS);
        assertThat(res.status()).as(res.text()).isEqualTo(200);
        assertThat(res.json().get("result").asString()).isEqualTo("ok");
        assertThat(finish(observe, 20)).contains("\"method\":\"connect\"").contains("\"id\":1");
    }

    @Test
    void provisioningAndFirmwareDownload() throws Exception {
        assumeTrue(installed(PLAIN), PLAIN + " is not installed");
        Api tenant = anon.newTenant();
        String key = "key-" + UUID.randomUUID();
        ObjectNode p = Json.object().put("name", "prov-" + UUID.randomUUID()).put("provisionDeviceKey", key);
        ObjectNode data = p.putObject("profileData");
        data.putObject("transportConfiguration").put("type", "DEFAULT");
        data.putObject("provisionConfiguration").put("type", "ALLOW_CREATE_NEW_DEVICES").put("provisionDeviceSecret", "s3cret");
        String profileId = Api.id(tenant.post("/api/deviceProfile", p).ok());
        String name = "libcoap-prov-" + UUID.randomUUID();
        String answer = run(PLAIN, "-m", "post", "-f", file("provision.json", Json.write(Json.object().put("deviceName", name)
                .put("provisionDeviceKey", key).put("provisionDeviceSecret", "s3cret"))), uri("/api/v1/provision"));
        JsonNode provisioned = Json.parse(answer.trim());
        assertThat(provisioned.get("status").asString()).as(answer).isEqualTo("SUCCESS");
        String token = provisioned.get("credentialsValue").asString();
        String deviceId = Api.id(tenant.get("/api/tenant/devices?deviceName=" + name).ok());

        // An image of 50 blocks and a bit: libcoap fetches it blockwise.
        byte[] image = new byte[50 * 1024 + 321];
        new Random(5).nextBytes(image);
        ObjectNode pkg = Json.object().put("title", "fw").put("version", "1.2").put("type", "FIRMWARE");
        pkg.putObject("deviceProfileId").put("entityType", "DEVICE_PROFILE").put("id", profileId);
        String pkgId = Api.id(tenant.post("/api/otaPackage", pkg).ok());
        tenant.postFile("/api/otaPackage/" + pkgId + "?checksumAlgorithm=SHA256", "file", "fw.bin",
                "application/octet-stream", image).ok();
        ObjectNode device = (ObjectNode) tenant.get("/api/device/" + deviceId).ok();
        device.putObject("firmwareId").put("entityType", "OTA_PACKAGE").put("id", pkgId);
        tenant.post("/api/device", device).ok();

        Path fw = tmp.resolve("fw.bin");
        run(PLAIN, "-m", "get", "-o", fw.toString(), uri("/api/v1/" + token + "/firmware?title=fw&version=1.2"));
        assertThat(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(fw)))
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(image));
    }

    @Test
    void tokenlessTelemetryOverDtlsWithPsk() throws Exception {
        assumeTrue(installed(OPENSSL), OPENSSL + " is not installed");
        Api.TestDevice d = anon.newTenantWithDevice("libcoap-psk");
        String identity = "libcoap-" + UUID.randomUUID();
        String key = "secretpsk1234567"; // libcoap takes the key as text; the credentials hold its bytes in hex
        ObjectNode value = Json.object();
        value.putObject("client").put("securityConfigClientMode", "PSK").put("endpoint", identity)
                .put("identity", identity).put("key", HexFormat.of().formatHex(key.getBytes(StandardCharsets.US_ASCII)));
        value.putObject("bootstrap");
        ObjectNode creds = Json.object();
        creds.putObject("deviceId").put("entityType", "DEVICE").put("id", d.id());
        creds.put("credentialsType", "LWM2M_CREDENTIALS").put("credentialsValue", Json.write(value));
        d.tenant().post("/api/device/credentials", creds).ok();

        String secure = "coaps://127.0.0.1:" + Coap.server().coapDtlsPort();
        run(OPENSSL, "-m", "post", "-k", key, "-u", identity, "-e", "{\"viaLibcoapPsk\":1}", secure + "/api/v1/telemetry");
        assertThat(d.tenant().get("/api/plugins/telemetry/DEVICE/" + d.id() + "/values/timeseries?keys=viaLibcoapPsk").ok()
                .get("viaLibcoapPsk").get(0).get("value").asString()).isEqualTo("1");
        run(OPENSSL, "-m", "post", "-k", key, "-u", identity, "-e", "{\"fw\":\"2.0\"}", secure + "/api/v1/attributes");
        String got = run(OPENSSL, "-m", "get", "-k", key, "-u", identity, secure + "/api/v1/attributes?clientKeys=fw");
        assertThat(got.trim()).isEqualTo("{\"client\":{\"fw\":\"2.0\"}}");
    }

    /** Waits until the client's observation reached the core. */
    private static void awaitObservers(String deviceId) throws InterruptedException {
        var sessions = Coap.server().bean(io.mote.core.session.DeviceSessionRegistry.class);
        long deadline = System.currentTimeMillis() + 10_000;
        while (!sessions.isConnected(UUID.fromString(deviceId)) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(sessions.isConnected(UUID.fromString(deviceId))).as("observing").isTrue();
        Thread.sleep(200); // the first answer is on its way
    }
}
