package io.mote.server.it.snmp;

import static io.mote.server.it.snmp.SnmpFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import io.mote.server.it.Api;
import io.mote.server.it.TestServer;

/**
 * What a fleet meets after its first poll: a v1 agent refusing one OID of a request (noSuchName fails the
 * whole PDU in SNMPv1), a profile edited while its devices are polled, two agents with the same v3 user
 * name and different keys. Skipped where net-snmp is not installed.
 */
class SnmpPollingChangesTest {

    private static final String MISSING_OID = "1.3.6.1.2.1.1.99.0";
    private static final String TWIN_ENGINE_A = "0x80001f8880c1c2c3c4c5c6c701";
    private static final String TWIN_ENGINE_B = "0x80001f8880c1c2c3c4c5c6c702";

    private static Snmpd agentA;
    private static Snmpd agentB;
    private static Api tenant;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Snmpd.installed(), "snmpd / snmp (net-snmp) are not installed");
        agentA = Snmpd.start(TWIN_ENGINE_A, "createUser twinUser SHA-256 \"twinAuthPassA\" AES \"twinPrivPassA\"",
                "rwuser twinUser priv");
        agentB = Snmpd.start(TWIN_ENGINE_B, "createUser twinUser SHA-256 \"twinAuthPassB\" AES \"twinPrivPassB\"",
                "rwuser twinUser priv");
        tenant = TestServer.shared().api().newTenant();
    }

    @AfterAll
    static void stop() throws Exception {
        for (Snmpd a : new Snmpd[] {agentA, agentB}) {
            if (a != null) {
                a.close();
            }
        }
    }

    @Test
    void v1AgentRefusingOneOidStillGivesTheOthers() throws Exception {
        ObjectNode tc = profileConfig(1000, 0);
        spec(tc, "TELEMETRY_QUERYING", 500, SYS_DESCR, "sysDescr", "STRING", MISSING_OID, "missing", "LONG",
                SYS_SERVICES, "services", "LONG");
        String profile = createProfile(tenant, "snmp-v1-refusal-" + UUID.randomUUID(), tc);
        String id = createDevice(tenant, "v1-refusal-" + UUID.randomUUID(), profile,
                SnmpFixture.community("V1", agentA.port(), "public"));
        await("sysDescr", () -> latest(tenant, id, "sysDescr"), Snmpd.SYS_DESCR::equals);
        await("services", () -> latest(tenant, id, "services"), "72"::equals);
        assertThat(latest(tenant, id, "missing")).isNull();
        await("transport log", () -> String.join("\n", history(tenant, id, "transportLog")),
                v -> v.contains("noSuchName for " + MISSING_OID + " (missing)"));
        // Said once, not per poll: later polls leave the OID out.
        long first = latestTs(tenant, id, "sysDescr");
        await("polled again", () -> Long.toString(latestTs(tenant, id, "sysDescr")), ts -> Long.parseLong(ts) > first + 1000);
        assertThat(history(tenant, id, "transportLog").stream().filter(l -> l.startsWith("noSuchName"))).hasSize(1);
    }

    @Test
    void profileEditAppliesAtTheNextPollWithoutTouchingTheDevice() throws Exception {
        ObjectNode tc = profileConfig(1000, 0);
        spec(tc, "TELEMETRY_QUERYING", 500, SYS_DESCR, "sysDescr", "STRING");
        String profileId = createProfile(tenant, "snmp-edit-" + UUID.randomUUID(), tc);
        String id = createDevice(tenant, "edit-" + UUID.randomUUID(), profileId,
                SnmpFixture.community("V2C", agentA.port(), "public"));
        await("sysDescr", () -> latest(tenant, id, "sysDescr"), Snmpd.SYS_DESCR::equals);
        assertThat(latest(tenant, id, "services")).isNull();

        ObjectNode profile = (ObjectNode) tenant.get("/api/deviceProfile/" + profileId).ok();
        ObjectNode edited = profileConfig(1000, 0);
        spec(edited, "TELEMETRY_QUERYING", 500, SYS_DESCR, "sysDescr", "STRING", SYS_SERVICES, "services", "LONG");
        ((ObjectNode) profile.get("profileData")).set("transportConfiguration", edited);
        tenant.post("/api/deviceProfile", profile).ok();
        await("the new mapping polled", () -> latest(tenant, id, "services"), "72"::equals);
    }

    @Test
    void devicesSharingAV3UserNameWithDifferentKeysAreEachPolled() throws Exception {
        // No engine ids configured, both known to the transport before either is polled (their profile
        // polls nothing until it is edited): each agent's keys must stay its own.
        String profileId = createProfile(tenant, "snmp-twins-" + UUID.randomUUID(), profileConfig(1000, 1));
        String a = createDevice(tenant, "twin-a-" + UUID.randomUUID(), profileId,
                v3(agentA.port(), "twinUser", "SHA_256", "twinAuthPassA", "AES_128", "twinPrivPassA"));
        String b = createDevice(tenant, "twin-b-" + UUID.randomUUID(), profileId,
                v3(agentB.port(), "twinUser", "SHA_256", "twinAuthPassB", "AES_128", "twinPrivPassB"));
        Thread.sleep(1000); // both saves reach the transport
        ObjectNode profile = (ObjectNode) tenant.get("/api/deviceProfile/" + profileId).ok();
        ((ObjectNode) profile.get("profileData")).set("transportConfiguration", pollingProfile(1000, 1));
        tenant.post("/api/deviceProfile", profile).ok();
        await("twin a", () -> latest(tenant, a, "sysDescr"), Snmpd.SYS_DESCR::equals);
        await("twin b", () -> latest(tenant, b, "sysDescr"), Snmpd.SYS_DESCR::equals);
        long after = System.currentTimeMillis();
        await("twin a polled again", () -> Long.toString(latestTs(tenant, a, "sysUpTime")), ts -> Long.parseLong(ts) > after);
        await("twin b polled again", () -> Long.toString(latestTs(tenant, b, "sysUpTime")), ts -> Long.parseLong(ts) > after);
    }
}
