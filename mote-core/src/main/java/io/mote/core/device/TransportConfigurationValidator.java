package io.mote.core.device;

import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

import io.mote.common.entity.TransportType;
import io.mote.common.error.MoteException;
import io.mote.transport.api.proto.ProfileProtos;
import io.mote.transport.api.proto.ProtoSchemas;

/**
 * Checks a profile's or a device's {@code transportConfiguration}. Each transport contributes the
 * checks of its own type as it lands; a type without specific checks must still be a JSON object of
 * that type.
 */
@Component
public class TransportConfigurationValidator {

    private final Map<TransportType, Consumer<JsonNode>> profileChecks = Map.of(
            TransportType.DEFAULT, tc -> { },
            TransportType.MQTT, TransportConfigurationValidator::validateMqtt,
            TransportType.COAP, TransportConfigurationValidator::validateCoap,
            TransportType.SNMP, SnmpConfigurationValidator::validateProfile);

    /** An MQTT profile's payload type (see {@link #validatePayloadType}). */
    private static void validateMqtt(JsonNode tc) {
        validatePayloadType(tc.path("transportPayloadTypeConfiguration"), "transportPayloadTypeConfiguration");
    }

    /** A CoAP profile's {@code coapDeviceTypeConfiguration}: its payload type (see {@link #validatePayloadType}). */
    private static void validateCoap(JsonNode tc) {
        JsonNode device = tc.path("coapDeviceTypeConfiguration");
        if (device.isMissingNode() || device.isNull()) {
            return;
        }
        if (!device.isObject()) {
            throw MoteException.invalid("coapDeviceTypeConfiguration must be a JSON object");
        }
        validatePayloadType(device.path("transportPayloadTypeConfiguration"),
                "coapDeviceTypeConfiguration.transportPayloadTypeConfiguration");
    }

    /**
     * A payload type configuration: JSON or PROTOBUF; for PROTOBUF every schema given must compile (an
     * empty one means the default schema). Errors name the field by {@code path}.
     */
    private static void validatePayloadType(JsonNode payload, String path) {
        if (payload.isMissingNode() || payload.isNull()) {
            return;
        }
        String type = payload.path("transportPayloadType").asString("JSON");
        if (!type.equals("JSON") && !type.equals("PROTOBUF")) {
            throw MoteException.invalid(path + ".transportPayloadType must be JSON or PROTOBUF");
        }
        if (type.equals("JSON")) {
            return;
        }
        for (String field : ProfileProtos.SCHEMA_FIELDS) {
            JsonNode schema = payload.get(field);
            if (schema == null || schema.isNull() || (schema.isString() && schema.asString().isBlank())) {
                continue;
            }
            if (!schema.isString()) {
                throw MoteException.invalid(path + "." + field + " must be the .proto text");
            }
            try {
                ProtoSchemas.compile(schema.asString());
            } catch (MoteException e) {
                throw MoteException.invalid(path + "." + field + ": " + e.getMessage());
            }
        }
    }

    private final Lwm2mProfileValidator lwm2m;

    public TransportConfigurationValidator(Lwm2mProfileValidator lwm2m) {
        this.lwm2m = lwm2m;
    }

    public void validateProfile(TransportType type, JsonNode transportConfiguration) {
        validateProfile(null, type, transportConfiguration);
    }

    /** As {@link #validateProfile(TransportType, JsonNode)}; LWM2M paths are checked against the tenant's models. */
    public void validateProfile(UUID tenantId, TransportType type, JsonNode transportConfiguration) {
        if (transportConfiguration == null || !transportConfiguration.isObject()) {
            throw MoteException.invalid("transportConfiguration must be a JSON object");
        }
        if (type == TransportType.LWM2M) {
            lwm2m.validate(tenantId, transportConfiguration);
        }
        profileChecks.getOrDefault(type, tc -> { }).accept(transportConfiguration);
    }

    /** A device's own transport configuration: only its type is fixed by the profile. */
    public void validateDevice(TransportType profileType, JsonNode deviceTransportConfiguration) {
        if (deviceTransportConfiguration == null || deviceTransportConfiguration.isNull()) {
            return;
        }
        if (!deviceTransportConfiguration.isObject()) {
            throw MoteException.invalid("deviceData.transportConfiguration must be a JSON object");
        }
        String type = deviceTransportConfiguration.path("type").asString("");
        if (!type.equals(profileType.name())) {
            throw MoteException.invalid("deviceData.transportConfiguration.type '" + type
                    + "' does not match the device profile's transport type " + profileType);
        }
        if (profileType == TransportType.SNMP) {
            SnmpConfigurationValidator.validateDevice(deviceTransportConfiguration);
        }
    }
}
