package io.mote.server.it.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;

import org.junit.jupiter.api.Test;

import io.mote.server.it.Api;
import io.mote.server.it.TestServer;

/**
 * The actuator: {@code /actuator/health} is public; the index, metrics and Prometheus need a SYS_ADMIN on
 * the application port, and move to their own port with {@code management.server.port}.
 */
class ActuatorAccessTest {

    private static Api.Res get(Api api, String url) {
        return api.send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    private static void assertError(Api.Res r, int status) {
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        assertThat(r.json().get("status").asInt()).isEqualTo(status);
        assertThat(r.json().get("message").asString()).isNotBlank();
    }

    @Test
    void onlyHealthIsPublicOnTheApplicationPort() {
        TestServer server = TestServer.shared();
        Api anon = server.api();
        String base = server.baseUrl();
        Api.Res health = get(anon, base + "/actuator/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asString()).isEqualTo("UP");

        for (String path : new String[] {"/actuator", "/actuator/", "/actuator/prometheus", "/actuator/metrics",
                "/actuator/health/../prometheus", "/actuator;x=1/prometheus", "/ACTUATOR/prometheus"}) {
            Api.Res r = get(anon, base + path);
            assertThat(r.status()).as(path + " -> " + r.text()).isIn(400, 401, 404);
            assertThat(r.text()).as(path).doesNotContain("jvm_memory").doesNotContain("_links");
        }
        assertError(get(anon, base + "/actuator/prometheus"), 401);
        assertError(get(anon.withToken("forged.jwt.value"), base + "/actuator/prometheus"), 401);
        assertError(get(anon.newTenant(), base + "/actuator/prometheus"), 403);

        Api sys = anon.sysadmin();
        Api.Res prom = get(sys, base + "/actuator/prometheus");
        assertThat(prom.status()).isEqualTo(200);
        assertThat(prom.text()).contains("jvm_memory");
        // Each transport's own counters are there too.
        assertThat(prom.text()).contains("mote_lwm2m_clients", "mote_snmp_devices", "mote_snmp_polls_total",
                "mote_snmp_traps_total{sender=\"unknown\"}");
        assertThat(get(sys, base + "/actuator").text()).contains("_links");
    }

    private static long counter(String prometheus, String name) {
        return (long) gauge(prometheus, name);
    }

    private static double gauge(String prometheus, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + name + " ([0-9.eE+]+)$").matcher(prometheus);
        assertThat(m.find()).as(name).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void storedDataPointsAreCounted() {
        TestServer server = TestServer.shared();
        Api anon = server.api();
        Api sys = anon.sysadmin();
        String url = server.baseUrl() + "/actuator/prometheus";
        String before = get(sys, url).text();
        assertThat(before).contains("mote_ts_points_queued", "mote_ts_requests_rejected_total",
                "mote_ts_rollup_dirty_hours");
        // The shared server rolled up at start: up to a day boundary of the last two days.
        double rolled = gauge(before, "mote_ts_rollup_rolled_seconds");
        assertThat(rolled).isGreaterThan(System.currentTimeMillis() / 1000.0 - 2 * 86_400);
        assertThat(rolled % 3600).isZero();
        long stored = counter(before, "mote_ts_points_stored_total");

        Api.TestDevice d = anon.newTenantWithDevice("metrics");
        // Acknowledged only once committed, so the counter has moved when the answer is in.
        assertThat(anon.post("/api/v1/" + d.token() + "/telemetry", "{\"a\":1,\"b\":2.5,\"c\":\"x\"}").status())
                .isEqualTo(200);
        assertThat(counter(get(sys, url).text(), "mote_ts_points_stored_total")).isGreaterThanOrEqualTo(stored + 3);
    }

    @Test
    void aManagementPortTakesTheActuatorOffTheApplicationPort() throws Exception {
        try (TestServer server = TestServer.start(Files.createTempDirectory("mote-mgmt"),
                "--management.server.port=0", "--management.server.address=127.0.0.1")) {
            Api anon = server.api();
            String mgmt = "http://127.0.0.1:" + server.property("local.management.port");
            assertThat(get(anon, mgmt + "/actuator/health").status()).isEqualTo(200);
            Api.Res prom = get(anon, mgmt + "/actuator/prometheus");
            assertThat(prom.status()).isEqualTo(200);
            assertThat(prom.text()).contains("jvm_memory");
            Api.Res onApp = get(anon.sysadmin(), server.baseUrl() + "/actuator/prometheus");
            assertThat(onApp.status()).isEqualTo(404);
            assertThat(onApp.text()).doesNotContain("jvm_memory");
        }
    }
}
