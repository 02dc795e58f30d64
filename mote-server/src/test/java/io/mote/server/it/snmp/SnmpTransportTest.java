package io.mote.server.it.snmp;

import static io.mote.server.it.snmp.SnmpFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.mote.common.json.Json;
import io.mote.server.it.Api;
import io.mote.server.it.TestServer;

/**
 * The SNMP transport against Debian's {@code snmpd}: polling with v1, v2c and v3 (SHA-256/AES-128 and
 * MD5/DES) into telemetry and client attributes, SET from a shared attribute, RPC GET and SET, wrong
 * credentials. Skipped where net-snmp is not installed.
 */
class SnmpTransportTest {

    private static Snmpd agent;
    private static Api tenant;
    private static String profileId;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Snmpd.installed(), "snmpd / snmp (net-snmp) are not installed");
        agent = Snmpd.start();
        tenant = TestServer.shared().api().newTenant();
        profileId = createProfile(tenant, "snmp-" + UUID.randomUUID(), pollingProfile(1000, 1));
    }

    @AfterAll
    static void stop() throws Exception {
        if (agent != null) {
            agent.close();
        }
    }

    private static String pollsSysDescr(String name, JsonNode tc) throws InterruptedException {
        String id = createDevice(tenant, name + "-" + UUID.randomUUID(), profileId, (tools.jackson.databind.node.ObjectNode) tc);
        await(name + " sysDescr", () -> latest(tenant, id, "sysDescr"), Snmpd.SYS_DESCR::equals);
        return id;
    }

    @Test
    void v2cDeviceIsPolledIntoTelemetryAndAttributesAndIsActive() throws Exception {
        String id = pollsSysDescr("v2c", community("V2C", agent.port(), "private"));
        assertThat(Long.parseLong(await("sysUpTime", () -> latest(tenant, id, "sysUpTime"), v -> true))).isPositive();
        assertThat(await("services", () -> latest(tenant, id, "services"), v -> true)).isEqualTo("72");
        await("location", () -> {
            JsonNode v = attribute(tenant, id, "CLIENT_SCOPE", "location");
            return v == null ? null : v.asString();
        }, "Lab 1"::equals);
        // A string mapped as LONG does not convert: that key is left out, the others are stored.
        assertThat(attribute(tenant, id, "CLIENT_SCOPE", "descrNumber")).isNull();
        await("active", () -> {
            JsonNode v = attribute(tenant, id, "SERVER_SCOPE", "active");
            return v == null ? null : v.asString();
        }, "true"::equals);
        // Polled again and again: the uptime moves on.
        long first = latestTs(tenant, id, "sysUpTime");
        await("a later poll", () -> Long.toString(latestTs(tenant, id, "sysUpTime")), ts -> Long.parseLong(ts) > first);
    }

    @Test
    void v1DeviceIsPolled() throws Exception {
        pollsSysDescr("v1", community("V1", agent.port(), "public"));
    }

    @Test
    void v3DevicesWithShaAesAndMd5DesArePolled() throws Exception {
        pollsSysDescr("v3-sha", v3(agent.port(), "shaUser", "SHA_256", "shaAuthPass1", "AES_128", "shaPrivPass1"));
        pollsSysDescr("v3-md5", v3(agent.port(), "md5User", "MD5", "md5AuthPass1", "DES", "desPrivPass1"));
    }

    @Test
    void sharedAttributeIsSetOnTheAgent() throws Exception {
        String id = pollsSysDescr("set", community("V2C", agent.port(), "private"));
        String contact = "ops-" + UUID.randomUUID().toString().substring(0, 8);
        tenant.post("/api/plugins/telemetry/DEVICE/" + id + "/attributes/SHARED_SCOPE",
                Json.object().put("contact", contact)).ok();
        await("sysContact on the agent", () -> {
            try {
                return agent.get("public", SYS_CONTACT);
            } catch (Exception e) {
                return null;
            }
        }, v -> v.contains(contact));
    }

    @Test
    void rpcGetsAndSetsAndAnswersSnmpErrors() throws Exception {
        String id = pollsSysDescr("rpc", v3(agent.port(), "shaUser", "SHA_256", "shaAuthPass1", "AES_128", "shaPrivPass1"));
        String name = "mote-" + UUID.randomUUID().toString().substring(0, 8);
        JsonNode set = tenant.post("/api/rpc/twoway/" + id,
                Json.object().put("method", "sysName").put("params", name)).ok();
        assertThat(set.get("sysName").asString()).isEqualTo(name);
        JsonNode get = tenant.post("/api/rpc/twoway/" + id, Json.object().put("method", "sysName")).ok();
        assertThat(get.get("sysName").asString()).isEqualTo(name);
        assertThat(agent.get("public", SYS_NAME)).contains(name);
        JsonNode descr = tenant.post("/api/rpc/twoway/" + id, Json.object().put("method", "descr")).ok();
        assertThat(descr.get("descr").asString()).isEqualTo(Snmpd.SYS_DESCR);
        // sysDescr is set in the agent's configuration, so read-only: SNMP's error status is the answer.
        JsonNode refused = tenant.post("/api/rpc/twoway/" + id,
                Json.object().put("method", "descr").put("params", "x")).ok();
        assertThat(refused.get("error").asString()).isEqualTo("notWritable");
        JsonNode unknown = tenant.post("/api/rpc/twoway/" + id, Json.object().put("method", "reboot")).ok();
        assertThat(unknown.get("error").asString()).contains("reboot");
    }

    @Test
    void wrongCommunityIsNeverActive() throws Exception {
        String good = pollsSysDescr("ok", community("V2C", agent.port(), "public"));
        String id = createDevice(tenant, "bad-community-" + UUID.randomUUID(), profileId,
                community("V2C", agent.port(), "not-the-community"));
        // net-snmp drops a request with an unknown community: the poll times out after its retries.
        await("transport log", () -> latest(tenant, id, "transportLog"), v -> v.startsWith("no answer after 2 request(s)"));
        assertThat(latest(tenant, id, "sysDescr")).isNull();
        assertThat(attribute(tenant, id, "SERVER_SCOPE", "active")).isNull();
        assertThat(latest(tenant, good, "sysDescr")).isEqualTo(Snmpd.SYS_DESCR);
    }

    @Test
    void unknownV3UserIsAnAuthenticationFailure() throws Exception {
        String id = createDevice(tenant, "bad-user-" + UUID.randomUUID(), profileId,
                v3(agent.port(), "nobodyUser", "SHA_256", "whateverPass1", "AES_128", "whateverPass2"));
        await("transport log", () -> latest(tenant, id, "transportLog"),
                v -> v.equals("authentication failed: usmStatsUnknownUserNames"));
        assertThat(latest(tenant, id, "sysDescr")).isNull();
    }
}
