package io.mote.core.telemetry;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

import org.springframework.stereotype.Service;

import io.mote.common.id.EntityType;
import io.mote.common.kv.AttributeKvEntry;
import io.mote.common.kv.AttributeScope;
import io.mote.common.kv.KvEntry;
import io.mote.core.session.DeviceSessionRegistry;
import io.mote.core.subscription.SubscriptionService;
import io.mote.dao.AttributesDao;
import io.mote.transport.api.AttributesUpdate;

/**
 * Attributes in their three scopes. A change to a device's shared attributes is pushed to the device's
 * live sessions as well as to subscribed applications.
 */
@Service
public class AttributesService {

    private final AttributesDao dao;
    private final SubscriptionService subscriptions;
    private final DeviceSessionRegistry sessions;

    public AttributesService(AttributesDao dao, SubscriptionService subscriptions, DeviceSessionRegistry sessions) {
        this.dao = dao;
        this.subscriptions = subscriptions;
        this.sessions = sessions;
    }

    public void save(EntityType entityType, UUID entityId, AttributeScope scope, List<KvEntry> attributes) {
        long now = System.currentTimeMillis();
        dao.save(entityId, scope, attributes, now);
        List<AttributeKvEntry> saved = attributes.stream().map(kv -> new AttributeKvEntry(kv, now)).toList();
        subscriptions.onAttributes(entityId, scope, saved);
        if (entityType == EntityType.DEVICE && scope == AttributeScope.SHARED_SCOPE) {
            sessions.pushAttributes(entityId, new AttributesUpdate(saved, List.of()));
        }
    }

    /**
     * Sets the same shared attributes on many devices in one batch, then pushes the change to each
     * device's sessions and subscribers.
     */
    public void saveShared(List<UUID> deviceIds, List<KvEntry> attributes) {
        long now = System.currentTimeMillis();
        dao.saveAll(deviceIds, AttributeScope.SHARED_SCOPE, attributes, now);
        List<AttributeKvEntry> saved = attributes.stream().map(kv -> new AttributeKvEntry(kv, now)).toList();
        for (UUID deviceId : deviceIds) {
            subscriptions.onAttributes(deviceId, AttributeScope.SHARED_SCOPE, saved);
            sessions.pushAttributes(deviceId, new AttributesUpdate(saved, List.of()));
        }
    }

    /** Deletes shared attributes of many devices in one statement; each device hears of the keys it had. */
    public void deleteShared(Collection<UUID> deviceIds, Collection<String> keys) {
        dao.deleteAll(deviceIds, AttributeScope.SHARED_SCOPE, keys).forEach((deviceId, deleted) ->
                sessions.pushAttributes(deviceId, new AttributesUpdate(List.of(), deleted)));
    }

    /**
     * Sets one server- or client-side attribute unless it is already set; returns whether it was set.
     * Atomic, so it can serve as a once-only marker.
     */
    public boolean saveIfAbsent(UUID entityId, AttributeScope scope, KvEntry attribute) {
        if (scope == AttributeScope.SHARED_SCOPE) {
            throw new IllegalArgumentException("Shared attributes are pushed to devices; use save");
        }
        long now = System.currentTimeMillis();
        if (!dao.insertIfAbsent(entityId, scope, attribute, now)) {
            return false;
        }
        subscriptions.onAttributes(entityId, scope, List.of(new AttributeKvEntry(attribute, now)));
        return true;
    }

    public List<AttributeKvEntry> find(UUID entityId, AttributeScope scope, Collection<String> keys) {
        return dao.find(entityId, scope, keys);
    }

    public List<String> keys(UUID entityId, AttributeScope scope) {
        return dao.keys(entityId, scope);
    }

    public List<String> delete(EntityType entityType, UUID entityId, AttributeScope scope, Collection<String> keys) {
        List<String> deleted = dao.delete(entityId, scope, keys);
        if (!deleted.isEmpty() && entityType == EntityType.DEVICE && scope == AttributeScope.SHARED_SCOPE) {
            sessions.pushAttributes(entityId, new AttributesUpdate(List.of(), deleted));
        }
        return deleted;
    }
}
