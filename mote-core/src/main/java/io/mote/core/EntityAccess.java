package io.mote.core;

import java.util.UUID;

import org.springframework.stereotype.Component;

import io.mote.common.error.MoteException;
import io.mote.common.id.EntityType;
import io.mote.core.device.DeviceService;
import io.mote.core.security.SecurityUser;
import io.mote.core.tenant.CustomerService;
import io.mote.core.tenant.TenantService;

/** Checks that the caller may read or write the telemetry and attributes of an entity. */
@Component
public class EntityAccess {

    private final DeviceService devices;
    private final CustomerService customers;
    private final TenantService tenants;

    public EntityAccess(DeviceService devices, CustomerService customers, TenantService tenants) {
        this.devices = devices;
        this.customers = customers;
        this.tenants = tenants;
    }

    public static EntityType parseType(String type) {
        try {
            return EntityType.valueOf(type);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw MoteException.invalid("Unsupported entity type '" + type + "'");
        }
    }

    public void check(SecurityUser user, EntityType type, UUID id) {
        switch (type) {
            case DEVICE -> devices.get(user, id);
            case CUSTOMER -> customers.get(user, id);
            case TENANT -> tenants.get(user, id);
            default -> throw MoteException.invalid("Telemetry of entity type " + type + " is not supported");
        }
    }
}
