package io.mote.server.it.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.mote.common.json.Json;
import io.mote.core.resource.ResourceService;
import io.mote.server.it.Api;
import io.mote.server.it.TestServer;

/** The resource library: preloaded OMA models, upload, tenant override, bad XML, delete, isolation. */
class Lwm2mResourceTest {

    private static final String SYSTEM_TENANT = "13814000-1dd2-11b2-8080-808080808080";
    /** The objects whose models Mote ships (OMA 0–7, 9, 19, 21). */
    private static final Pattern SHIPPED = Pattern.compile("([0-7]|9|19|21)_.*");

    private final Api anon = TestServer.shared().api();

    private static List<String> keys(JsonNode list) {
        List<String> keys = new ArrayList<>();
        list.forEach(o -> keys.add(o.get("keyId").asString()));
        return keys;
    }

    @Test
    void coreObjectsArePreloadedForEveryTenant() {
        Api tenant = anon.newTenant();
        JsonNode all = tenant.get("/api/resource/lwm2m?sortOrder=ASC&sortProperty=id").ok();
        assertThat(keys(all)).contains("0_1.2", "1_1.1", "2_1.1", "3_1.2", "4_1.3", "5_1.1", "6_1.0", "7_1.0",
                "9_1.0", "19_1.0", "3_1.0");

        JsonNode device = tenant.get("/api/resource/lwm2m?sortOrder=ASC&sortProperty=id&objectIds=3_1.2").ok();
        assertThat(device).hasSize(1);
        JsonNode d = device.get(0);
        assertThat(d.get("id").asInt()).isEqualTo(3);
        assertThat(d.get("name").asString()).isEqualTo("Device");
        assertThat(d.get("multiple").asBoolean()).isFalse();
        assertThat(d.get("mandatory").asBoolean()).isTrue();
        JsonNode res = d.get("instances").get(0).get("resources");
        assertThat(d.get("instances").get(0).get("id").asInt()).isZero();
        assertThat(res.get(0).toString()).isEqualTo("{\"id\":0,\"name\":\"Manufacturer\",\"observe\":false,"
                + "\"attribute\":false,\"telemetry\":false,\"keyName\":\"manufacturer\"}");
        JsonNode battery = res.get(9);
        assertThat(battery.get("name").asString()).isEqualTo("Battery Level");
        assertThat(battery.get("keyName").asString()).isEqualTo("batteryLevel");

        JsonNode page = tenant.get("/api/resource/lwm2m/page?pageSize=5&page=0&textSearch=connectivity").ok();
        assertThat(keys(page.get("data"))).allMatch(k -> k.startsWith("4_") || k.startsWith("7_"));

        JsonNode infos = tenant.get("/api/resource?pageSize=100&page=0").ok();
        JsonNode first = infos.get("data").get(0);
        assertThat(first.get("id").get("entityType").asString()).isEqualTo("TB_RESOURCE");
        assertThat(first.get("tenantId").get("id").asString()).isEqualTo(SYSTEM_TENANT);
        assertThat(first.get("resourceType").asString()).isEqualTo("LWM2M_MODEL");
    }

    @Test
    void tenantModelOverridesTheSystemOneForThatTenantOnly() {
        Api a = anon.newTenant();
        Api b = anon.newTenant();
        String xml = Models.ddf(3, "1.2", "My Device", new String[] {"0", "Vendor Name", "R", "String"},
                new String[] {"9", "Battery Level", "R", "Integer"});
        JsonNode info = a.post("/api/resource", Models.upload(xml, "3-custom.xml")).ok();
        assertThat(info.get("resourceKey").asString()).isEqualTo("3_1.2");
        assertThat(info.get("title").asString()).isEqualTo("My Device id=3 v1.2");
        assertThat(info.get("etag").asString()).hasSize(64);
        assertThat(info.has("data")).isFalse();
        String id = Api.id(info);

        JsonNode mine = a.get("/api/resource/lwm2m?objectIds=3_1.2").ok().get(0);
        assertThat(mine.get("name").asString()).isEqualTo("My Device");
        assertThat(mine.get("instances").get(0).get("resources").get(0).get("keyName").asString()).isEqualTo("vendorName");
        assertThat(b.get("/api/resource/lwm2m?objectIds=3_1.2").ok().get(0).get("name").asString()).isEqualTo("Device");

        // The same key twice for one tenant is refused; the resource is readable with its data by its owner only.
        assertThat(a.post("/api/resource", Models.upload(xml, "again.xml")).status()).isEqualTo(400);
        JsonNode full = a.get("/api/resource/" + id).ok();
        assertThat(full.get("data").asString()).isNotEmpty();
        assertThat(a.get("/api/resource/info/" + id).ok().has("data")).isFalse();
        assertThat(b.get("/api/resource/" + id).status()).isEqualTo(404);
        assertThat(b.delete("/api/resource/" + id).status()).isEqualTo(404);

        a.delete("/api/resource/" + id).ok();
        assertThat(a.get("/api/resource/lwm2m?objectIds=3_1.2").ok().get(0).get("name").asString()).isEqualTo("Device");
    }

    @Test
    void aListUploadsSeveralModels() {
        Api a = anon.newTenant();
        var list = Json.MAPPER.createArrayNode();
        list.add(Models.upload(Models.ddf(30001, "1.0", "Pump", new String[] {"0", "Speed", "RW", "Integer"}), "p.xml"));
        list.add(Models.upload(Models.ddf(30002, "2.1", "Valve", new String[] {"1", "Open", "RW", "Boolean"}), "v.xml"));
        JsonNode saved = a.post("/api/resource", list).ok();
        assertThat(saved).hasSize(2);
        assertThat(keys(a.get("/api/resource/lwm2m?objectIds=30001_1.0,30002_2.1").ok()))
                .containsExactly("30001_1.0", "30002_2.1");
    }

    @Test
    void malformedModelsAreRefusedWithTheReason() {
        Api a = anon.newTenant();
        Api.Res notXml = a.post("/api/resource", Models.upload("<LWM2M><Object>", "broken.xml"));
        assertThat(notXml.status()).isEqualTo(400);
        assertThat(notXml.json().get("message").asString()).contains("Invalid LwM2M model 'broken.xml'");

        String noId = Models.ddf(30003, "1.0", "X", new String[] {"0", "A", "R", "String"})
                .replace("<ObjectID>30003</ObjectID>", "");
        Api.Res missing = a.post("/api/resource", Models.upload(noId, "noid.xml"));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().get("message").asString()).contains("noid.xml");

        Api.Res badType = a.post("/api/resource", Models.upload(
                Models.ddf(30004, "1.0", "X", new String[] {"0", "A", "R", "Strange"}), "type.xml"));
        assertThat(badType.status()).isEqualTo(400);

        Api.Res notBase64 = a.post("/api/resource", "{\"resourceType\":\"LWM2M_MODEL\",\"data\":\"%%%\"}");
        assertThat(notBase64.status()).isEqualTo(400);
    }

    @Test
    void tenantsCannotDeleteSystemModelsButTheSystemAdministratorUploadsForAll() {
        Api a = anon.newTenant();
        JsonNode infos = a.get("/api/resource?pageSize=200&page=0").ok().get("data");
        String systemId = null;
        for (JsonNode i : infos) {
            if (i.get("resourceKey").asString().equals("6_1.0")) {
                systemId = Api.id(i);
            }
        }
        assertThat(systemId).isNotNull();
        assertThat(a.delete("/api/resource/" + systemId).status()).isEqualTo(403);
        assertThat(a.get("/api/resource/info/" + systemId).ok().get("resourceKey").asString()).isEqualTo("6_1.0");

        Api sys = anon.sysadmin();
        JsonNode saved = sys.post("/api/resource", Models.upload(
                Models.ddf(30100, "1.0", "Shared", new String[] {"0", "Level", "R", "Float"}), "s.xml")).ok();
        assertThat(saved.get("tenantId").get("id").asString()).isEqualTo(SYSTEM_TENANT);
        assertThat(keys(anon.newTenant().get("/api/resource/lwm2m?objectIds=30100_1.0").ok())).containsExactly("30100_1.0");
        sys.delete("/api/resource/" + Api.id(saved)).ok();
        assertThat(a.get("/api/resource/lwm2m?objectIds=30100_1.0").ok()).isEmpty();
    }

    @Test
    void aRestartsPreloadStoresNothingTwice() {
        Api a = anon.newTenant();
        Map<String, String> before = shippedSystemModels(a);
        assertThat(before).containsKeys("0_1.2", "3_1.0", "9_1.0", "19_1.0");
        // What every restart runs on a database that has them: nothing is added, nothing replaced.
        TestServer.shared().bean(ResourceService.class).preloadSystemModels();
        assertThat(shippedSystemModels(a)).isEqualTo(before);
    }

    /** The system models with the keys Mote ships, key to id. */
    private static Map<String, String> shippedSystemModels(Api a) {
        Map<String, String> ids = new TreeMap<>();
        for (JsonNode i : a.get("/api/resource?pageSize=500&page=0").ok().get("data")) {
            String key = i.get("resourceKey").asString();
            if (i.get("tenantId").get("id").asString().equals(SYSTEM_TENANT) && SHIPPED.matcher(key).matches()) {
                assertThat(ids.put(key, Api.id(i))).as("stored once: " + key).isNull();
            }
        }
        return ids;
    }
}
