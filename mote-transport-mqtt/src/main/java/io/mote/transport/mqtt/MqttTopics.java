package io.mote.transport.mqtt;

import tools.jackson.databind.JsonNode;

import io.mote.common.json.Json;
import io.mote.transport.api.TransportConfiguration;

/**
 * The topics a device uses, from its profile's MQTT transport configuration
 * ({@code deviceTelemetryTopic}, {@code deviceAttributesTopic}, {@code deviceAttributesSubscribeTopic},
 * {@code sendAckOnValidationException}; the payload type is read by {@code payload.PayloadAdaptors}).
 * Devices of a profile without one share {@link #DEFAULT}.
 */
public record MqttTopics(String telemetry, String attributes, String attributesSubscribe,
                         boolean sendAckOnValidationException) {

    public static final String TELEMETRY = "v1/devices/me/telemetry";
    public static final String ATTRIBUTES = "v1/devices/me/attributes";
    public static final String ATTRIBUTES_REQUEST = "v1/devices/me/attributes/request/";
    public static final String ATTRIBUTES_RESPONSE = "v1/devices/me/attributes/response/";
    public static final String RPC_REQUEST = "v1/devices/me/rpc/request/";
    public static final String RPC_RESPONSE = "v1/devices/me/rpc/response/";
    public static final String CLAIM = "v1/devices/me/claim";
    public static final String PROVISION_REQUEST = "/provision/request";
    public static final String PROVISION_RESPONSE = "/provision/response";
    public static final String GATEWAY = "v1/gateway/";
    public static final String GW_CONNECT = "v1/gateway/connect";
    public static final String GW_DISCONNECT = "v1/gateway/disconnect";
    public static final String GW_TELEMETRY = "v1/gateway/telemetry";
    public static final String GW_ATTRIBUTES = "v1/gateway/attributes";
    public static final String GW_ATTRIBUTES_REQUEST = "v1/gateway/attributes/request";
    public static final String GW_ATTRIBUTES_RESPONSE = "v1/gateway/attributes/response";
    public static final String GW_RPC = "v1/gateway/rpc";
    public static final String GW_CLAIM = "v1/gateway/claim";

    public static final MqttTopics DEFAULT = new MqttTopics(TELEMETRY, ATTRIBUTES, ATTRIBUTES, false);

    /** The topics of a device, from its profile's transport configuration (DEFAULT unless the type is MQTT). */
    public static MqttTopics of(TransportConfiguration configuration) {
        JsonNode tc = configuration == null || configuration.profile() == null ? null : Json.parse(configuration.profile());
        if (tc == null || !"MQTT".equals(tc.path("type").asString(""))) {
            return DEFAULT;
        }
        String telemetry = text(tc, "deviceTelemetryTopic", TELEMETRY);
        String attributes = text(tc, "deviceAttributesTopic", ATTRIBUTES);
        String subscribe = text(tc, "deviceAttributesSubscribeTopic", ATTRIBUTES);
        boolean ackOnError = tc.path("sendAckOnValidationException").asBoolean(false);
        MqttTopics t = new MqttTopics(telemetry, attributes, subscribe, ackOnError);
        return t.equals(DEFAULT) ? DEFAULT : t;
    }

    private static String text(JsonNode node, String field, String fallback) {
        String v = node.path(field).asString("");
        return v.isBlank() ? fallback : v.trim();
    }
}
