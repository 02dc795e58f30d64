package io.mote.common.entity;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import tools.jackson.databind.JsonNode;

import io.mote.common.id.EntityId;

/** A device profile; {@code "default"} may be left out or null in requests (it is then false). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeviceProfile(EntityId id, Long createdTime, EntityId tenantId, String name, String description,
                            String type, TransportType transportType, ProvisionType provisionType,
                            JsonNode profileData, @JsonProperty("default") @JsonSetter(nulls = Nulls.AS_EMPTY) boolean isDefault,
                            String provisionDeviceKey, EntityId firmwareId, EntityId softwareId,
                            EntityId defaultRuleChainId, String defaultQueueName, String image,
                            EntityId defaultDashboardId) {
}
