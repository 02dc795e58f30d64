package io.mote.server.it.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.mote.server.it.Api;
import io.mote.server.it.TestServer;

/** Debian's mosquitto_pub / mosquitto_sub, used as the README shows; skipped where they are not installed. */
class MqttMosquittoTest {

    private final Api anon = TestServer.shared().api();

    private static boolean installed(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, tool).canExecute()) {
                return true;
            }
        }
        return false;
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void publishTelemetryAndAttributesWithMosquittoPub() throws Exception {
        assumeTrue(installed("mosquitto_pub"), "mosquitto_pub is not installed");
        Api.TestDevice d = anon.newTenantWithDevice("mosquitto");
        String port = String.valueOf(TestServer.shared().mqttPort());
        run("mosquitto_pub", "-d", "-q", "1", "-h", "127.0.0.1", "-p", port, "-t", "v1/devices/me/telemetry",
                "-u", d.token(), "-m", "{\"temperature\":25}");
        run("mosquitto_pub", "-d", "-q", "1", "-h", "127.0.0.1", "-p", port, "-V", "mqttv5", "-t", "v1/devices/me/attributes",
                "-u", d.token(), "-m", "{\"firmwareVersion\":\"1.0.1\"}");
        assertThat(d.tenant().get("/api/plugins/telemetry/DEVICE/" + d.id() + "/values/timeseries?keys=temperature").ok()
                .get("temperature").get(0).get("value").asString()).isEqualTo("25");
        assertThat(d.tenant().get("/api/plugins/telemetry/DEVICE/" + d.id() + "/values/attributes/CLIENT_SCOPE").ok()
                .get(0).get("value").asString()).isEqualTo("1.0.1");
    }

    @Test
    void serverSideRpcReachesMosquittoSub() throws Exception {
        assumeTrue(installed("mosquitto_sub"), "mosquitto_sub is not installed");
        Api.TestDevice d = anon.newTenantWithDevice("mosquitto-sub");
        String port = String.valueOf(TestServer.shared().mqttPort());
        Process p = new ProcessBuilder("mosquitto_sub", "-h", "127.0.0.1", "-p", port, "-u", d.token(), "-q", "1",
                "-t", "v1/devices/me/rpc/request/+", "-C", "1", "-W", "30", "-v").redirectErrorStream(true).start();
        // A persistent one-way RPC waits until the subscriber is there.
        d.tenant().post("/api/rpc/oneway/" + d.id(), "{\"method\":\"setGpio\",\"params\":{\"pin\":4},\"persistent\":true,"
                + "\"expirationTime\":" + (System.currentTimeMillis() + 600_000) + "}").ok();
        assertThat(p.waitFor(40, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(out).startsWith("v1/devices/me/rpc/request/").contains("\"method\":\"setGpio\"");
    }
}
