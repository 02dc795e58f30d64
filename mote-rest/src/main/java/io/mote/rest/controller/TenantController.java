package io.mote.rest.controller;

import java.util.UUID;

import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.mote.common.entity.Customer;
import io.mote.common.entity.PageData;
import io.mote.common.entity.Tenant;
import io.mote.core.security.SecurityUser;
import io.mote.core.tenant.CustomerService;
import io.mote.core.tenant.TenantService;

/** Tenants (system administrator) and customers (tenant administrator). */
@RestController
public class TenantController {

    private final TenantService tenants;
    private final CustomerService customers;

    public TenantController(TenantService tenants, CustomerService customers) {
        this.tenants = tenants;
        this.customers = customers;
    }

    @PostMapping("/api/tenant")
    public Tenant saveTenant(SecurityUser user, @RequestBody Tenant tenant) {
        return tenants.save(user, tenant);
    }

    @GetMapping("/api/tenant/{tenantId}")
    public Tenant getTenant(SecurityUser user, @PathVariable UUID tenantId) {
        return tenants.get(user, tenantId);
    }

    @GetMapping("/api/tenants")
    public PageData<Tenant> tenants(SecurityUser user, @RequestParam int pageSize, @RequestParam int page,
                                    @RequestParam(required = false) String textSearch,
                                    @RequestParam(required = false) String sortProperty,
                                    @RequestParam(required = false) String sortOrder) {
        return tenants.page(user, Pages.link(pageSize, page, textSearch, sortProperty, sortOrder));
    }

    @DeleteMapping("/api/tenant/{tenantId}")
    public void deleteTenant(SecurityUser user, @PathVariable UUID tenantId) {
        tenants.delete(user, tenantId);
    }

    @PostMapping("/api/customer")
    public Customer saveCustomer(SecurityUser user, @RequestBody Customer customer) {
        return customers.save(user, customer);
    }

    @GetMapping("/api/customer/{customerId}")
    public Customer getCustomer(SecurityUser user, @PathVariable UUID customerId) {
        return customers.get(user, customerId);
    }

    @GetMapping("/api/customers")
    public PageData<Customer> customers(SecurityUser user, @RequestParam int pageSize, @RequestParam int page,
                                        @RequestParam(required = false) String textSearch,
                                        @RequestParam(required = false) String sortProperty,
                                        @RequestParam(required = false) String sortOrder) {
        return customers.page(user, Pages.link(pageSize, page, textSearch, sortProperty, sortOrder));
    }

    @DeleteMapping("/api/customer/{customerId}")
    public void deleteCustomer(SecurityUser user, @PathVariable UUID customerId) {
        customers.delete(user, customerId);
    }
}
