package io.mote.common.entity;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.databind.JsonNode;

import io.mote.common.id.EntityId;

@JsonIgnoreProperties(ignoreUnknown = true)
public record DeviceProfile(EntityId id, Long createdTime, EntityId tenantId, String name, String description,
                            String type, TransportType transportType, ProvisionType provisionType,
                            JsonNode profileData, @JsonProperty("default") boolean isDefault,
                            String provisionDeviceKey, EntityId firmwareId, EntityId softwareId,
                            EntityId defaultRuleChainId, String defaultQueueName, String image,
                            EntityId defaultDashboardId) {
}
