package io.mote.common.id;

/** Entity types, named as ThingsBoard's REST API names them. */
public enum EntityType {
    TENANT, CUSTOMER, USER, DEVICE, DEVICE_PROFILE, DEVICE_CREDENTIALS, API_KEY, TB_RESOURCE, OTA_PACKAGE, RPC
}
