package io.mote.common.entity;

/** What a user may do: run the platform, run one tenant, or use one customer's devices. */
public enum Authority {
    SYS_ADMIN, TENANT_ADMIN, CUSTOMER_USER
}
