package io.mote.core.query;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

import tools.jackson.databind.JsonNode;

import io.mote.common.entity.PageLink;
import io.mote.common.error.MoteException;

/**
 * ThingsBoard's entity data query ({@code POST /api/entitiesQuery/find}) as far as Mote holds its entities:
 * devices, chosen by an {@code entityType}, {@code deviceType}, {@code entityList} or {@code singleEntity}
 * filter, paged and sorted by an entity field, with entity fields and latest values (time series and
 * attributes). Anything else in a query is refused, never silently ignored.
 *
 * @param types      device types the filter keeps, or null for all
 * @param namePrefix device names the filter keeps (deviceType's {@code deviceNameFilter}), or null
 * @param ids        the listed devices, or null for all
 */
public record EntityDataQuery(Set<String> types, String namePrefix, List<UUID> ids, PageLink page,
                              List<Key> entityFields, List<Key> latestValues) {

    /** Key types of ThingsBoard's {@code EntityKeyType} that Mote answers. */
    public enum KeyType {
        ENTITY_FIELD, TIME_SERIES, ATTRIBUTE, CLIENT_ATTRIBUTE, SHARED_ATTRIBUTE, SERVER_ATTRIBUTE
    }

    public record Key(KeyType type, String key) {
    }

    /** Sortable entity fields and the page link's sort property of each. */
    static final Set<String> SORTABLE = Set.of("name", "type", "label", "createdTime");

    public static EntityDataQuery parse(JsonNode q, boolean withPage) {
        if (q == null || !q.isObject()) {
            throw MoteException.invalid("The query must be a JSON object");
        }
        if (q.path("keyFilters").isArray() && !q.path("keyFilters").isEmpty()) {
            throw MoteException.invalid("keyFilters are not supported");
        }
        JsonNode f = q.path("entityFilter");
        Set<String> types = null;
        String namePrefix = null;
        List<UUID> ids = null;
        switch (f.path("type").asString("")) {
            case "entityType" -> deviceType(f.path("entityType"));
            case "deviceType" -> {
                types = new LinkedHashSet<>();
                for (JsonNode t : f.path("deviceTypes")) {
                    types.add(t.asString());
                }
                if (f.hasNonNull("deviceType")) {
                    types.add(f.get("deviceType").asString());
                }
                if (types.isEmpty()) {
                    throw MoteException.invalid("A deviceType filter needs deviceTypes");
                }
                String name = f.path("deviceNameFilter").asString("");
                namePrefix = name.isEmpty() ? null : name;
            }
            case "entityList" -> {
                deviceType(f.path("entityType"));
                ids = new ArrayList<>();
                for (JsonNode id : f.path("entityList")) {
                    ids.add(uuid(id.asString()));
                }
            }
            case "singleEntity" -> {
                deviceType(f.path("singleEntity").path("entityType"));
                ids = List.of(uuid(f.path("singleEntity").path("id").asString()));
            }
            default -> throw MoteException.invalid("Unsupported entityFilter type '" + f.path("type").asString("")
                    + "'; use entityType, deviceType, entityList or singleEntity");
        }
        PageLink page = withPage ? pageLink(q.path("pageLink")) : new PageLink(1, 0, null, null, true);
        return new EntityDataQuery(types, namePrefix, ids, page, keys(q.path("entityFields")),
                keys(q.path("latestValues")));
    }

    private static void deviceType(JsonNode entityType) {
        if (!"DEVICE".equals(entityType.asString(""))) {
            throw MoteException.invalid("Unsupported entityType '" + entityType.asString("") + "'; Mote's entity "
                    + "queries find DEVICE entities");
        }
    }

    private static UUID uuid(String s) {
        try {
            return UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            throw MoteException.invalid("Invalid entity id '" + s + "'");
        }
    }

    private static PageLink pageLink(JsonNode p) {
        if (!p.isObject()) {
            throw MoteException.invalid("pageLink is required");
        }
        String sort = null;
        boolean ascending = true;
        JsonNode order = p.path("sortOrder");
        if (order.isObject()) {
            Key key = key(order.path("key"));
            if (key.type() != KeyType.ENTITY_FIELD || !SORTABLE.contains(key.key())) {
                throw MoteException.invalid("Unsupported sort key " + key.type() + " '" + key.key()
                        + "'; sort by the entity field name, type, label or createdTime");
            }
            sort = key.key();
            ascending = !"DESC".equalsIgnoreCase(order.path("direction").asString("ASC"));
        }
        return new PageLink(p.path("pageSize").asInt(10), p.path("page").asInt(0),
                p.hasNonNull("textSearch") ? p.get("textSearch").asString() : null, sort, ascending);
    }

    private static List<Key> keys(JsonNode array) {
        List<Key> out = new ArrayList<>();
        for (JsonNode k : array) {
            out.add(key(k));
        }
        return out;
    }

    private static Key key(JsonNode k) {
        String type = k.path("type").asString("");
        String name = k.path("key").asString("");
        if (name.isEmpty()) {
            throw MoteException.invalid("A key needs a name");
        }
        try {
            return new Key(KeyType.valueOf(type.toUpperCase(Locale.ROOT)), name);
        } catch (IllegalArgumentException e) {
            throw MoteException.invalid("Unsupported key type '" + type + "'; use ENTITY_FIELD, TIME_SERIES, "
                    + "ATTRIBUTE, CLIENT_ATTRIBUTE, SHARED_ATTRIBUTE or SERVER_ATTRIBUTE");
        }
    }
}
