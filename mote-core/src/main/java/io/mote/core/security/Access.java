package io.mote.core.security;

import java.util.UUID;

import io.mote.common.entity.Authority;
import io.mote.common.error.MoteException;
import io.mote.common.id.EntityId;

/**
 * Tenant and customer isolation. An entity of another tenant or customer answers "not found", so ids
 * reveal nothing across tenants; an operation above the caller's authority answers "forbidden".
 */
public final class Access {

    private Access() {
    }

    public static void require(SecurityUser user, Authority... allowed) {
        for (Authority a : allowed) {
            if (user.authority() == a) {
                return;
            }
        }
        throw MoteException.forbidden();
    }

    /** The caller's tenant; fails for the system administrator, who owns no devices. */
    public static UUID tenantOf(SecurityUser user) {
        if (user.tenantId() == null) {
            throw MoteException.forbidden();
        }
        return user.tenantId();
    }

    /** Checks that a tenant-owned entity is visible to the caller. */
    public static void checkTenant(SecurityUser user, EntityId tenantId) {
        if (user.isSysAdmin()) {
            throw MoteException.forbidden();
        }
        if (tenantId == null || !tenantId.id().equals(user.tenantId())) {
            throw MoteException.notFound();
        }
    }

    /** Checks that a tenant- and customer-owned entity is visible to the caller. */
    public static void checkOwner(SecurityUser user, EntityId tenantId, EntityId customerId) {
        checkTenant(user, tenantId);
        if (user.isCustomerUser() && (customerId == null || !customerId.id().equals(user.customerId()))) {
            throw MoteException.notFound();
        }
    }
}
