package io.mote.server;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import io.mote.common.entity.Authority;
import io.mote.common.entity.Tenant;
import io.mote.common.entity.User;
import io.mote.common.id.EntityId;
import io.mote.common.id.EntityType;
import io.mote.core.tenant.TenantService;
import io.mote.core.tenant.UserService;
import io.mote.dao.UserDao;

/**
 * On the very first start, creates the system administrator and a default tenant with its
 * administrator. Passwords come from configuration, or are generated and printed once. Done once the beans
 * exist and before the web server listens: a login in between would be refused as unknown (and, repeated by
 * a script waiting for the server, meet the login throttle's lockout).
 */
@Component
public class FirstStart implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(FirstStart.class);

    public static final String SYSADMIN_EMAIL = "sysadmin@mote.local";
    public static final String TENANT_EMAIL = "tenant@mote.local";

    private final UserDao users;
    private final UserService userService;
    private final TenantService tenants;
    private final String sysadminPassword;
    private final String tenantPassword;

    public FirstStart(UserDao users, UserService userService, TenantService tenants,
                      @Value("${mote.sysadmin.password:}") String sysadminPassword,
                      @Value("${mote.tenant.password:}") String tenantPassword) {
        this.users = users;
        this.userService = userService;
        this.tenants = tenants;
        this.sysadminPassword = sysadminPassword;
        this.tenantPassword = tenantPassword;
    }

    @Override
    public void afterSingletonsInstantiated() {
        if (users.findByEmail(SYSADMIN_EMAIL).isPresent()) {
            return;
        }
        String sysPw = sysadminPassword.isBlank() ? generate() : sysadminPassword;
        userService.createActive(new User(new EntityId(EntityType.USER, UUID.randomUUID()), System.currentTimeMillis(),
                null, null, SYSADMIN_EMAIL, Authority.SYS_ADMIN, "System", "Administrator", null, null), sysPw);
        Tenant tenant = tenants.save(new Tenant(null, null, "Default tenant", null, null, null, null, null, null, null,
                null, null, null, null));
        String tenantPw = tenantPassword.isBlank() ? generate() : tenantPassword;
        userService.createActive(new User(new EntityId(EntityType.USER, UUID.randomUUID()), System.currentTimeMillis(),
                tenant.id(), null, TENANT_EMAIL, Authority.TENANT_ADMIN, "Tenant", "Administrator", null, null),
                tenantPw);
        StringBuilder msg = new StringBuilder("First start: created accounts ").append(SYSADMIN_EMAIL).append(" and ")
                .append(TENANT_EMAIL).append(" (tenant \"Default tenant\").");
        if (sysadminPassword.isBlank() || tenantPassword.isBlank()) {
            msg.append("\n  Generated passwords, shown only this once:");
            if (sysadminPassword.isBlank()) {
                msg.append("\n    ").append(SYSADMIN_EMAIL).append(" / ").append(sysPw);
            }
            if (tenantPassword.isBlank()) {
                msg.append("\n    ").append(TENANT_EMAIL).append(" / ").append(tenantPw);
            }
        }
        // Printed to the console rather than the log files, so generated passwords do not linger in logs.
        System.out.println(msg);
        log.info("First start: default accounts created");
    }

    private static String generate() {
        byte[] b = new byte[12];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
