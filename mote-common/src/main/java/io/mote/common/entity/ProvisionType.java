package io.mote.common.entity;

/** How devices of a profile may provision themselves. */
public enum ProvisionType {
    DISABLED, ALLOW_CREATE_NEW_DEVICES, CHECK_PRE_PROVISIONED_DEVICES, X509_CERTIFICATE_CHAIN
}
