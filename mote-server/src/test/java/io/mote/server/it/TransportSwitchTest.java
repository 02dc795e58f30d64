package io.mote.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/**
 * {@code mote.transport.http.enabled=false} takes the HTTP device API away and leaves the REST API;
 * {@code mote.transport.snmp.enabled=false} runs no SNMP transport (no poller, no trap listener).
 */
class TransportSwitchTest {

    @Test
    void httpDeviceApiAndSnmpTransportCanBeSwitchedOff() throws Exception {
        try (TestServer server = TestServer.start(Files.createTempDirectory("mote-switch"),
                "--mote.transport.http.enabled=false", "--mote.transport.snmp.enabled=false")) {
            Api tenant = server.api().newTenant();
            String token = "switch-" + UUID.randomUUID();
            tenant.createDevice("switched-off", token);
            assertThat(server.api().post("/api/v1/" + token + "/telemetry", "{\"t\":1}").status()).isEqualTo(404);
            assertThat(server.api().post("/api/v1/provision", "{}").status()).isEqualTo(404);
            assertThat(server.hasBean(io.mote.transport.snmp.SnmpTransport.class)).isFalse();
        }
    }
}
