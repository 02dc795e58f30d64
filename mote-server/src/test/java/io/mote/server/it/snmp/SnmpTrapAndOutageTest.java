package io.mote.server.it.snmp;

import static io.mote.server.it.snmp.SnmpFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.server.it.Api;
import io.mote.server.it.TestServer;

/**
 * Traps and informs sent with net-snmp's {@code snmptrap} / {@code snmpinform} to the listener, bad
 * packets on it, an agent that stops answering and comes back, a wrong v3 key. Skipped where net-snmp is
 * not installed.
 */
class SnmpTrapAndOutageTest {

    private static final String TRAP_OID = "1.3.6.1.6.3.1.1.5.1";
    private static final String TEMP_OID = "1.3.6.1.4.1.99999.1.1";
    private static final String STATE_OID = "1.3.6.1.4.1.99999.1.2";
    private static final String RPC_OID = "1.3.6.1.4.1.99999.1.3";
    private static final String SENDER_ENGINE = "0x8000000001020304";
    private static final String AGENT_B_ENGINE = "0x80001f8880b1b2c3d4e5f60719";

    private static Snmpd agent;
    private static Api tenant;
    private static String trapProfile;
    private static int trapPort;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Snmpd.installed(), "snmpd / snmp (net-snmp) are not installed");
        agent = Snmpd.start(AGENT_B_ENGINE);
        tenant = TestServer.shared().api().newTenant();
        trapPort = TestServer.shared().snmpTrapPort();
        ObjectNode tc = profileConfig(500, 0);
        spec(tc, "TELEMETRY_TRAPS_RECEIVING", 0, TEMP_OID, "trapTemp", "LONG");
        spec(tc, "CLIENT_ATTRIBUTES_TRAPS_RECEIVING", 0, STATE_OID, "trapState", "STRING");
        spec(tc, "TO_SERVER_RPC_REQUEST", 0, RPC_OID, "trapAlarm", "STRING");
        trapProfile = createProfile(tenant, "snmp-traps-" + UUID.randomUUID(), tc);
    }

    @AfterAll
    static void stop() throws Exception {
        if (agent != null) {
            agent.close();
        }
    }

    private static String trapTarget() {
        return "127.0.0.1:" + trapPort;
    }

    private static String trapDevice(ObjectNode tc) {
        return createDevice(tenant, "trap-" + UUID.randomUUID(), trapProfile, tc);
    }

    private static String community() {
        return "trap-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void v2cTrapAndInformAreMappedIntoTelemetryAndAttributes() throws Exception {
        String c = community();
        String id = trapDevice(SnmpFixture.community("V2C", 9, c));
        // The device's configuration reaches the listener after the save: resend until it is mapped.
        await("trap telemetry", () -> {
            try {
                Snmpd.run("/usr/bin/snmptrap", "-m", "", "-v2c", "-c", c, trapTarget(), "", TRAP_OID,
                        TEMP_OID, "i", "42", STATE_OID, "s", "open");
            } catch (Exception e) {
                return null;
            }
            return latest(tenant, id, "trapTemp");
        }, "42"::equals);
        await("trap attribute", () -> {
            JsonNode v = attribute(tenant, id, "CLIENT_SCOPE", "trapState");
            return v == null ? null : v.asString();
        }, "open"::equals);
        // An inform is acknowledged: snmpinform returns without a timeout.
        String out = Snmpd.run("/usr/bin/snmpinform", "-m", "", "-t", "3", "-r", "2", "-v2c", "-c", c, trapTarget(), "",
                TRAP_OID, TEMP_OID, "i", "43");
        assertThat(out).doesNotContain("Timeout");
        await("inform telemetry", () -> latest(tenant, id, "trapTemp"), "43"::equals);
    }

    @Test
    void trapBindingMappedToServerRpcIsOfferedToTheApplication() throws Exception {
        String c = community();
        String id = trapDevice(SnmpFixture.community("V2C", 9, c));
        java.util.concurrent.LinkedBlockingQueue<JsonNode> messages = new java.util.concurrent.LinkedBlockingQueue<>();
        java.net.http.WebSocket ws = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(java.net.URI.create(TestServer.shared().api().base().replace("http", "ws")
                        + "/api/ws/plugins/telemetry?token=" + tenant.authToken()), new java.net.http.WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data,
                                                                          boolean last) {
                        partial.append(data);
                        if (last) {
                            messages.add(io.mote.common.json.Json.parse(partial.toString()));
                            partial.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }
                }).get(10, java.util.concurrent.TimeUnit.SECONDS);
        try {
            ws.sendText("{\"rpcSubCmds\":[{\"cmdId\":3,\"entityType\":\"DEVICE\",\"entityId\":\"" + id + "\"}]}", true)
                    .get();
            assertThat(messages.poll(10, java.util.concurrent.TimeUnit.SECONDS).get("errorCode").asInt()).isZero();
            // The device's configuration reaches the listener after the save: resend until it is offered.
            JsonNode offered = null;
            for (int i = 0; i < 100 && offered == null; i++) {
                Snmpd.run("/usr/bin/snmptrap", "-m", "", "-v2c", "-c", c, trapTarget(), "", TRAP_OID,
                        RPC_OID, "s", "door open");
                offered = messages.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
            assertThat(offered).as("client-side RPC from the trap").isNotNull();
            JsonNode req = offered.get("rpcRequest");
            assertThat(req.get("method").asString()).isEqualTo("trapAlarm");
            assertThat(req.get("params").asString()).isEqualTo("door open");
            assertThat(req.get("deviceId").asString()).isEqualTo(id);
        } finally {
            ws.abort();
        }
    }

    @Test
    void v3InformIsAcknowledgedAndMapped() throws Exception {
        String user = "informUser" + UUID.randomUUID().toString().substring(0, 6);
        ObjectNode tc = v3(9, user, "SHA_256", "informAuthPass1", "AES_128", "informPrivPass1");
        // The agent's engine id is configured (for its traps and polls); an inform's authoritative engine is
        // the listener's own, which snmpinform discovers: the user's keys are localized to that one too.
        tc.put("engineId", SENDER_ENGINE);
        String id = trapDevice(tc);
        await("v3 inform telemetry", () -> {
            try {
                String out = Snmpd.run("/usr/bin/snmpinform", "-m", "", "-t", "1", "-r", "0", "-v3", "-u", user,
                        "-l", "authPriv", "-a", "SHA-256", "-A", "informAuthPass1", "-x", "AES", "-X", "informPrivPass1",
                        trapTarget(), "", TRAP_OID, TEMP_OID, "i", "77");
                if (out.contains("Timeout")) {
                    return null;
                }
            } catch (Exception e) {
                return null;
            }
            return latest(tenant, id, "trapTemp");
        }, "77"::equals);
    }

    @Test
    void v1TrapIsMapped() throws Exception {
        String c = community();
        String id = trapDevice(SnmpFixture.community("V1", 9, c));
        // The device's configuration reaches the listener after the save: resend until it is mapped.
        await("v1 trap telemetry", () -> {
            try {
                Snmpd.run("/usr/bin/snmptrap", "-m", "", "-v1", "-c", c, trapTarget(), "1.3.6.1.4.1.99999", "127.0.0.1",
                        "6", "1", "", TEMP_OID, "i", "7");
            } catch (Exception e) {
                return null;
            }
            return latest(tenant, id, "trapTemp");
        }, "7"::equals);
    }

    @Test
    void v3TrapWithTheSendersEngineIdIsMapped() throws Exception {
        String user = "trapUser" + UUID.randomUUID().toString().substring(0, 6);
        ObjectNode tc = v3(9, user, "SHA_256", "trapAuthPass1", "AES_128", "trapPrivPass1");
        tc.put("engineId", SENDER_ENGINE);
        String id = trapDevice(tc);
        // The device's configuration reaches the listener after the save: resend until it is mapped.
        await("v3 trap telemetry", () -> {
            try {
                Snmpd.run("/usr/bin/snmptrap", "-m", "", "-v3", "-e", SENDER_ENGINE, "-u", user, "-l", "authPriv",
                        "-a", "SHA-256", "-A", "trapAuthPass1", "-x", "AES", "-X", "trapPrivPass1", trapTarget(), "",
                        TRAP_OID, TEMP_OID, "i", "99");
            } catch (Exception e) {
                return null;
            }
            return latest(tenant, id, "trapTemp");
        }, "99"::equals);
    }

    @Test
    void unknownSendersAndBadPacketsAreDroppedWhileDevicesAreServed() throws Exception {
        String c = community();
        String id = trapDevice(SnmpFixture.community("V2C", 9, c));
        long unknownBefore = TestServer.shared().snmp().unknownTraps();
        Snmpd.run("/usr/bin/snmptrap", "-m", "", "-v2c", "-c", "nobody-knows-" + c, trapTarget(), "", TRAP_OID,
                TEMP_OID, "i", "1");
        await("unknown trap counted", () -> Long.toString(TestServer.shared().snmp().unknownTraps()),
                v -> Long.parseLong(v) > unknownBefore);
        Random random = new Random(14);
        try (DatagramSocket s = new DatagramSocket()) {
            InetAddress lo = InetAddress.getLoopbackAddress();
            for (int i = 0; i < 50; i++) {
                byte[] garbage = new byte[1 + random.nextInt(400)];
                random.nextBytes(garbage);
                if (i % 2 == 0) {
                    garbage[0] = 0x30; // an ASN.1 SEQUENCE that goes nowhere
                }
                s.send(new DatagramPacket(garbage, garbage.length, lo, trapPort));
            }
            byte[] oversized = new byte[65_000];
            oversized[0] = 0x30;
            oversized[1] = (byte) 0x84;
            oversized[2] = 0x7f;
            s.send(new DatagramPacket(oversized, oversized.length, lo, trapPort));
        }
        // Still serving: the known sender's trap is mapped after the garbage.
        Snmpd.run("/usr/bin/snmptrap", "-m", "", "-v2c", "-c", c, trapTarget(), "", TRAP_OID, TEMP_OID, "i", "5");
        await("trap after garbage", () -> latest(tenant, id, "trapTemp"), "5"::equals);
        assertThat(latest(tenant, id, "trapTemp")).isEqualTo("5");
    }

    @Test
    void agentThatStopsAnsweringTurnsInactiveThenActiveAgain() throws Exception {
        String profile = createProfile(tenant, "snmp-outage-" + UUID.randomUUID(), pollingProfile(300, 1));
        String id = createDevice(tenant, "outage-" + UUID.randomUUID(), profile,
                SnmpFixture.community("V2C", agent.port(), "public"));
        await("active", () -> activeOf(id), "true"::equals);
        agent.pause(true);
        try {
            await("inactive", () -> activeOf(id), "false"::equals);
            await("transport log", () -> latest(tenant, id, "transportLog"), v -> v.startsWith("no answer"));
        } finally {
            agent.pause(false);
        }
        await("active again", () -> activeOf(id), "true"::equals);
        long after = System.currentTimeMillis();
        await("polled again", () -> Long.toString(latestTs(tenant, id, "sysUpTime")), ts -> Long.parseLong(ts) >= after);
    }

    @Test
    void wrongV3KeyIsAnAuthenticationFailureAndOtherDevicesAreServed() throws Exception {
        String profile = createProfile(tenant, "snmp-keys-" + UUID.randomUUID(), pollingProfile(500, 0));
        ObjectNode wrong = v3(agent.port(), "shaUser", "SHA_256", "notTheAuthKey1", "AES_128", "shaPrivPass1");
        wrong.put("engineId", AGENT_B_ENGINE);
        String id = createDevice(tenant, "wrong-key-" + UUID.randomUUID(), profile, wrong);
        await("transport log", () -> latest(tenant, id, "transportLog"), v -> v.startsWith("authentication failed"));
        assertThat(latest(tenant, id, "sysDescr")).isNull();
        assertThat(activeOf(id)).isNull();
        // Fixing the key applies at the next poll, without a restart.
        ObjectNode fixed = v3(agent.port(), "shaUser", "SHA_256", "shaAuthPass1", "AES_128", "shaPrivPass1");
        fixed.put("engineId", AGENT_B_ENGINE);
        ObjectNode device = (ObjectNode) tenant.get("/api/device/" + id).ok();
        ((ObjectNode) device.get("deviceData")).set("transportConfiguration", fixed);
        tenant.post("/api/device", device).ok();
        await("polled with the right key", () -> latest(tenant, id, "sysDescr"), Snmpd.SYS_DESCR::equals);
        await("active", () -> activeOf(id), "true"::equals);
    }

    private static String activeOf(String id) {
        JsonNode v = attribute(tenant, id, "SERVER_SCOPE", "active");
        return v == null ? null : v.asString();
    }
}
