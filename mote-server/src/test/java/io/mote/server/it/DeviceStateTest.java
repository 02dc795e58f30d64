package io.mote.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** A device's state as server-scope attributes: active, lastConnectTime, lastActivityTime, inactivity. */
public class DeviceStateTest {

    private final TestServer server = TestServer.shared();
    private final Api anon = server.api().withoutToken();

    public static JsonNode value(JsonNode attrs, String key) {
        for (JsonNode a : attrs) {
            if (a.get("key").asString().equals(key)) {
                return a.get("value");
            }
        }
        return null;
    }

    static JsonNode awaitState(Api tenant, String deviceId, Predicate<JsonNode> ready) throws InterruptedException {
        JsonNode last = null;
        for (int i = 0; i < 150; i++) {
            last = tenant.get("/api/plugins/telemetry/DEVICE/" + deviceId + "/values/attributes/SERVER_SCOPE").ok();
            if (ready.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("state not reached: " + last);
    }

    @Test
    void httpActivityMakesTheDeviceActiveAndItsTimeoutMakesItInactive() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("state");
        long before = System.currentTimeMillis();
        JsonNode fresh = d.tenant().get("/api/plugins/telemetry/DEVICE/" + d.id() + "/values/attributes/SERVER_SCOPE").ok();
        assertThat(value(fresh, "active")).isNull();

        anon.post("/api/v1/" + d.token() + "/telemetry", "{\"t\":1}").ok();
        JsonNode s = awaitState(d.tenant(), d.id(), a -> value(a, "active") != null && value(a, "lastActivityTime") != null);
        assertThat(value(s, "active").asBoolean()).isTrue();
        long first = value(s, "lastActivityTime").asLong();
        assertThat(first).isGreaterThanOrEqualTo(before);

        // Later activity is coalesced in memory and flushed in a batch.
        Thread.sleep(50);
        anon.post("/api/v1/" + d.token() + "/attributes", "{\"fw\":\"1\"}").ok();
        awaitState(d.tenant(), d.id(), a -> value(a, "lastActivityTime").asLong() > first);

        // The device's own inactivityTimeout (ms) overrides the default: silent longer, it turns inactive.
        d.tenant().post("/api/plugins/telemetry/DEVICE/" + d.id() + "/attributes/SERVER_SCOPE",
                "{\"inactivityTimeout\":1000}").ok();
        JsonNode inactive = awaitState(d.tenant(), d.id(), a -> !value(a, "active").asBoolean());
        assertThat(value(inactive, "inactivityAlarmTime").asLong()).isGreaterThan(first);

        // Any message makes it active again at once.
        anon.get("/api/v1/" + d.token() + "/attributes?clientKeys=fw").ok();
        awaitState(d.tenant(), d.id(), a -> value(a, "active").asBoolean());
    }

    @Test
    void aLongPollSessionRecordsConnectAndDisconnect() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("state-poll");
        // A long-poll opens a session for its wait: connect, then disconnect when it ends (408).
        assertThat(anon.get("/api/v1/" + d.token() + "/rpc?timeout=1000").status()).isEqualTo(408);
        JsonNode s = awaitState(d.tenant(), d.id(), a -> value(a, "lastConnectTime") != null
                && value(a, "lastDisconnectTime") != null);
        assertThat(value(s, "lastDisconnectTime").asLong()).isGreaterThanOrEqualTo(value(s, "lastConnectTime").asLong());
        assertThat(value(s, "active").asBoolean()).isTrue();
    }
}
