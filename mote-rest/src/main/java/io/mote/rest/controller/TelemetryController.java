package io.mote.rest.controller;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.error.MoteException;
import io.mote.common.id.EntityType;
import io.mote.common.json.Json;
import io.mote.common.json.KvJson;
import io.mote.common.kv.AttributeKvEntry;
import io.mote.common.kv.AttributeScope;
import io.mote.common.kv.KvEntry;
import io.mote.common.kv.TsKvEntry;
import io.mote.core.EntityAccess;
import io.mote.core.security.SecurityUser;
import io.mote.core.telemetry.AttributesService;
import io.mote.core.telemetry.StorageTtl;
import io.mote.core.telemetry.TelemetryService;
import io.mote.dao.Aggregation;

/** Time series and attributes of an entity, under {@code /api/plugins/telemetry}. */
@RestController
@RequestMapping("/api/plugins/telemetry")
public class TelemetryController {

    private static final int MAX_BODY = 1024 * 1024;

    private final TelemetryService telemetry;
    private final AttributesService attributes;
    private final EntityAccess access;
    private final StorageTtl storageTtl;

    public TelemetryController(TelemetryService telemetry, AttributesService attributes, EntityAccess access,
                               StorageTtl storageTtl) {
        this.storageTtl = storageTtl;
        this.telemetry = telemetry;
        this.attributes = attributes;
        this.access = access;
    }

    // ---- keys ----

    @GetMapping("/{entityType}/{entityId}/keys/timeseries")
    public List<String> timeseriesKeys(SecurityUser user, @PathVariable String entityType, @PathVariable UUID entityId) {
        check(user, entityType, entityId);
        return telemetry.keys(entityId);
    }

    @GetMapping("/{entityType}/{entityId}/keys/attributes")
    public List<String> attributeKeys(SecurityUser user, @PathVariable String entityType, @PathVariable UUID entityId) {
        check(user, entityType, entityId);
        return attributes.keys(entityId, null);
    }

    @GetMapping("/{entityType}/{entityId}/keys/attributes/{scope}")
    public List<String> attributeKeysByScope(SecurityUser user, @PathVariable String entityType,
                                             @PathVariable UUID entityId, @PathVariable String scope) {
        check(user, entityType, entityId);
        return attributes.keys(entityId, scope(scope));
    }

    // ---- values ----

    @GetMapping("/{entityType}/{entityId}/values/attributes")
    public ArrayNode attributeValues(SecurityUser user, @PathVariable String entityType, @PathVariable UUID entityId,
                                     @RequestParam(required = false) String keys) {
        check(user, entityType, entityId);
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (AttributeScope s : AttributeScope.values()) {
            addAttributes(out, attributes.find(entityId, s, csv(keys)));
        }
        return out;
    }

    @GetMapping("/{entityType}/{entityId}/values/attributes/{scope}")
    public ArrayNode attributeValuesByScope(SecurityUser user, @PathVariable String entityType,
                                            @PathVariable UUID entityId, @PathVariable String scope,
                                            @RequestParam(required = false) String keys) {
        check(user, entityType, entityId);
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        addAttributes(out, attributes.find(entityId, scope(scope), csv(keys)));
        return out;
    }

    /**
     * Latest values when no time range is given; otherwise the values in [startTs, endTs], raw or
     * aggregated per {@code interval}. Values are strings unless {@code useStrictDataTypes}.
     */
    @GetMapping("/{entityType}/{entityId}/values/timeseries")
    public ObjectNode timeseries(SecurityUser user, @PathVariable String entityType, @PathVariable UUID entityId,
                                 @RequestParam(required = false) String keys,
                                 @RequestParam(required = false) Long startTs,
                                 @RequestParam(required = false) Long endTs,
                                 @RequestParam(required = false, defaultValue = "0") long interval,
                                 @RequestParam(required = false, defaultValue = "100") int limit,
                                 @RequestParam(required = false, defaultValue = "NONE") String agg,
                                 @RequestParam(required = false, defaultValue = "DESC") String orderBy,
                                 @RequestParam(required = false, defaultValue = "false") boolean useStrictDataTypes) {
        check(user, entityType, entityId);
        Set<String> keySet = csv(keys);
        List<TsKvEntry> values;
        if (startTs == null && endTs == null) {
            values = telemetry.latest(entityId, keySet);
        } else {
            if (startTs == null || endTs == null) {
                throw MoteException.invalid("startTs and endTs should be specified together");
            }
            if (keySet == null) {
                keySet = new LinkedHashSet<>(telemetry.keys(entityId));
            }
            values = telemetry.history(entityId, keySet, startTs, endTs, interval, aggregation(agg), limit,
                    ascending(orderBy));
        }
        return tsJson(keySet, values, useStrictDataTypes);
    }

    // ---- writes ----

    @PostMapping("/{entityType}/{entityId}/timeseries/{scope}")
    public CompletableFuture<ResponseEntity<Void>> saveTimeseries(SecurityUser user, @PathVariable String entityType,
                                                                  @PathVariable UUID entityId, @PathVariable String scope,
                                                                  @RequestBody byte[] body) {
        return saveTs(user, entityType, entityId, body, 0);
    }

    /** {@code ttl}: seconds to keep the values; 0 for the default (the device profile's, the tenant's, the server's). */

    @PostMapping("/{entityType}/{entityId}/timeseries/{scope}/{ttl}")
    public CompletableFuture<ResponseEntity<Void>> saveTimeseriesWithTtl(SecurityUser user,
                                                                         @PathVariable String entityType,
                                                                         @PathVariable UUID entityId,
                                                                         @PathVariable String scope,
                                                                         @PathVariable long ttl,
                                                                         @RequestBody byte[] body) {
        if (ttl < 0 || ttl > Integer.MAX_VALUE) {
            throw MoteException.invalid("ttl must be from 0 to " + Integer.MAX_VALUE + " seconds: " + ttl);
        }
        return saveTs(user, entityType, entityId, body, ttl);
    }

    private CompletableFuture<ResponseEntity<Void>> saveTs(SecurityUser user, String entityType, UUID entityId,
                                                           byte[] body, long ttl) {
        EntityType type = check(user, entityType, entityId);
        List<TsKvEntry> entries = KvJson.parseTelemetry(parse(body), System.currentTimeMillis());
        UUID tenantId = type == EntityType.TENANT ? entityId : user.tenantId();
        long seconds = ttl > 0 ? ttl : storageTtl.ofEntity(entityId, type == EntityType.DEVICE, tenantId);
        return telemetry.save(entityId, entries, seconds).thenApply(v -> ResponseEntity.ok().<Void>build());
    }

    @PostMapping("/{entityType}/{entityId}/attributes/{scope}")
    public void saveAttributes(SecurityUser user, @PathVariable String entityType, @PathVariable UUID entityId,
                               @PathVariable String scope, @RequestBody byte[] body) {
        storeAttributes(user, entityType, entityId, scope, body);
    }

    @PostMapping("/{entityType}/{entityId}/{scope}")
    public void saveAttributesV1(SecurityUser user, @PathVariable String entityType, @PathVariable UUID entityId,
                                 @PathVariable String scope, @RequestBody byte[] body) {
        storeAttributes(user, entityType, entityId, scope, body);
    }

    /** The legacy form: attributes of a device. */
    @PostMapping("/{deviceId}/{scope}")
    public void saveDeviceAttributes(SecurityUser user, @PathVariable UUID deviceId, @PathVariable String scope,
                                     @RequestBody byte[] body) {
        storeAttributes(user, EntityType.DEVICE.name(), deviceId, scope, body);
    }

    private void storeAttributes(SecurityUser user, String entityType, UUID entityId, String scopeName, byte[] body) {
        EntityType type = check(user, entityType, entityId);
        AttributeScope scope = scope(scopeName);
        if (scope == AttributeScope.CLIENT_SCOPE || type != EntityType.DEVICE && scope != AttributeScope.SERVER_SCOPE) {
            throw MoteException.invalid("Invalid scope: " + scopeName + " attributes cannot be set through the REST API"
                    + " for " + type);
        }
        List<KvEntry> kvs = KvJson.parseKvObject(parse(body));
        attributes.save(type, entityId, scope, kvs);
    }

    // ---- deletes ----

    @DeleteMapping("/{entityType}/{entityId}/timeseries/delete")
    public void deleteTimeseries(SecurityUser user, @PathVariable String entityType, @PathVariable UUID entityId,
                                 @RequestParam String keys,
                                 @RequestParam(required = false, defaultValue = "false") boolean deleteAllDataForKeys,
                                 @RequestParam(required = false) Long startTs,
                                 @RequestParam(required = false) Long endTs,
                                 @RequestParam(required = false, defaultValue = "true") boolean deleteLatest,
                                 @RequestParam(required = false, defaultValue = "false") boolean rewriteLatestIfDeleted) {
        check(user, entityType, entityId);
        Set<String> keySet = requiredKeys(keys);
        long start;
        long end;
        if (deleteAllDataForKeys) {
            start = 0;
            end = Long.MAX_VALUE;
        } else {
            if (startTs == null || endTs == null) {
                throw MoteException.invalid("When deleteAllDataForKeys is false, start and end timestamp values "
                        + "shouldn't be empty");
            }
            start = startTs;
            end = endTs;
        }
        telemetry.delete(entityId, keySet, start, end, deleteLatest, rewriteLatestIfDeleted);
    }

    @DeleteMapping("/{entityType}/{entityId}/{scope}")
    public void deleteAttributes(SecurityUser user, @PathVariable String entityType, @PathVariable UUID entityId,
                                 @PathVariable String scope, @RequestParam String keys) {
        EntityType type = check(user, entityType, entityId);
        attributes.delete(type, entityId, scope(scope), requiredKeys(keys));
    }

    @DeleteMapping("/{deviceId}/{scope}")
    public void deleteDeviceAttributes(SecurityUser user, @PathVariable UUID deviceId, @PathVariable String scope,
                                       @RequestParam String keys) {
        check(user, EntityType.DEVICE.name(), deviceId);
        attributes.delete(EntityType.DEVICE, deviceId, scope(scope), requiredKeys(keys));
    }

    // ---- helpers ----

    private EntityType check(SecurityUser user, String entityType, UUID entityId) {
        EntityType type = EntityAccess.parseType(entityType);
        access.check(user, type, entityId);
        return type;
    }

    private static JsonNode parse(byte[] body) {
        if (body.length > MAX_BODY) {
            throw MoteException.invalid("Request body is larger than " + MAX_BODY + " bytes");
        }
        // The body in the charset its content type declares (415 for one the server does not know).
        var attrs = org.springframework.web.context.request.RequestContextHolder.getRequestAttributes();
        String charset = attrs instanceof org.springframework.web.context.request.ServletRequestAttributes s
                ? s.getRequest().getCharacterEncoding() : null;
        return Json.parse(body, charset);
    }

    static AttributeScope scope(String s) {
        return AttributeScope.parse(s).orElseThrow(() -> MoteException.invalid("Invalid attribute scope '" + s
                + "'; use CLIENT_SCOPE, SHARED_SCOPE or SERVER_SCOPE"));
    }

    static Aggregation aggregation(String s) {
        try {
            return Aggregation.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw MoteException.invalid("Invalid agg '" + s + "'; use NONE, MIN, MAX, AVG, SUM or COUNT");
        }
    }

    static boolean ascending(String orderBy) {
        if ("ASC".equalsIgnoreCase(orderBy)) {
            return true;
        }
        if ("DESC".equalsIgnoreCase(orderBy)) {
            return false;
        }
        throw MoteException.invalid("Invalid orderBy '" + orderBy + "'; use ASC or DESC");
    }

    /** Comma-separated keys; null (meaning all) when absent or empty. */
    static Set<String> csv(String keys) {
        if (keys == null || keys.isBlank()) {
            return null;
        }
        Set<String> out = new LinkedHashSet<>();
        Arrays.stream(keys.split(",")).map(String::trim).filter(k -> !k.isEmpty()).forEach(out::add);
        return out.isEmpty() ? null : out;
    }

    private static Set<String> requiredKeys(String keys) {
        Set<String> set = csv(keys);
        if (set == null) {
            throw MoteException.invalid("Empty keys: " + keys);
        }
        return set;
    }

    private static void addAttributes(ArrayNode out, List<AttributeKvEntry> attrs) {
        for (AttributeKvEntry a : attrs) {
            ObjectNode o = out.addObject();
            o.put("lastUpdateTs", a.lastUpdateTs());
            o.put("key", a.key());
            o.set("value", KvJson.toJsonValue(a.kv()));
        }
    }

    /** {@code {"key":[{"ts":..,"value":..}]}}, keys in the order asked. */
    static ObjectNode tsJson(Set<String> keys, List<TsKvEntry> values, boolean strict) {
        Map<String, ArrayNode> byKey = new LinkedHashMap<>();
        JsonNodeFactory f = JsonNodeFactory.instance;
        for (TsKvEntry e : values) {
            ObjectNode o = byKey.computeIfAbsent(e.key(), k -> f.arrayNode()).addObject();
            o.put("ts", e.ts());
            if (strict) {
                o.set("value", KvJson.toJsonValue(e.kv()));
            } else {
                o.put("value", e.kv().valueAsString());
            }
        }
        ObjectNode out = Json.object();
        if (keys != null) {
            for (String k : keys) {
                if (byKey.containsKey(k)) {
                    out.set(k, byKey.get(k));
                }
            }
        } else {
            byKey.forEach(out::set);
        }
        return out;
    }
}
