package io.mote.core.security;

import java.util.UUID;

import io.mote.common.entity.Authority;

/** The authenticated caller of the REST API. */
public record SecurityUser(UUID userId, String email, Authority authority, UUID tenantId, UUID customerId) {

    public boolean isSysAdmin() {
        return authority == Authority.SYS_ADMIN;
    }

    public boolean isTenantAdmin() {
        return authority == Authority.TENANT_ADMIN;
    }

    public boolean isCustomerUser() {
        return authority == Authority.CUSTOMER_USER;
    }
}
