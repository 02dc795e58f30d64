package io.mote.server.it.snmp;

import static io.mote.server.it.snmp.SnmpFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;
import io.mote.server.it.Api;
import io.mote.server.it.TestServer;

/**
 * SNMP profiles and devices in ThingsBoard's JSON: stored as given, checked on save with messages naming
 * the field, and the device's secrets (community, v3 passphrases) not shown to customer users.
 */
class SnmpConfigurationTest {

    private final Api tenant = TestServer.shared().api().newTenant();

    private Api.Res saveProfile(ObjectNode tc) {
        ObjectNode p = Json.object().put("name", "snmp-" + UUID.randomUUID()).put("type", "DEFAULT")
                .put("transportType", "SNMP");
        p.putObject("profileData").set("transportConfiguration", tc);
        return tenant.post("/api/deviceProfile", p);
    }

    private static void assertRefused(Api.Res r, String message) {
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.json().get("message").asString()).isEqualTo(message);
    }

    @Test
    void profileIsStoredAsGiven() {
        ObjectNode tc = pollingProfile(800, 2);
        spec(tc, "TELEMETRY_TRAPS_RECEIVING", 0, "1.3.6.1.4.1.1.1", "t", "DOUBLE");
        JsonNode saved = saveProfile(tc).ok();
        JsonNode back = tenant.get("/api/deviceProfile/" + Api.id(saved)).ok().get("profileData").get("transportConfiguration");
        assertThat(back.toString()).isEqualTo(tc.toString());
        assertThat(back.get("communicationConfigs").get(0).get("queryingFrequencyMs").asLong()).isEqualTo(1000);
        assertThat(back.get("communicationConfigs").get(0).get("mappings").get(0).get("dataType").asString()).isEqualTo("STRING");
    }

    @Test
    void badProfilesAreRefusedNamingTheField() {
        ObjectNode badOid = profileConfig(500, 0);
        spec(badOid, "TELEMETRY_QUERYING", 1000, "1.3.6.x", "k", "LONG");
        assertRefused(saveProfile(badOid), "transportConfiguration.communicationConfigs[0].mappings[0].oid '1.3.6.x' "
                + "is not a numeric OID (like 1.3.6.1.2.1.1.1.0)");

        ObjectNode unknownSpec = profileConfig(500, 0);
        spec(unknownSpec, "TELEMETRY_GUESSING", 1000, "1.3.6.1", "k", "LONG");
        assertThat(saveProfile(unknownSpec).json().get("message").asString())
                .startsWith("transportConfiguration.communicationConfigs[0].spec 'TELEMETRY_GUESSING' is not an SNMP communication spec");

        ObjectNode duplicateKey = profileConfig(500, 0);
        spec(duplicateKey, "TELEMETRY_QUERYING", 1000, "1.3.6.1.1", "k", "LONG", "1.3.6.1.2", "k", "LONG");
        assertRefused(saveProfile(duplicateKey), "transportConfiguration.communicationConfigs[0].mappings[1].key 'k' is mapped twice");

        ObjectNode tooOften = profileConfig(500, 0);
        spec(tooOften, "CLIENT_ATTRIBUTES_QUERYING", 10, "1.3.6.1.1", "k", "LONG");
        assertRefused(saveProfile(tooOften), "transportConfiguration.communicationConfigs[0].queryingFrequencyMs "
                + "must be between 500 and 86400000 ms");

        ObjectNode badType = profileConfig(500, 0);
        spec(badType, "TELEMETRY_QUERYING", 1000, "1.3.6.1.1", "k", "INTEGER");
        assertRefused(saveProfile(badType), "transportConfiguration.communicationConfigs[0].mappings[0].dataType "
                + "'INTEGER' must be one of LONG, DOUBLE, BOOLEAN, STRING, JSON");

        assertRefused(saveProfile(profileConfig(0, 0)), "transportConfiguration.timeoutMs must be between 1 and 600000");
        ObjectNode notArray = profileConfig(500, 0);
        notArray.put("communicationConfigs", "all");
        assertRefused(saveProfile(notArray), "transportConfiguration.communicationConfigs must be an array");
    }

    @Test
    void badDevicesAreRefusedNamingTheField() {
        String profile = createProfile(tenant, "snmp-" + UUID.randomUUID(), pollingProfile(500, 0));
        String prefix = "deviceData.transportConfiguration.";
        ObjectNode noHost = community("V2C", 161, "public");
        noHost.remove("host");
        assertRefused(tenant.post("/api/device", device("d1", profile, noHost)), prefix + "host should be specified!");
        assertRefused(tenant.post("/api/device", device("d2", profile, community("V4", 161, "public"))),
                prefix + "protocolVersion must be one of [V1, V2C, V3]");
        assertRefused(tenant.post("/api/device", device("d3", profile, community("V2C", 70000, "public"))),
                prefix + "port must be between 1 and 65535");
        ObjectNode noCommunity = community("V1", 161, "x");
        noCommunity.remove("community");
        assertRefused(tenant.post("/api/device", device("d4", profile, noCommunity)), prefix + "community should be specified!");
        assertRefused(tenant.post("/api/device", device("d5", profile, v3(161, "u", "SHA_3", "longenough1", null, null))),
                prefix + "authenticationProtocol must be one of [SHA_1, SHA_224, SHA_256, SHA_384, SHA_512, MD5]");
        assertRefused(tenant.post("/api/device", device("d6", profile, v3(161, "u", "SHA_512", "short", null, null))),
                prefix + "authenticationPassphrase must be at least 8 characters");
        assertRefused(tenant.post("/api/device", device("d7", profile, v3(161, "u", "SHA_1", "longenough1", "AES_512", "x"))),
                prefix + "privacyProtocol must be one of [DES, AES_128, AES_192, AES_256]");
        ObjectNode badEngine = v3(161, "u", "SHA_1", "longenough1", null, null);
        badEngine.put("engineId", "not-hex");
        assertRefused(tenant.post("/api/device", device("d8", profile, badEngine)),
                prefix + "engineId must be hexadecimal (5 to 32 octets)");
        // Every protocol pair of the schema is accepted.
        for (String auth : new String[] {"MD5", "SHA_1", "SHA_224", "SHA_256", "SHA_384", "SHA_512"}) {
            for (String priv : new String[] {"DES", "AES_128", "AES_192", "AES_256"}) {
                tenant.post("/api/device", device("ok-" + auth + priv, profile,
                        v3(161, "u", auth, "longenough1", priv, "longenough2"))).ok();
            }
        }
    }

    @Test
    void customerUsersDoNotSeeTheSecrets() {
        String profile = createProfile(tenant, "snmp-" + UUID.randomUUID(), pollingProfile(500, 0));
        String v2 = createDevice(tenant, "secret-v2-" + UUID.randomUUID(), profile, community("V2C", 161, "s3cret-community"));
        String v3 = createDevice(tenant, "secret-v3-" + UUID.randomUUID(), profile,
                v3(161, "u", "SHA_256", "auth-passphrase", "AES_128", "priv-passphrase"));
        String customerId = Api.id(tenant.post("/api/customer", Json.object().put("title", "c-" + UUID.randomUUID())).ok());
        tenant.post("/api/customer/" + customerId + "/device/" + v2, Json.object()).ok();
        tenant.post("/api/customer/" + customerId + "/device/" + v3, Json.object()).ok();
        Api customer = tenant.newCustomerUser(customerId);

        JsonNode asCustomer = customer.get("/api/device/" + v2).ok().get("deviceData").get("transportConfiguration");
        assertThat(asCustomer.get("host").asString()).isEqualTo("127.0.0.1");
        assertThat(asCustomer.has("community")).isFalse();
        JsonNode v3AsCustomer = customer.get("/api/device/" + v3).ok().get("deviceData").get("transportConfiguration");
        assertThat(v3AsCustomer.get("username").asString()).isEqualTo("u");
        assertThat(v3AsCustomer.has("authenticationPassphrase")).isFalse();
        assertThat(v3AsCustomer.has("privacyPassphrase")).isFalse();
        JsonNode page = customer.get("/api/customer/" + customerId + "/devices?pageSize=10&page=0").ok();
        assertThat(page.toString()).doesNotContain("s3cret-community", "auth-passphrase", "priv-passphrase");
        // The tenant administrator still reads them.
        assertThat(tenant.get("/api/device/" + v2).ok().get("deviceData").get("transportConfiguration")
                .get("community").asString()).isEqualTo("s3cret-community");
    }
}
