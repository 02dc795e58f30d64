package io.mote.common.entity;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import tools.jackson.databind.JsonNode;

import io.mote.common.id.EntityId;

@JsonIgnoreProperties(ignoreUnknown = true)
public record Customer(EntityId id, Long createdTime, EntityId tenantId, String title, String country, String state,
                       String city, String address, String address2, String zip, String phone, String email,
                       JsonNode additionalInfo) {
    public String getName() {
        return title;
    }
}
