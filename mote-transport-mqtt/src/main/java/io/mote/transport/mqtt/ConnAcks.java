package io.mote.transport.mqtt;

import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttProperties;

import io.mote.transport.mqtt.auth.ConnectAuthenticator;

/**
 * CONNACK in both protocol versions: the return code for each refusal, the MQTT 5 properties of an
 * accepted connection, and the session expiry a CONNECT asks for.
 */
final class ConnAcks {

    private ConnAcks() {
    }

    /**
     * @param assignedClientId the id the server gave a client that sent none (MQTT 5), else null
     * @param grantedExpiryMs  sent to an MQTT 5 client when it differs from what it asked, else -1
     */
    static MqttConnAckMessage accepted(boolean v5, boolean sessionPresent, String assignedClientId,
                                       long grantedExpiryMs) {
        MqttMessageBuilders.ConnAckBuilder b = MqttMessageBuilders.connAck()
                .returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED).sessionPresent(sessionPresent);
        if (v5) {
            b.properties(p -> {
                p.retainAvailable(false).sharedSubscriptionAvailable(false).wildcardSubscriptionAvailable(true)
                        .topicAliasMaximum(0);
                if (assignedClientId != null) {
                    p.assignedClientId(assignedClientId);
                }
                if (grantedExpiryMs >= 0) {
                    p.sessionExpiryInterval((int) Math.min(grantedExpiryMs / 1000, 0xFFFFFFFEL));
                }
            });
        }
        return b.build();
    }

    static MqttConnAckMessage refused(MqttConnectReturnCode code) {
        return MqttMessageBuilders.connAck().returnCode(code).sessionPresent(false).build();
    }

    /** The refusal of a CONNECT whose credentials did not name a device. */
    static MqttConnectReturnCode notAuthenticated(boolean v5, ConnectAuthenticator.Failure failure) {
        if (failure == ConnectAuthenticator.Failure.BAD_PASSWORD) {
            return v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USERNAME_OR_PASSWORD
                    : MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD;
        }
        return v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5
                : MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED;
    }

    static MqttConnectReturnCode serverUnavailable(boolean v5) {
        return v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE_5
                : MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE;
    }

    static MqttConnectReturnCode identifierRejected(boolean v5) {
        return v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_CLIENT_IDENTIFIER_NOT_VALID
                : MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED;
    }

    /**
     * How long the client wants its session kept after the connection ends: MQTT 5's Session Expiry
     * Interval (absent = 0, 0xFFFFFFFF = never expires); for 3.1.1, Clean Session 0 asks for as long as the
     * server allows.
     */
    static long requestedExpiryMs(MqttConnectMessage m, boolean v5) {
        if (!v5) {
            return m.variableHeader().isCleanSession() ? 0 : Long.MAX_VALUE;
        }
        MqttProperties.MqttProperty<?> p = m.variableHeader().properties()
                .getProperty(MqttProperties.MqttPropertyType.SESSION_EXPIRY_INTERVAL.value());
        if (p == null || !(p.value() instanceof Integer seconds)) {
            return 0;
        }
        return seconds == -1 ? Long.MAX_VALUE : Integer.toUnsignedLong(seconds) * 1000L;
    }
}
