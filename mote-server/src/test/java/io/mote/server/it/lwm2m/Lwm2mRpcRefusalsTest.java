package io.mote.server.it.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The refusals issue 13 compared with ThingsBoard: each exact answer, and nothing sent to the client for a
 * request that cannot be valid. The spec shows ObserveReadAll's and ObserveCancel's answers; for the rest
 * Mote answers BAD_REQUEST as ThingsBoard does for a request it refuses (README lists the texts).
 */
class Lwm2mRpcRefusalsTest extends Lwm2mTestBase {

    @BeforeEach
    void device() throws Exception {
        setUp(deviceMapping("SINGLE")); // observes /3/0/9
        register();
        awaitTelemetry("batteryLevel", "75");
    }

    @Test
    void eachRefusalsExactAnswer() {
        int before = client.device.requests.get();
        assertThat(rpcText("Discover", "{\"id\":\"/3/0/11/0\"}")).isEqualTo("{\"result\":\"BAD_REQUEST\",\"error\":"
                + "\"Discover applies to an object, an object instance or a resource, not /3/0/11/0\"}");
        assertThat(rpcText("Execute", "{\"id\":\"/3/0/9\"}"))
                .isEqualTo("{\"result\":\"BAD_REQUEST\",\"error\":\"Resource /3/0/9 (Battery Level) is not executable\"}");
        assertThat(rpcText("Execute", "{\"id\":\"/0/0/1\"}")).isEqualTo("{\"result\":\"BAD_REQUEST\",\"error\":"
                + "\"The Security object (/0) is accessible to the bootstrap server only, not /0/0/1\"}");
        assertThat(rpcText("Read", "{\"id\":\"/0/0\"}")).isEqualTo("{\"result\":\"BAD_REQUEST\",\"error\":"
                + "\"The Security object (/0) is accessible to the bootstrap server only, not /0/0\"}");
        assertThat(rpcText("Create", "{\"id\":\"/3\",\"value\":{\"14\":\"+1\"}}")).isEqualTo("{\"result\":\"BAD_REQUEST\","
                + "\"error\":\"Object 3 (Device) has a single instance: Create applies to multiple-instance objects only\"}");
        assertThat(rpcText("Delete", "{\"id\":\"/19/0/0\"}")).isEqualTo("{\"result\":\"BAD_REQUEST\",\"error\":"
                + "\"Delete applies to an object instance (/object/instance), not /19/0/0\"}");
        assertThat(rpcText("Observe", "{\"id\":\"/3/0/9\"}")).isEqualTo("{\"result\":\"BAD_REQUEST\",\"error\":"
                + "\"Observation of /3/0/9 is already registered (ObserveCancel ends it)\"}");
        assertThat(client.device.requests.get()).isEqualTo(before);
    }

    @Test
    void observationsAreListedAndCancelledAsTheSpecShows() {
        assertThat(rpcText("ObserveReadAll", "{}")).isEqualTo("{\"result\":\"CONTENT\",\"value\":\"[\\\"/3/0/9\\\"]\"}");
        // cancelling what is not observed cancels nothing
        assertThat(rpcText("ObserveCancel", "{\"id\":\"/3/0/14\"}")).isEqualTo("{\"result\":\"CONTENT\",\"value\":\"0\"}");
        assertThat(rpcText("ObserveCompositeCancel", "{\"ids\":[\"/3/0/14\",\"/3/0/0\"]}"))
                .isEqualTo("{\"result\":\"CONTENT\",\"value\":\"0\"}");

        assertThat(rpc("ObserveComposite", "{\"ids\":[\"/3/0/0\",\"/3/0/1\"]}").get("result").asString()).isEqualTo("CONTENT");
        assertThat(rpcText("ObserveComposite", "{\"ids\":[\"/3/0/1\",\"/3/0/0\"]}")).isEqualTo("{\"result\":\"BAD_REQUEST\","
                + "\"error\":\"Composite observation of [/3/0/1, /3/0/0] is already registered (ObserveCompositeCancel ends it)\"}");
        var all = rpc("ObserveReadAll", "{}");
        assertThat(all.get("result").asString()).isEqualTo("CONTENT");
        assertThat(io.mote.common.json.Json.parse(all.get("value").asString()).valueStream().map(v -> v.asString()))
                .containsExactlyInAnyOrder("/3/0/9", "/3/0/0", "/3/0/1");
        assertThat(rpcText("ObserveCancel", "{\"id\":\"/3/0/9\"}")).isEqualTo("{\"result\":\"CONTENT\",\"value\":\"1\"}");
    }
}
