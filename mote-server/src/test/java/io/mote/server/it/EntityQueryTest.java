package io.mote.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;

/**
 * {@code POST /api/entitiesQuery/find}: many devices' latest values in one request, exactly those stored
 * (the newest by timestamp, absent keys empty), paging, the filters, attributes, and isolation.
 */
class EntityQueryTest {

    static final int DEVICES = 60;

    static Api tenant;
    /** Device name → id, and → the latest values stored: key → [ts, value as text]. */
    static final Map<String, String> ids = new HashMap<>();
    static final Map<String, Map<String, String[]>> latest = new HashMap<>();

    @BeforeAll
    static void devices() {
        tenant = TestServer.shared().api().newTenant();
        for (int i = 0; i < DEVICES; i++) {
            String name = "eq-%02d".formatted(i);
            String id = Api.id(tenant.createDevice(name, "eq-" + java.util.UUID.randomUUID()));
            ids.put(name, id);
            Map<String, String[]> values = new HashMap<>();
            // The newer point first: the latest value is the newest by timestamp, not the last written.
            long ts = 1_000_000L + i * 10;
            String body = "[{\"ts\":" + (ts + 5) + ",\"values\":{\"temp\":" + (20 + i) + ".5" + (i % 2 == 0 ? ",\"hum\":" + i : "")
                    + "}},{\"ts\":" + ts + ",\"values\":{\"temp\":-1,\"hum\":-1}}]";
            tenant.post("/api/plugins/telemetry/DEVICE/" + id + "/timeseries/ANY", body).ok();
            values.put("temp", new String[] {Long.toString(ts + 5), (20 + i) + ".5"});
            values.put("hum", i % 2 == 0 ? new String[] {Long.toString(ts + 5), Integer.toString(i)}
                    : new String[] {Long.toString(ts), "-1"});
            if (i % 3 == 0) {
                tenant.post("/api/plugins/telemetry/DEVICE/" + id + "/attributes/SERVER_SCOPE",
                        "{\"floor\":" + i + "}").ok();
                values.put("floor", new String[] {null, Integer.toString(i)});
            }
            latest.put(name, values);
        }
    }

    static ObjectNode query(int pageSize, int page) {
        ObjectNode q = Json.object();
        q.putObject("entityFilter").put("type", "entityType").put("entityType", "DEVICE");
        ObjectNode link = q.putObject("pageLink").put("page", page).put("pageSize", pageSize);
        link.putObject("sortOrder").put("direction", "ASC").putObject("key").put("type", "ENTITY_FIELD").put("key", "name");
        q.putArray("entityFields").addObject().put("type", "ENTITY_FIELD").put("key", "name");
        var values = q.putArray("latestValues");
        values.addObject().put("type", "TIME_SERIES").put("key", "temp");
        values.addObject().put("type", "TIME_SERIES").put("key", "hum");
        values.addObject().put("type", "TIME_SERIES").put("key", "never");
        values.addObject().put("type", "SERVER_ATTRIBUTE").put("key", "floor");
        return q;
    }

    @Test
    void everyDevicesLatestValuesInOneRequest() {
        JsonNode page = tenant.post("/api/entitiesQuery/find", query(1000, 0)).ok();
        assertThat(page.get("totalElements").asLong()).isEqualTo(DEVICES);
        assertThat(page.get("hasNext").asBoolean()).isFalse();
        JsonNode data = page.get("data");
        assertThat(data).hasSize(DEVICES);
        List<String> names = new ArrayList<>();
        for (JsonNode e : data) {
            JsonNode l = e.get("latest");
            String name = l.get("ENTITY_FIELD").get("name").get("value").asString();
            names.add(name);
            assertThat(e.get("entityId").get("entityType").asString()).isEqualTo("DEVICE");
            assertThat(e.get("entityId").get("id").asString()).isEqualTo(ids.get(name));
            Map<String, String[]> expected = latest.get(name);
            for (String key : List.of("temp", "hum")) {
                JsonNode v = l.get("TIME_SERIES").get(key);
                assertThat(v.get("ts").asLong()).as(name + " " + key).isEqualTo(Long.parseLong(expected.get(key)[0]));
                assertThat(v.get("value").asString()).as(name + " " + key).isEqualTo(expected.get(key)[1]);
            }
            assertThat(l.get("TIME_SERIES").get("never").get("ts").asLong()).isZero();
            assertThat(l.get("TIME_SERIES").get("never").get("value").asString()).isEmpty();
            JsonNode floor = l.get("SERVER_ATTRIBUTE").get("floor");
            if (expected.containsKey("floor")) {
                assertThat(floor.get("value").asString()).isEqualTo(expected.get("floor")[1]);
                assertThat(floor.get("ts").asLong()).isPositive();
            } else {
                assertThat(floor.get("value").asString()).isEmpty();
            }
        }
        assertThat(names).isSorted().hasSize(DEVICES).doesNotHaveDuplicates();
    }

    @Test
    void pagesSortedByName() {
        JsonNode page = tenant.post("/api/entitiesQuery/find", query(25, 2)).ok();
        assertThat(page.get("totalPages").asInt()).isEqualTo(3);
        assertThat(page.get("hasNext").asBoolean()).isFalse();
        assertThat(page.get("data")).hasSize(DEVICES - 50);
        assertThat(page.get("data").get(0).get("latest").get("ENTITY_FIELD").get("name").get("value").asString())
                .isEqualTo("eq-50");
        ObjectNode desc = query(5, 0);
        ((ObjectNode) desc.get("pageLink").get("sortOrder")).put("direction", "DESC");
        assertThat(tenant.post("/api/entitiesQuery/find", desc).ok().get("data").get(0).get("latest")
                .get("ENTITY_FIELD").get("name").get("value").asString()).isEqualTo("eq-%02d".formatted(DEVICES - 1));
    }

    @Test
    void entityListAndDeviceTypeFiltersAndCount() {
        ObjectNode q = query(100, 0);
        var filter = q.putObject("entityFilter").put("type", "entityList").put("entityType", "DEVICE");
        filter.putArray("entityList").add(ids.get("eq-07")).add(ids.get("eq-12"));
        JsonNode data = tenant.post("/api/entitiesQuery/find", q).ok().get("data");
        assertThat(data).hasSize(2);
        assertThat(data.get(1).get("latest").get("TIME_SERIES").get("temp").get("value").asString()).isEqualTo("32.5");

        q.putObject("entityFilter").put("type", "deviceType").put("deviceNameFilter", "eq-1").putArray("deviceTypes")
                .add("default");
        assertThat(tenant.post("/api/entitiesQuery/find", q).ok().get("totalElements").asLong()).isEqualTo(10);
        ObjectNode count = Json.object();
        count.set("entityFilter", q.get("entityFilter"));
        assertThat(tenant.post("/api/entitiesQuery/count", count).ok().asLong()).isEqualTo(10);
        ((ObjectNode) q.get("entityFilter")).putArray("deviceTypes").add("no-such-type");
        assertThat(tenant.post("/api/entitiesQuery/find", q).ok().get("data")).isEmpty();
    }

    @Test
    void anotherTenantSeesNoneOfTheDevices() {
        Api other = TestServer.shared().api().newTenant();
        assertThat(other.post("/api/entitiesQuery/find", query(100, 0)).ok().get("totalElements").asLong()).isZero();
        ObjectNode q = query(100, 0);
        q.putObject("entityFilter").put("type", "singleEntity").putObject("singleEntity")
                .put("entityType", "DEVICE").put("id", ids.get("eq-01"));
        assertThat(other.post("/api/entitiesQuery/find", q).ok().get("data")).isEmpty();
        assertThat(tenant.post("/api/entitiesQuery/find", q).ok().get("data")).hasSize(1);
    }

    @Test
    void aCustomerUserSeesItsDevicesOnly() {
        String customer = Api.id(tenant.post("/api/customer", Json.object().put("title", "eq-c-"
                + java.util.UUID.randomUUID())).ok());
        tenant.post("/api/customer/" + customer + "/device/" + ids.get("eq-03"), "").ok();
        Api user = tenant.newCustomerUser(customer);
        JsonNode data = user.post("/api/entitiesQuery/find", query(100, 0)).ok().get("data");
        assertThat(data).hasSize(1);
        assertThat(data.get(0).get("entityId").get("id").asString()).isEqualTo(ids.get("eq-03"));
    }

    @Test
    void whatMoteDoesNotAnswerIsRefused() {
        ObjectNode q = query(10, 0);
        q.putArray("keyFilters").addObject().putObject("key").put("type", "TIME_SERIES").put("key", "temp");
        assertThat(tenant.post("/api/entitiesQuery/find", q).status()).isEqualTo(400);
        ObjectNode asset = query(10, 0);
        asset.putObject("entityFilter").put("type", "entityType").put("entityType", "ASSET");
        assertThat(tenant.post("/api/entitiesQuery/find", asset).status()).isEqualTo(400);
        ObjectNode relation = query(10, 0);
        relation.putObject("entityFilter").put("type", "relationsQuery");
        assertThat(tenant.post("/api/entitiesQuery/find", relation).status()).isEqualTo(400);
    }
}
