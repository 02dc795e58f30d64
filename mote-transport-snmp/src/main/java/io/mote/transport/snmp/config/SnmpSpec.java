package io.mote.transport.snmp.config;

/** ThingsBoard's SNMP communication specs, plus the two trap specs. */
public enum SnmpSpec {
    TELEMETRY_QUERYING, CLIENT_ATTRIBUTES_QUERYING, SHARED_ATTRIBUTES_SETTING, TO_DEVICE_RPC_REQUEST,
    TO_SERVER_RPC_REQUEST, TELEMETRY_TRAPS_RECEIVING, CLIENT_ATTRIBUTES_TRAPS_RECEIVING;

    public boolean querying() {
        return this == TELEMETRY_QUERYING || this == CLIENT_ATTRIBUTES_QUERYING;
    }

    /** Whether the values go to telemetry (else to client attributes). */
    public boolean telemetry() {
        return this == TELEMETRY_QUERYING || this == TELEMETRY_TRAPS_RECEIVING;
    }
}
