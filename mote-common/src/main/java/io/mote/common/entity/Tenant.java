package io.mote.common.entity;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import tools.jackson.databind.JsonNode;

import io.mote.common.id.EntityId;

@JsonIgnoreProperties(ignoreUnknown = true)
public record Tenant(EntityId id, Long createdTime, String title, String region, String country, String state,
                     String city, String address, String address2, String zip, String phone, String email,
                     JsonNode additionalInfo) {
    /** ThingsBoard shows a tenant's title also as its name. */
    public String getName() {
        return title;
    }
}
