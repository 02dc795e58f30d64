package io.mote.common.entity;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.mote.common.id.EntityId;

@JsonIgnoreProperties(ignoreUnknown = true)
public record DeviceCredentials(EntityId id, Long createdTime, EntityId deviceId, CredentialsType credentialsType,
                                String credentialsId, String credentialsValue) {
}
