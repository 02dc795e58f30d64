package io.mote.common.entity;

import io.mote.common.id.EntityId;

/**
 * A file of the resource library in ThingsBoard's shape; {@code data} travels as base64 in JSON. For an
 * LwM2M model ({@code resourceType} LWM2M_MODEL) the {@code resourceKey} is {@code <objectId>_<version>}.
 * A system resource's {@code tenantId} is the null UUID.
 */
public record TbResource(EntityId id, long createdTime, EntityId tenantId, String title, String resourceType,
                         String resourceKey, String fileName, String etag, byte[] data) {

    public TbResourceInfo info() {
        return new TbResourceInfo(id, createdTime, tenantId, title, resourceType, resourceKey, fileName, etag);
    }
}
