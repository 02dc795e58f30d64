package io.mote.core.tenant;

import java.util.UUID;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

import io.mote.common.entity.Authority;
import io.mote.common.entity.Customer;
import io.mote.common.entity.PageData;
import io.mote.common.entity.PageLink;
import io.mote.common.error.MoteException;
import io.mote.common.id.EntityId;
import io.mote.common.id.EntityType;
import io.mote.core.Validation;
import io.mote.core.security.Access;
import io.mote.core.security.SecurityUser;
import io.mote.dao.CustomerDao;

/** A tenant's customers: groups of users who see only the devices assigned to them. */
@Service
public class CustomerService {

    private final CustomerDao customers;

    public CustomerService(CustomerDao customers) {
        this.customers = customers;
    }

    public Customer save(SecurityUser user, Customer c) {
        Access.require(user, Authority.TENANT_ADMIN);
        UUID tenantId = Access.tenantOf(user);
        Validation.required("Customer title", c.title(), 255);
        Validation.optional("Customer email", c.email(), 255);
        Customer saved;
        if (c.id() == null) {
            saved = new Customer(new EntityId(EntityType.CUSTOMER, UUID.randomUUID()), System.currentTimeMillis(),
                    new EntityId(EntityType.TENANT, tenantId), c.title(), c.country(), c.state(), c.city(),
                    c.address(), c.address2(), c.zip(), c.phone(), c.email(), c.additionalInfo());
        } else {
            Customer old = get(user, c.id().id());
            saved = new Customer(old.id(), old.createdTime(), old.tenantId(), c.title(), c.country(), c.state(),
                    c.city(), c.address(), c.address2(), c.zip(), c.phone(), c.email(), c.additionalInfo());
        }
        try {
            customers.save(saved);
        } catch (DuplicateKeyException e) {
            throw MoteException.invalid("Customer with such title already exists!");
        }
        return saved;
    }

    public Customer get(SecurityUser user, UUID id) {
        Customer c = customers.find(id).orElseThrow(MoteException::notFound);
        Access.checkTenant(user, c.tenantId());
        if (user.isCustomerUser() && !id.equals(user.customerId())) {
            throw MoteException.notFound();
        }
        return c;
    }

    public PageData<Customer> page(SecurityUser user, PageLink link) {
        Access.require(user, Authority.TENANT_ADMIN);
        return customers.page(Access.tenantOf(user), link);
    }

    public void delete(SecurityUser user, UUID id) {
        Access.require(user, Authority.TENANT_ADMIN);
        get(user, id);
        customers.delete(id);
    }
}
