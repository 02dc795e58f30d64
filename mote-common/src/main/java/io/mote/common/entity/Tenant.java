package io.mote.common.entity;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import tools.jackson.databind.JsonNode;

import io.mote.common.id.EntityId;

/**
 * A tenant. {@code defaultStorageTtlDays} (ThingsBoard's tenant-profile field; Mote has no tenant profiles):
 * how long the tenant's time series are kept when neither the request nor the device profile says; null or 0
 * for the server's default.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Tenant(EntityId id, Long createdTime, String title, String region, String country, String state,
                     String city, String address, String address2, String zip, String phone, String email,
                     JsonNode additionalInfo, Integer defaultStorageTtlDays) {
    /** ThingsBoard shows a tenant's title also as its name. */
    public String getName() {
        return title;
    }
}
