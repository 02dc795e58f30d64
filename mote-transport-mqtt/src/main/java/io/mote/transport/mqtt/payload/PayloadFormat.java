package io.mote.transport.mqtt.payload;

import io.mote.common.error.MoteException;

/**
 * The payload type a topic carries: the profile's (the {@code v1} topics, and the short {@code v2} topics
 * without a suffix), or JSON / PROTOBUF whatever the profile says (the {@code /j} and {@code /p} short
 * topics).
 */
public enum PayloadFormat {
    PROFILE, JSON, PROTOBUF;

    /** The adaptor for this format, given the device's profile adaptor. */
    public PayloadAdaptor of(PayloadAdaptor profile) {
        return switch (this) {
            case PROFILE -> profile;
            case JSON -> JsonPayloadAdaptor.INSTANCE;
            case PROTOBUF -> {
                if (!(profile instanceof ProtoPayloadAdaptor)) {
                    throw MoteException.badRequest("The device profile defines no PROTOBUF payload schemas");
                }
                yield profile;
            }
        };
    }

    /** The short topics' suffix level: {@code j}, {@code p}, or none. */
    public static PayloadFormat ofSuffix(String level) {
        return switch (level) {
            case "j" -> JSON;
            case "p" -> PROTOBUF;
            default -> null;
        };
    }
}
