package io.mote.server.it.console;

import static io.mote.server.it.console.Browser.await;
import static io.mote.server.it.console.Browser.awaitElement;
import static io.mote.server.it.console.Browser.awaitText;
import static io.mote.server.it.console.Browser.js;
import static io.mote.server.it.console.Browser.signIn;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

import io.mote.server.it.Api;
import io.mote.server.it.TestServer;

/**
 * The console's session on a server whose access tokens live a few seconds: the page refreshes the pair
 * with the refresh token before each expiry and keeps working, and signs out when a refresh is refused.
 */
@ExtendWith(Browser.class)
class ConsoleSessionTest {

    private static TestServer server;
    private static ChromeDriver d;

    @BeforeAll
    static void start() throws Exception {
        d = Browser.driver();
        server = TestServer.start(Files.createTempDirectory("mote-console-session"),
                "--mote.jwt.token-expiration-sec=6");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static long refreshes() {
        return ((Number) js(d, "return performance.getEntriesByType('resource')"
                + ".filter(e => e.name.endsWith('/api/auth/token')).length")).longValue();
    }

    @Test
    void theTokenIsRefreshedBeforeExpiryAndAFailedRefreshSignsOut() {
        Api tenant = server.api().newTenant();
        String email = tenant.get("/api/auth/user").ok().get("email").asString();
        String userId = Api.id(tenant.get("/api/auth/user").ok());

        signIn(d, server.baseUrl(), email, "secret-pw");
        assertThat(refreshes()).isZero();
        // Two refreshes: the second proves the refreshed pair was scheduled again, and by then the
        // token the sign-in answered has expired.
        await(d, x -> refreshes() >= 2 ? true : null);
        Browser.go(d, "profiles");
        awaitText(d, By.cssSelector("main table tbody"), "default");
        assertThat(d.findElements(By.id("username"))).isEmpty();

        // Once the user is gone the next refresh is refused: back to the sign-in form, with the reason.
        server.api().sysadmin().delete("/api/user/" + userId).ok();
        awaitElement(d, By.id("username"));
        assertThat(d.findElement(By.id("loginerr")).getText()).isEqualTo("Your session has expired. Sign in again.");
        assertThat(js(d, "return document.getElementById('nav')")).isNull();
    }
}
