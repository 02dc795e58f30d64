package io.mote.server.it.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.mote.common.json.Json;
import io.mote.server.it.Api;
import io.mote.server.it.TestServer;

/**
 * Password guessing on {@code /api/auth/login} is throttled per account and per client address with 429
 * and Mote's error body; each lockout ends. A server of its own with small limits, so locking out the
 * test address does not touch the other tests.
 */
class LoginThrottleTest {

    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(Files.createTempDirectory("mote-throttle"),
                "--mote.auth.login.max-failures=3", "--mote.auth.login.max-failures-per-address=6",
                "--mote.auth.login.lockout-ms=2000", "--mote.auth.login.max-lockout-ms=4000");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Api.Res login(String user, String password) {
        return server.api().post("/api/auth/login", Json.object().put("username", user).put("password", password));
    }

    private static void assertThrottled(Api.Res r) {
        assertThat(r.status()).as(r.text()).isEqualTo(429);
        JsonNode err = r.json();
        assertThat(err.get("status").asInt()).isEqualTo(429);
        assertThat(err.get("errorCode").asInt()).isEqualTo(33);
        assertThat(err.get("message").asString()).startsWith("Too many failed login attempts; try again in ");
    }

    /** Polls the login until it answers 200 (the lockout ended), at most 60 s. */
    private static void awaitLogin(String user, String password) throws InterruptedException {
        long end = System.currentTimeMillis() + 60_000;
        Api.Res r;
        while ((r = login(user, password)).status() != 200) {
            assertThat(r.status()).as(r.text()).isEqualTo(429);
            assertThat(System.currentTimeMillis()).as("lockout never ended").isLessThan(end);
            Thread.sleep(200);
        }
    }

    private static double throttledMetric(String scope) {
        Api sys = server.api().sysadmin();
        String text = sys.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(server.baseUrl() + "/actuator/prometheus"))).text();
        return text.lines().filter(l -> l.startsWith("mote_auth_login_throttled_total{") && l.contains("scope=\"" + scope + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(-1);
    }

    @Test
    void anAccountIsLockedOutAfterFailuresAndTheLockoutEnds() throws Exception {
        String user = "tenant@mote.local";
        for (int i = 0; i < 3; i++) {
            assertThat(login(user, "wrong-" + i).status()).isEqualTo(401);
        }
        // Locked: even the right password is refused until the lockout ends; the case of the name does not matter.
        assertThrottled(login(user, TestServer.TENANT_PASSWORD));
        assertThrottled(login("Tenant@Mote.Local", "wrong"));
        assertThat(throttledMetric("account")).isGreaterThanOrEqualTo(2);
        awaitLogin(user, TestServer.TENANT_PASSWORD);
        // A success clears the record: three more failures are needed for the next lockout.
        assertThat(login(user, "wrong").status()).isEqualTo(401);
        assertThat(login(user, TestServer.TENANT_PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void anAddressIsLockedOutAcrossAccounts() throws Exception {
        for (int i = 0; i < 6; i++) {
            // Two failures per made-up account: no account reaches its own limit of 3.
            assertThat(login("nobody-" + (i / 2) + "@example.com", "wrong").status()).isEqualTo(401);
        }
        assertThrottled(login("someone-else@example.com", "wrong"));
        assertThrottled(login("tenant@mote.local", TestServer.TENANT_PASSWORD));
        awaitLogin("tenant@mote.local", TestServer.TENANT_PASSWORD);
        assertThat(throttledMetric("address")).isGreaterThanOrEqualTo(2);
    }
}
