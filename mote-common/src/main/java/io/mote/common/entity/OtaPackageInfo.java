package io.mote.common.entity;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import tools.jackson.databind.JsonNode;

import io.mote.common.id.EntityId;

/**
 * An OTA update package without its file, in ThingsBoard's JSON shape. {@code type} is FIRMWARE or
 * SOFTWARE; a package either carries a file ({@code hasData}, with its checksum and size) or points at
 * one elsewhere ({@code url}). {@code name} is the title (read only).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record OtaPackageInfo(EntityId id, Long createdTime, EntityId tenantId, EntityId deviceProfileId, String type,
                             String title, String version, String tag, String url,
                             @JsonSetter(nulls = Nulls.AS_EMPTY) boolean hasData,
                             String fileName, String contentType, String checksumAlgorithm, String checksum,
                             Long dataSize, EntityId externalId, JsonNode additionalInfo) {

    @JsonProperty(value = "name", access = JsonProperty.Access.READ_ONLY)
    public String name() {
        return title;
    }
}
