package io.mote.core.query;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.stereotype.Service;

import io.mote.common.entity.Authority;
import io.mote.common.entity.Device;
import io.mote.common.entity.PageData;
import io.mote.common.kv.AttributeKvEntry;
import io.mote.common.kv.AttributeScope;
import io.mote.common.kv.TsKvEntry;
import io.mote.core.query.EntityData.TsValue;
import io.mote.core.query.EntityDataQuery.Key;
import io.mote.core.query.EntityDataQuery.KeyType;
import io.mote.core.security.Access;
import io.mote.core.security.SecurityUser;
import io.mote.dao.AttributesDao;
import io.mote.dao.DeviceDao;
import io.mote.dao.TimeseriesDao;

/**
 * Answers entity data queries: one page of the caller's devices, then the latest values of all of them in
 * one query per key type (not one per device), so a dashboard of thousands of devices costs a few queries.
 */
@Service
public class EntityDataService {

    private final DeviceDao devices;
    private final TimeseriesDao timeseries;
    private final AttributesDao attributes;

    public EntityDataService(DeviceDao devices, TimeseriesDao timeseries, AttributesDao attributes) {
        this.devices = devices;
        this.timeseries = timeseries;
        this.attributes = attributes;
    }

    public PageData<EntityData> find(SecurityUser user, EntityDataQuery q) {
        PageData<Device> page = page(user, q);
        List<UUID> ids = page.data().stream().map(d -> d.id().id()).toList();
        Map<KeyType, Map<UUID, Map<String, TsValue>>> values = new EnumMap<>(KeyType.class);
        for (KeyType type : KeyType.values()) {
            List<String> keys = q.latestValues().stream().filter(k -> k.type() == type).map(Key::key).toList();
            if (!keys.isEmpty() && type != KeyType.ENTITY_FIELD) {
                values.put(type, latest(type, ids, keys));
            }
        }
        long now = System.currentTimeMillis();
        List<EntityData> data = new ArrayList<>(ids.size());
        for (Device d : page.data()) {
            Map<String, Map<String, TsValue>> latest = new LinkedHashMap<>();
            for (Key k : q.entityFields()) {
                latest.computeIfAbsent(k.type().name(), t -> new LinkedHashMap<>()).put(k.key(), field(d, k, now));
            }
            for (Key k : q.latestValues()) {
                Map<String, TsValue> found = k.type() == KeyType.ENTITY_FIELD ? null
                        : values.get(k.type()).getOrDefault(d.id().id(), Map.of());
                TsValue v = found == null ? field(d, k, now) : found.getOrDefault(k.key(), TsValue.EMPTY);
                latest.computeIfAbsent(k.type().name(), t -> new LinkedHashMap<>()).put(k.key(), v);
            }
            data.add(new EntityData(d.id(), latest, Map.of()));
        }
        return new PageData<>(data, page.totalPages(), page.totalElements(), page.hasNext());
    }

    /** How many devices the query's filter finds. */
    public long count(SecurityUser user, EntityDataQuery q) {
        return page(user, q).totalElements();
    }

    private PageData<Device> page(SecurityUser user, EntityDataQuery q) {
        Access.require(user, Authority.TENANT_ADMIN, Authority.CUSTOMER_USER);
        UUID customer = user.isCustomerUser() ? user.customerId() : null;
        return devices.query(Access.tenantOf(user), customer, q.types(), q.namePrefix(), q.ids(), q.page());
    }

    private Map<UUID, Map<String, TsValue>> latest(KeyType type, List<UUID> ids, List<String> keys) {
        Map<UUID, Map<String, TsValue>> out = new java.util.HashMap<>();
        if (type == KeyType.TIME_SERIES) {
            timeseries.latest(ids, keys).forEach((id, entries) -> {
                Map<String, TsValue> m = out.computeIfAbsent(id, i -> new java.util.HashMap<>());
                for (TsKvEntry e : entries) {
                    m.put(e.key(), new TsValue(e.ts(), e.kv().valueAsString()));
                }
            });
            return out;
        }
        List<AttributeScope> scopes = switch (type) {
            case CLIENT_ATTRIBUTE -> List.of(AttributeScope.CLIENT_SCOPE);
            case SHARED_ATTRIBUTE -> List.of(AttributeScope.SHARED_SCOPE);
            case SERVER_ATTRIBUTE -> List.of(AttributeScope.SERVER_SCOPE);
            default -> List.of(AttributeScope.values());
        };
        // ATTRIBUTE: whichever scope holds the key, the most recently updated value when several do.
        for (AttributeScope scope : scopes) {
            attributes.find(ids, scope, keys).forEach((id, entries) -> {
                Map<String, TsValue> m = out.computeIfAbsent(id, i -> new java.util.HashMap<>());
                for (AttributeKvEntry a : entries) {
                    TsValue old = m.get(a.kv().key());
                    if (old == null || old.ts() < a.lastUpdateTs()) {
                        m.put(a.kv().key(), new TsValue(a.lastUpdateTs(), a.kv().valueAsString()));
                    }
                }
            });
        }
        return out;
    }

    /** An entity field's value, stamped with the time of the answer as ThingsBoard does. */
    private static TsValue field(Device d, Key k, long now) {
        String v = switch (k.key()) {
            case "name" -> d.name();
            case "type" -> d.type();
            case "label" -> d.label();
            case "createdTime" -> String.valueOf(d.createdTime());
            case "additionalInfo" -> d.additionalInfo() == null ? null : d.additionalInfo().toString();
            default -> null;
        };
        return new TsValue(now, v == null ? "" : v);
    }
}
