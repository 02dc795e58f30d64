package io.mote.server.it.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.server.it.Api;
import io.mote.server.it.TestServer;

/** LWM2M device profiles are checked against the model library on save. */
class Lwm2mProfileTest {

    private final Api tenant = TestServer.shared().api().newTenant();

    private Api.Res save(ObjectNode transport) {
        return tenant.post("/api/deviceProfile", Profiles.profile("p-" + System.nanoTime(), transport));
    }

    private static ObjectNode tc(String path, String key) {
        return Profiles.transport(Map.of(path, key), new String[] {}, new String[] {path}, new String[] {path}, "SINGLE");
    }

    private void assertBad(ObjectNode transport, String messagePart) {
        Api.Res r = save(transport);
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.json().get("message").asString()).contains(messagePart);
    }

    @Test
    void aValidProfileIsStoredAsSent() {
        ObjectNode t = Profiles.transport(Map.of("/3_1.2/0/0", "manufacturer", "/3_1.2/0/9", "batteryLevel",
                        "/4_1.3/0/2", "rssi"), new String[] {"/3_1.2/0/0"}, new String[] {"/3_1.2/0/9", "/4_1.3/0/2"},
                new String[] {"/3_1.2/0/9"}, "COMPOSITE_BY_OBJECT");
        ((ObjectNode) t.get("observeAttr").get("attributeLwm2m")).putObject("/3_1.2/0/9").put("pmin", 1).put("pmax", 60);
        JsonNode saved = save(t).ok();
        assertThat(saved.get("transportType").asString()).isEqualTo("LWM2M");
        JsonNode oa = saved.get("profileData").get("transportConfiguration").get("observeAttr");
        assertThat(oa.get("keyName").get("/3_1.2/0/9").asString()).isEqualTo("batteryLevel");
        assertThat(oa.get("observeStrategy").asString()).isEqualTo("COMPOSITE_BY_OBJECT");
        assertThat(oa.get("attributeLwm2m").get("/3_1.2/0/9").get("pmax").asInt()).isEqualTo(60);
    }

    @Test
    void unknownObjectsVersionsAndResourcesAreRefused() {
        assertBad(tc("/3_1.9/0/9", "battery"), "LwM2M object 3 version 1.9");
        assertBad(tc("/31999_1.0/0/1", "x"), "LwM2M object 31999 version 1.0");
        assertBad(tc("/3_1.2/0/99", "x"), "resource 99 (/3_1.2/0/99) is not defined by object 3_1.2 (Device)");
        assertBad(tc("/3/0/9", "battery"), "must carry the object version");
        assertBad(tc("3_1.2-0-9", "battery"), "is not an LwM2M path");
    }

    @Test
    void malformedSettingsAreRefused() {
        ObjectNode noKey = Profiles.transport(Map.of(), new String[] {}, new String[] {"/3_1.2/0/9"}, new String[] {},
                "SINGLE");
        assertBad(noKey, "has no key name");
        assertBad(Profiles.transport(Map.of(), new String[] {}, new String[] {}, new String[] {}, "SOMETIMES"),
                "observeStrategy");
        ObjectNode badAttr = tc("/3_1.2/0/9", "battery");
        ((ObjectNode) badAttr.get("observeAttr").get("attributeLwm2m")).putObject("/3_1.2/0/9").put("dim", 1);
        assertBad(badAttr, "'dim' is not a notification attribute");
        ObjectNode badPower = tc("/3_1.2/0/9", "battery");
        ((ObjectNode) badPower.get("clientLwM2mSettings")).put("powerMode", "TURBO");
        assertBad(badPower, "powerMode");
    }

    @Test
    void aTenantsOwnModelMakesItsObjectUsable() {
        assertBad(tc("/30500_1.0/0/1", "level"), "not in the model library");
        tenant.post("/api/resource", Models.upload(Models.ddf(30500, "1.0", "Tank",
                new String[] {"1", "Level", "R", "Float"}), "tank.xml")).ok();
        save(tc("/30500_1.0/0/1", "level")).ok();
        // Another tenant does not see it.
        Api other = TestServer.shared().api().newTenant();
        assertThat(other.post("/api/deviceProfile", Profiles.profile("p", tc("/30500_1.0/0/1", "level"))).status())
                .isEqualTo(400);
    }
}
