package io.mote.common.entity;

import io.mote.common.id.EntityId;

/** A resource without its data, as listings return it. */
public record TbResourceInfo(EntityId id, long createdTime, EntityId tenantId, String title, String resourceType,
                             String resourceKey, String fileName, String etag) {
}
