package io.mote.server.it.lwm2m;

import static io.mote.server.it.console.Browser.await;
import static io.mote.server.it.console.Browser.awaitElement;
import static io.mote.server.it.console.Browser.awaitText;
import static io.mote.server.it.console.Browser.docShot;
import static io.mote.server.it.console.Browser.go;
import static io.mote.server.it.console.Browser.signIn;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import tools.jackson.databind.JsonNode;

import io.mote.server.it.Api;
import io.mote.server.it.TestServer;
import io.mote.server.it.console.Browser;

/**
 * The spec's LwM2M Getting Started done in the console with a real Leshan client: upload a model to the
 * resource library, build the profile (attributes, telemetry, observe), create a NoSec device, watch the
 * registered client's values arrive live, Read from the RPC terminal and from the object browser.
 */
@ExtendWith(Browser.class)
class ConsoleLwm2mBrowserTest {

    private final TestServer server = TestServer.shared();
    private TestClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void gettingStartedInTheConsole() throws Exception {
        ChromeDriver d = Browser.driver();
        Api tenant = server.api().newTenant();
        String email = tenant.get("/api/auth/user").ok().get("email").asString();
        signIn(d, server.baseUrl(), email, "secret-pw");
        String ver = TestClient.deviceVersion();
        String key = "3_" + ver;

        // Step 1: the tenant's own model of the Device object, uploaded as a DDF file.
        Path ddf = Files.createTempFile("device-object", ".xml");
        Files.writeString(ddf, Models.ddf(3, ver, "Device",
                new String[] {"0", "Manufacturer", "R", "String"}, new String[] {"1", "Model Number", "R", "String"},
                new String[] {"2", "Serial Number", "R", "String"}, new String[] {"4", "Reboot", "E", ""},
                new String[] {"9", "Battery Level", "R", "Integer"}, new String[] {"14", "UTC Offset", "RW", "String"},
                new String[] {"16", "Supported Binding and Modes", "R", "String"}), StandardCharsets.UTF_8);
        go(d, "resources");
        awaitElement(d, By.cssSelector("#resources tbody tr"));
        d.findElement(By.id("ddf-files")).sendKeys(ddf.toAbsolutePath().toString());
        await(d, x -> x.findElements(By.cssSelector("#resources tbody tr")).stream()
                .filter(r -> r.getText().contains(key) && r.getText().contains("tenant")).findFirst().orElse(null));
        docShot(d, "resources");
        Files.deleteIfExists(ddf);

        // Step 2: the profile: manufacturer and UTC offset as attributes, battery level as observed telemetry.
        String profileName = "lwm2m-console-" + UUID.randomUUID().toString().substring(0, 6);
        go(d, "profiles/new");
        awaitElement(d, By.id("profile-name")).sendKeys(profileName);
        new Select(d.findElement(By.id("profile-transport"))).selectByValue("LWM2M");
        await(d, x -> x.findElements(By.cssSelector("#lwm2m-add-object option[value='" + key + "']")).isEmpty() ? null : true);
        new Select(d.findElement(By.id("lwm2m-add-object"))).selectByValue(key);
        String p = "/" + key + "/0/";
        awaitElement(d, By.cssSelector("tr[data-path='" + p + "0'] input[data-kind=attribute]")).click();
        d.findElement(By.cssSelector("tr[data-path='" + p + "14'] input[data-kind=attribute]")).click();
        d.findElement(By.cssSelector("tr[data-path='" + p + "9'] input[data-kind=telemetry]")).click();
        d.findElement(By.cssSelector("tr[data-path='" + p + "9'] input[data-kind=observe]")).click();
        new Select(d.findElement(By.id("observe-strategy"))).selectByValue("SINGLE");
        docShot(d, "profile-lwm2m");
        d.findElement(By.id("profile-save")).click();
        await(d, x -> String.valueOf(Browser.js(x, "return location.hash")).matches("#/profiles/[0-9a-f-]{36}") ? true : null);
        JsonNode profile = tenant.get("/api/deviceProfiles?pageSize=10&page=0&textSearch=" + profileName).ok().get("data").get(0);
        JsonNode oa = profile.get("profileData").get("transportConfiguration").get("observeAttr");
        assertThat(oa.get("attribute").toString()).contains(p + "0", p + "14");
        assertThat(oa.get("telemetry").toString()).contains(p + "9");
        assertThat(oa.get("observe").toString()).contains(p + "9");
        assertThat(oa.get("keyName").get(p + "9").asString()).isEqualTo("batteryLevel");

        // Step 3: a device with NoSec credentials naming its endpoint.
        String endpoint = "console-ep-" + UUID.randomUUID().toString().substring(0, 8);
        go(d, "devices");
        awaitElement(d, By.id("add-device")).click();
        awaitElement(d, By.id("device-name")).sendKeys(endpoint);
        new Select(d.findElement(By.id("device-profile"))).selectByVisibleText(profileName + " · LWM2M");
        new Select(d.findElement(By.id("cred-type"))).selectByValue("LWM2M_CREDENTIALS");
        new Select(d.findElement(By.id("lwm2m-mode"))).selectByValue("NO_SEC");
        assertThat(d.findElement(By.id("lwm2m-endpoint")).getAttribute("value")).isEqualTo(endpoint);
        d.findElement(By.id("device-save")).click();
        awaitText(d, By.cssSelector("#devices tbody tr"), endpoint).findElement(By.linkText(endpoint)).click();
        awaitElement(d, By.id("latest-telemetry"));

        // Step 4: the client registers; its values appear on the open page.
        client = new TestClient(endpoint, server.lwm2mPort());
        client.awaitRegistered();
        awaitText(d, By.cssSelector("#latest-telemetry tr[data-key=batteryLevel] td.val"), "75");
        awaitText(d, By.cssSelector("#attrs-CLIENT_SCOPE tr[data-key=manufacturer] td.val"), "Mote Test Device");
        client.device.setBattery(42);
        awaitText(d, By.cssSelector("#latest-telemetry tr[data-key=batteryLevel] td.val"), "42");
        awaitText(d, By.id("device-state"), "active");
        docShot(d, "device-lwm2m");

        // Step 5: an RPC Read from the terminal answers.
        d.findElement(By.cssSelector("[data-tab=rpc]")).click();
        WebElement params = awaitElement(d, By.id("rpc-params"));
        assertThat(d.findElement(By.id("rpc-method")).getAttribute("value")).isEqualTo("Read");
        params.clear();
        params.sendKeys("{\"id\":\"/3/0/9\"}");
        d.findElement(By.id("rpc-send")).click();
        awaitText(d, By.id("rpc-out"), "CONTENT");
        assertThat(d.findElement(By.id("rpc-out")).getText()).contains("value=42");
        docShot(d, "rpc");

        // The object browser: objects as announced, resources from the model, Read answered inline.
        d.findElement(By.cssSelector("[data-tab=objects]")).click();
        WebElement row = awaitElement(d, By.cssSelector("#objects tr[data-path='/3/0/9']"));
        assertThat(row.getText()).contains("Battery Level").contains("Integer");
        row.findElement(By.cssSelector("button[data-op=Read]")).click();
        awaitText(d, By.cssSelector("#objects tr[data-path='/3/0/9'] td.inline-answer"), "CONTENT");
        WebElement reboot = d.findElement(By.cssSelector("#objects tr[data-path='/3/0/4']"));
        assertThat(reboot.findElements(By.cssSelector("button[data-op=Execute]"))).hasSize(1);
        assertThat(reboot.findElements(By.cssSelector("button[data-op=Read]"))).isEmpty();
        reboot.findElement(By.cssSelector("button[data-op=Execute]")).click();
        awaitText(d, By.cssSelector("#objects tr[data-path='/3/0/4'] td.inline-answer"), "CHANGED");
        assertThat(client.device.reboots).isEqualTo(1);
        docShot(d, "lwm2m-objects");
    }
}
