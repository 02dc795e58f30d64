package io.mote.transport.mqtt;

import tools.jackson.databind.JsonNode;

import io.mote.common.json.Json;
import io.mote.transport.api.TransportConfiguration;

/**
 * The topics and payload type a device uses, from its profile's MQTT transport configuration
 * ({@code deviceTelemetryTopic}, {@code deviceAttributesTopic}, {@code deviceAttributesSubscribeTopic},
 * {@code transportPayloadTypeConfiguration}). Devices of a profile without one share {@link #DEFAULT}.
 */
record MqttTopics(String telemetry, String attributes, String attributesSubscribe, boolean protobuf,
                  boolean sendAckOnValidationException) {

    static final String TELEMETRY = "v1/devices/me/telemetry";
    static final String ATTRIBUTES = "v1/devices/me/attributes";
    static final String ATTRIBUTES_REQUEST = "v1/devices/me/attributes/request/";
    static final String ATTRIBUTES_RESPONSE = "v1/devices/me/attributes/response/";
    static final String RPC_REQUEST = "v1/devices/me/rpc/request/";
    static final String RPC_RESPONSE = "v1/devices/me/rpc/response/";
    static final String CLAIM = "v1/devices/me/claim";
    static final String PROVISION_REQUEST = "/provision/request";
    static final String PROVISION_RESPONSE = "/provision/response";
    static final String GATEWAY = "v1/gateway/";
    static final String GW_CONNECT = "v1/gateway/connect";
    static final String GW_DISCONNECT = "v1/gateway/disconnect";
    static final String GW_TELEMETRY = "v1/gateway/telemetry";
    static final String GW_ATTRIBUTES = "v1/gateway/attributes";
    static final String GW_ATTRIBUTES_REQUEST = "v1/gateway/attributes/request";
    static final String GW_ATTRIBUTES_RESPONSE = "v1/gateway/attributes/response";
    static final String GW_RPC = "v1/gateway/rpc";
    static final String GW_CLAIM = "v1/gateway/claim";

    static final MqttTopics DEFAULT = new MqttTopics(TELEMETRY, ATTRIBUTES, ATTRIBUTES, false, false);

    /** The topics of a device, from its profile's transport configuration (DEFAULT unless the type is MQTT). */
    static MqttTopics of(TransportConfiguration configuration) {
        JsonNode tc = configuration == null || configuration.profile() == null ? null : Json.parse(configuration.profile());
        if (tc == null || !"MQTT".equals(tc.path("type").asString(""))) {
            return DEFAULT;
        }
        String telemetry = text(tc, "deviceTelemetryTopic", TELEMETRY);
        String attributes = text(tc, "deviceAttributesTopic", ATTRIBUTES);
        String subscribe = text(tc, "deviceAttributesSubscribeTopic", ATTRIBUTES);
        boolean protobuf = "PROTOBUF".equals(tc.path("transportPayloadTypeConfiguration")
                .path("transportPayloadType").asString("JSON"));
        boolean ackOnError = tc.path("sendAckOnValidationException").asBoolean(false);
        MqttTopics t = new MqttTopics(telemetry, attributes, subscribe, protobuf, ackOnError);
        return t.equals(DEFAULT) ? DEFAULT : t;
    }

    private static String text(JsonNode node, String field, String fallback) {
        String v = node.path(field).asString("");
        return v.isBlank() ? fallback : v.trim();
    }
}
