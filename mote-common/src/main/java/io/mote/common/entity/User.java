package io.mote.common.entity;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import tools.jackson.databind.JsonNode;

import io.mote.common.id.EntityId;

@JsonIgnoreProperties(ignoreUnknown = true)
public record User(EntityId id, Long createdTime, EntityId tenantId, EntityId customerId, String email,
                   Authority authority, String firstName, String lastName, String phone, JsonNode additionalInfo) {
    public String getName() {
        return email;
    }
}
