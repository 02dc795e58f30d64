package io.mote.server.it.console;

import static io.mote.server.it.console.Browser.await;
import static io.mote.server.it.console.Browser.awaitElement;
import static io.mote.server.it.console.Browser.awaitText;
import static io.mote.server.it.console.Browser.docShot;
import static io.mote.server.it.console.Browser.signIn;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;
import io.mote.server.it.Api;
import io.mote.server.it.TestServer;

/** The console in a real browser against a running server: sign-in, devices, live values, chart, isolation. */
@ExtendWith(Browser.class)
class ConsoleBrowserTest {

    private static final String PASSWORD = "secret-pw";
    private static TestServer server;
    private static ChromeDriver d;

    @BeforeAll
    static void start() {
        d = Browser.driver();
        server = TestServer.shared();
    }

    static String email(Api user) {
        return user.get("/api/auth/user").ok().get("email").asString();
    }

    private static List<String> nav() {
        return d.findElements(By.cssSelector("#nav a")).stream().map(WebElement::getText).toList();
    }

    @Test
    void signInShowsTheNavigationOfTheUsersAuthority() {
        d.get(server.baseUrl() + "/?session=" + System.nanoTime());
        awaitElement(d, By.id("username")).sendKeys("tenant@mote.local");
        d.findElement(By.id("password")).sendKeys("wrong password");
        d.findElement(By.id("signin")).click();
        String error = await(d, x -> {
            String t = x.findElement(By.id("loginerr")).getText();
            return t.isBlank() ? null : t;
        });
        assertThat(error).isEqualTo(server.api().post("/api/auth/login",
                Json.object().put("username", "tenant@mote.local").put("password", "wrong password")).json()
                .get("message").asString());
        docShot(d, "sign-in");

        signIn(d, server.baseUrl(), "sysadmin@mote.local", TestServer.SYSADMIN_PASSWORD);
        assertThat(nav()).containsExactly("Tenants", "Resource library", "API keys");
        awaitElement(d, By.cssSelector("#tenants tbody tr"));

        signIn(d, server.baseUrl(), "tenant@mote.local", TestServer.TENANT_PASSWORD);
        assertThat(nav()).containsExactly("Devices", "Device profiles", "Customers", "Resource library",
                "OTA packages", "API keys");
        // Sign-out returns to the sign-in form, and the tokens are gone with it.
        d.findElement(By.id("signout")).click();
        awaitElement(d, By.id("username"));
        assertThat(Browser.js(d, "return document.getElementById('nav')")).isNull();
    }

    @Test
    void aDeviceCreatedInTheConsoleShowsItsMqttValueWithoutReload() throws Exception {
        Api tenant = server.api().newTenant();
        signIn(d, server.baseUrl(), email(tenant), PASSWORD);
        String name = "console-mqtt-" + UUID.randomUUID().toString().substring(0, 6);
        String token = "tok-" + UUID.randomUUID().toString().substring(0, 12);
        awaitElement(d, By.id("add-device")).click();
        awaitElement(d, By.id("device-name")).sendKeys(name);
        WebElement tokenInput = d.findElement(By.id("cred-token"));
        tokenInput.clear();
        tokenInput.sendKeys(token);
        d.findElement(By.id("device-save")).click();
        awaitText(d, By.cssSelector("#devices tbody tr"), name).findElement(By.linkText(name)).click();
        awaitElement(d, By.id("latest-telemetry"));

        // The connect panel's line for this device and this server's MQTT port.
        d.findElement(By.cssSelector("[data-tab=connect]")).click();
        String line = awaitText(d, By.cssSelector("#connect pre.cmd"), "mosquitto_pub").getText().replace("Copy", "").trim();
        assertThat(line).contains("-p " + server.mqttPort()).contains("-u '" + token + "'")
                .contains("-t v1/devices/me/telemetry");
        d.findElement(By.cssSelector("[data-tab=overview]")).click();
        awaitElement(d, By.id("latest-telemetry"));

        if (installed("mosquitto_pub")) {
            // Exactly the line the console shows, run by a shell as a user would paste it.
            Process p = new ProcessBuilder("bash", "-c", line).redirectErrorStream(true).start();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        } else {
            Mqtt3BlockingClient c = Mqtt3Client.builder().identifier("console-" + UUID.randomUUID())
                    .serverHost("127.0.0.1").serverPort(server.mqttPort()).buildBlocking();
            c.connectWith().simpleAuth().username(token).applySimpleAuth().send();
            c.publishWith().topic("v1/devices/me/telemetry").qos(MqttQos.AT_LEAST_ONCE)
                    .payload("{\"temperature\":25}".getBytes(StandardCharsets.UTF_8)).send();
            c.disconnect();
        }
        awaitText(d, By.cssSelector("#latest-telemetry tr[data-key=temperature] td.val"), "25");
        // The device's state turned active while the page was open.
        awaitText(d, By.id("device-state"), "active");
        docShot(d, "device");
    }

    @Test
    void theChartShowsStoredPoints() {
        Api tenant = server.api().newTenant();
        String id = Api.id(tenant.createDevice("chart-" + UUID.randomUUID(), "chart-" + UUID.randomUUID()));
        long now = System.currentTimeMillis();
        ArrayNode points = Json.MAPPER.createArrayNode();
        for (int i = 0; i < 24; i++) {
            points.addObject().put("ts", now - 50 * 60_000L + i * 120_000L).putObject("values")
                    .put("humidity", 40 + (i % 7)).put("pressure", 1000 + i);
        }
        tenant.post("/api/plugins/telemetry/DEVICE/" + id + "/timeseries/ANY", points).ok();
        signIn(d, server.baseUrl(), email(tenant), PASSWORD);
        Browser.go(d, "devices/" + id);
        awaitElement(d, By.cssSelector("[data-tab=chart]")).click();
        WebElement path = awaitElement(d, By.cssSelector("#chart-card path.series[data-key=humidity]"));
        assertThat(path.getAttribute("data-points")).isEqualTo("24");
        assertThat(path.getAttribute("d").split("L")).hasSize(24);
        docShot(d, "chart");
        // Aggregated by the server: AVG per interval gives fewer points than stored.
        new org.openqa.selenium.support.ui.Select(d.findElement(By.id("chart-agg"))).selectByValue("AVG");
        await(d, x -> {
            WebElement p = x.findElement(By.cssSelector("#chart-card path.series[data-key=humidity]"));
            int n = Integer.parseInt(p.getAttribute("data-points"));
            return n > 0 && n <= 24 ? p : null;
        });
    }

    @Test
    void aCustomerUserSeesOnlyTheirCustomersDevices() {
        Api tenant = server.api().newTenant();
        String a = Api.id(tenant.post("/api/customer", Json.object().put("title", "Customer A")).ok());
        String b = Api.id(tenant.post("/api/customer", Json.object().put("title", "Customer B")).ok());
        String mine = "dev-a-" + UUID.randomUUID().toString().substring(0, 6);
        String theirs = "dev-b-" + UUID.randomUUID().toString().substring(0, 6);
        String mineId = Api.id(tenant.createDevice(mine, UUID.randomUUID().toString()));
        String theirsId = Api.id(tenant.createDevice(theirs, UUID.randomUUID().toString()));
        tenant.post("/api/customer/" + a + "/device/" + mineId, Json.object()).ok();
        tenant.post("/api/customer/" + b + "/device/" + theirsId, Json.object()).ok();
        Api user = tenant.newCustomerUser(a);

        signIn(d, server.baseUrl(), email(user), PASSWORD);
        assertThat(nav()).containsExactly("Devices", "API keys");
        awaitText(d, By.cssSelector("#devices tbody"), mine);
        assertThat(d.findElement(By.id("devices")).getText()).doesNotContain(theirs);
        // No add / edit / delete for a customer user.
        assertThat(d.findElements(By.id("add-device"))).isEmpty();
        docShot(d, "devices-customer");
        // Even by its address the other customer's device is not shown.
        Browser.go(d, "devices/" + theirsId);
        WebElement err = awaitElement(d, By.cssSelector("main .empty.error"));
        assertThat(err.getText()).isNotBlank();
        assertThat(d.findElement(By.tagName("main")).getText()).doesNotContain(theirs);
    }

    @Test
    void aNewUserActivatesTheirAccountFromTheLinkAndIsSignedIn() throws Exception {
        Api tenant = server.api().newTenant();
        String customer = Api.id(tenant.post("/api/customer", Json.object().put("title", "Activation customer")).ok());
        String email = "new-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        ObjectNode user = Json.object().put("email", email).put("authority", "CUSTOMER_USER");
        user.putObject("customerId").put("entityType", "CUSTOMER").put("id", customer);
        String userId = Api.id(tenant.post("/api/user", user).ok());
        String link = tenant.get("/api/user/" + userId + "/activationLink").okText();

        // As in ThingsBoard, the link checks its token and sends the browser on to the password page.
        HttpResponse<Void> check = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(link)).build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(check.statusCode()).isEqualTo(303);
        assertThat(check.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).contains("#/activate?activateToken="));

        d.get(link);
        awaitElement(d, By.id("new-password")).sendKeys("chosen-pw-1");
        d.findElement(By.id("new-password-again")).sendKeys("chosen-pw-2");
        d.findElement(By.id("activate")).click();
        awaitText(d, By.id("activateerr"), "differ");
        d.findElement(By.id("new-password-again")).clear();
        d.findElement(By.id("new-password-again")).sendKeys("chosen-pw-1");
        docShot(d, "activate");
        d.findElement(By.id("activate")).click();
        awaitText(d, By.id("who"), email);
        assertThat(nav()).containsExactly("Devices", "API keys");

        // The token worked once: the link is used up, and the chosen password signs in.
        HttpResponse<Void> again = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(link)).build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(again.statusCode()).isEqualTo(409);
        signIn(d, server.baseUrl(), email, "chosen-pw-1");
    }

    private static String rollout(String state, int column) {
        return d.findElement(By.cssSelector("#rollout tr[data-state=" + state + "] td:nth-of-type(" + column + ")")).getText();
    }

    private static void awaitRollout(String state, String viaProfile, String viaDevice, String total) {
        await(d, x -> rollout(state, 1).equals(viaProfile) && rollout(state, 2).equals(viaDevice)
                && rollout(state, 3).equals(total) ? true : null);
    }

    @Test
    void theOtaPageCountsARollOutByStateAndFollowsItLive() {
        Api tenant = server.api().newTenant();
        String profileId = Api.id(tenant.get("/api/deviceProfileInfo/default").ok());
        ObjectNode pkg = Json.object().put("title", "fw-rollout").put("version", "2.0").put("type", "FIRMWARE")
                .put("url", "https://updates.example.com/fw-2.0.bin");
        pkg.putObject("deviceProfileId").put("entityType", "DEVICE_PROFILE").put("id", profileId);
        String pkgId = Api.id(tenant.post("/api/otaPackage", pkg).ok());
        String[] tokens = new String[4];
        for (int i = 0; i < 4; i++) {
            tokens[i] = "rollout-" + i + "-" + UUID.randomUUID();
            tenant.createDevice("rollout-" + i, tokens[i]);
        }
        // The profile's package reaches devices 0-2; device 3 is assigned the package itself.
        ObjectNode profile = (ObjectNode) tenant.get("/api/deviceProfile/" + profileId).ok();
        profile.putObject("firmwareId").put("entityType", "OTA_PACKAGE").put("id", pkgId);
        tenant.post("/api/deviceProfile", profile).ok();
        ObjectNode own = (ObjectNode) tenant.get("/api/tenant/devices?deviceName=rollout-3").ok();
        own.putObject("firmwareId").put("entityType", "OTA_PACKAGE").put("id", pkgId);
        tenant.post("/api/device", own).ok();
        Api anon = server.api().withoutToken();
        anon.post("/api/v1/" + tokens[0] + "/telemetry", Json.object().put("fw_state", "DOWNLOADING")).ok();
        anon.post("/api/v1/" + tokens[1] + "/telemetry", Json.object().put("fw_state", "UPDATED")).ok();

        signIn(d, server.baseUrl(), email(tenant), PASSWORD);
        Browser.go(d, "ota");
        awaitText(d, By.cssSelector("#ota tbody"), "fw-rollout");
        d.findElement(By.cssSelector("#ota button.progress")).click();
        awaitRollout("QUEUED", "1", "1", "2");
        awaitRollout("DOWNLOADING", "1", "0", "1");
        awaitRollout("UPDATED", "1", "0", "1");
        assertThat(d.findElement(By.id("rollout-note")).getText()).startsWith("4 device(s) target this package");
        docShot(d, "ota-rollout");

        // The panel refreshes by itself: a device that fails shows up without a reload.
        anon.post("/api/v1/" + tokens[0] + "/telemetry", Json.object().put("fw_state", "FAILED")).ok();
        awaitRollout("FAILED", "1", "0", "1");
        awaitRollout("DOWNLOADING", "0", "0", "0");
    }

    @Test
    void theLwm2mProfileEditorKeysResourcesOfEveryChosenInstance() {
        Api tenant = server.api().newTenant();
        signIn(d, server.baseUrl(), email(tenant), PASSWORD);
        String profileName = "multi-" + UUID.randomUUID().toString().substring(0, 6);
        Browser.go(d, "profiles/new");
        awaitElement(d, By.id("profile-name")).sendKeys(profileName);
        new Select(d.findElement(By.id("profile-transport"))).selectByValue("LWM2M");
        // Object 19 (BinaryAppDataContainer) is a multiple-instance object.
        String key = await(d, x -> x.findElements(By.cssSelector("#lwm2m-add-object option")).stream()
                .map(o -> o.getAttribute("value")).filter(v -> v.startsWith("19_")).findFirst().orElse(null));
        new Select(d.findElement(By.id("lwm2m-add-object"))).selectByValue(key);
        WebElement card = awaitElement(d, By.cssSelector(".lwm2m-object[data-key='" + key + "']"));
        assertThat(card.findElements(By.cssSelector(".chip"))).extracting(WebElement::getText).containsExactly("/0");
        card.findElement(By.cssSelector("input.new-instance")).sendKeys("3");
        card.findElement(By.cssSelector("button.add-instance")).click();
        String p0 = "/" + key + "/0/";
        String p3 = "/" + key + "/3/";
        awaitElement(d, By.cssSelector("tr[data-path='" + p3 + "0'] input[data-kind=telemetry]")).click();
        d.findElement(By.cssSelector("tr[data-path='" + p3 + "0'] input[data-kind=observe]")).click();
        d.findElement(By.cssSelector("tr[data-path='" + p0 + "5'] input[data-kind=attribute]")).click();
        // A third instance added and removed again leaves nothing of it in the profile.
        card = d.findElement(By.cssSelector(".lwm2m-object[data-key='" + key + "']"));
        card.findElement(By.cssSelector("input.new-instance")).sendKeys("7");
        card.findElement(By.cssSelector("button.add-instance")).click();
        awaitElement(d, By.cssSelector(".chip[data-instance='7'] button.drop-instance")).click();
        await(d, x -> x.findElements(By.cssSelector("tr[data-path='/" + key + "/7/0']")).isEmpty() ? true : null);
        docShot(d, "profile-lwm2m-instances");
        d.findElement(By.id("profile-save")).click();
        await(d, x -> String.valueOf(Browser.js(x, "return location.hash")).matches("#/profiles/[0-9a-f-]{36}") ? true : null);

        JsonNode oa = tenant.get("/api/deviceProfiles?pageSize=10&page=0&textSearch=" + profileName).ok().get("data").get(0)
                .get("profileData").get("transportConfiguration").get("observeAttr");
        assertThat(oa.get("telemetry").toString()).isEqualTo("[\"" + p3 + "0\"]");
        assertThat(oa.get("observe").toString()).isEqualTo("[\"" + p3 + "0\"]");
        assertThat(oa.get("attribute").toString()).isEqualTo("[\"" + p0 + "5\"]");
        String base = oa.get("keyName").get(p0 + "0").asString();
        assertThat(oa.get("keyName").get(p3 + "0").asString()).isEqualTo(base + "3");
        assertThat(oa.get("keyName").propertyNames()).noneMatch(k -> k.contains("/7/"));

        // Opened again, the editor shows both instances from the saved paths.
        signIn(d, server.baseUrl(), email(tenant), PASSWORD);
        Browser.go(d, "profiles/" + Api.id(tenant.get("/api/deviceProfiles?pageSize=10&page=0&textSearch=" + profileName).ok().get("data").get(0)));
        awaitElement(d, By.cssSelector("tr[data-path='" + p3 + "0'] input[data-kind=telemetry]"));
        assertThat(d.findElement(By.cssSelector("tr[data-path='" + p3 + "0'] input[data-kind=telemetry]")).isSelected()).isTrue();
        assertThat(d.findElements(By.cssSelector(".lwm2m-object[data-key='" + key + "'] .chip"))).hasSize(2);
    }

    private static boolean installed(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, tool).canExecute()) {
                return true;
            }
        }
        return false;
    }

}
