package io.mote.common.entity;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import tools.jackson.databind.JsonNode;

import io.mote.common.id.EntityId;

@JsonIgnoreProperties(ignoreUnknown = true)
public record Device(EntityId id, Long createdTime, EntityId tenantId, EntityId customerId, String name, String type,
                     String label, EntityId deviceProfileId, JsonNode deviceData, EntityId firmwareId,
                     EntityId softwareId, JsonNode additionalInfo, Long version) {

    /**
     * ThingsBoard's optimistic locking: every save increments the stored version; a save that carries a
     * version other than the stored one is refused (409), one without a version overwrites.
     */
    public Device withVersion(Long v) {
        return new Device(id, createdTime, tenantId, customerId, name, type, label, deviceProfileId, deviceData,
                firmwareId, softwareId, additionalInfo, v);
    }

    public Device withCustomer(EntityId customer) {
        return new Device(id, createdTime, tenantId, customer, name, type, label, deviceProfileId, deviceData,
                firmwareId, softwareId, additionalInfo, version);
    }
}
