package io.mote.common.id;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.UUID;

/**
 * An entity reference in ThingsBoard's JSON shape: {@code {"entityType":"DEVICE","id":"…"}}.
 */
public record EntityId(EntityType entityType, UUID id) {

    /** ThingsBoard's "no entity" id, used for example as the customer of an unassigned device. */
    public static final UUID NULL_UUID = UUID.fromString("13814000-1dd2-11b2-8080-808080808080");

    public EntityId {
        Objects.requireNonNull(entityType, "entityType");
        Objects.requireNonNull(id, "id");
    }

    public static EntityId of(EntityType type, UUID id) {
        return id == null ? null : new EntityId(type, id);
    }

    @JsonIgnore
    public boolean isNull() {
        return NULL_UUID.equals(id);
    }
}
