package io.mote.common.entity;

/** How a device proves who it is. */
public enum CredentialsType {
    ACCESS_TOKEN, X509_CERTIFICATE, MQTT_BASIC, LWM2M_CREDENTIALS
}
