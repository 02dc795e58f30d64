package io.mote.common.entity;

/** The transport a device profile is configured for. */
public enum TransportType {
    DEFAULT, MQTT, COAP, LWM2M, SNMP
}
