package io.mote.core.security;

import io.mote.common.id.EntityId;

/** An API key as the REST API shows it; {@code value} is present only in the answer that created it. */
public record ApiKeyInfo(EntityId id, long createdTime, EntityId userId, String description, long expirationTime,
                         boolean enabled, String value) {
}
