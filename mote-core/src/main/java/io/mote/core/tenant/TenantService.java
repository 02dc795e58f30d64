package io.mote.core.tenant;

import java.util.UUID;

import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import io.mote.common.entity.Authority;
import io.mote.common.entity.PageData;
import io.mote.common.entity.PageLink;
import io.mote.common.entity.Tenant;
import io.mote.common.error.MoteException;
import io.mote.common.id.EntityId;
import io.mote.common.id.EntityType;
import io.mote.core.Validation;
import io.mote.core.device.DeviceProfileService;
import io.mote.core.security.Access;
import io.mote.core.security.SecurityUser;
import io.mote.core.telemetry.StorageTtl;
import io.mote.dao.TenantDao;

/** Tenants, managed by the system administrator. A new tenant gets its default device profile. */
@Service
public class TenantService {

    private final TenantDao tenants;
    private final DeviceProfileService profiles;
    private final TransactionTemplate tx;
    private final StorageTtl storageTtl;

    public TenantService(TenantDao tenants, DeviceProfileService profiles, TransactionTemplate tx,
                         StorageTtl storageTtl) {
        this.storageTtl = storageTtl;
        this.tenants = tenants;
        this.profiles = profiles;
        this.tx = tx;
    }

    public Tenant save(SecurityUser user, Tenant t) {
        Access.require(user, Authority.SYS_ADMIN);
        return save(t);
    }

    /** Creates or updates a tenant without an access check (first start uses it). */
    public Tenant save(Tenant t) {
        Validation.required("Tenant title", t.title(), 255);
        Validation.optional("Tenant email", t.email(), 255);
        if (t.defaultStorageTtlDays() != null && t.defaultStorageTtlDays() < 0) {
            throw MoteException.invalid("Tenant defaultStorageTtlDays must be a whole number of days, 0 or more");
        }
        Tenant result = tx.execute(s -> {
            Tenant saved;
            if (t.id() == null) {
                saved = new Tenant(new EntityId(EntityType.TENANT, UUID.randomUUID()), System.currentTimeMillis(),
                        t.title(), t.region(), t.country(), t.state(), t.city(), t.address(), t.address2(), t.zip(),
                        t.phone(), t.email(), t.additionalInfo(), t.defaultStorageTtlDays());
                tenants.save(saved);
                profiles.createDefault(saved.id().id());
            } else {
                Tenant old = tenants.find(t.id().id()).orElseThrow(MoteException::notFound);
                saved = new Tenant(old.id(), old.createdTime(), t.title(), t.region(), t.country(), t.state(),
                        t.city(), t.address(), t.address2(), t.zip(), t.phone(), t.email(), t.additionalInfo(),
                        t.defaultStorageTtlDays());
                tenants.save(saved);
            }
            return saved;
        });
        storageTtl.tenantSaved(result.id().id());
        return result;
    }

    public Tenant get(SecurityUser user, UUID id) {
        if (!user.isSysAdmin() && !id.equals(user.tenantId())) {
            throw MoteException.notFound();
        }
        return tenants.find(id).orElseThrow(MoteException::notFound);
    }

    public PageData<Tenant> page(SecurityUser user, PageLink link) {
        Access.require(user, Authority.SYS_ADMIN);
        return tenants.page(link);
    }

    public void delete(SecurityUser user, UUID id) {
        Access.require(user, Authority.SYS_ADMIN);
        if (!tenants.delete(id)) {
            throw MoteException.notFound();
        }
    }
}
