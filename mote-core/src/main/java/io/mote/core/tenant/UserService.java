package io.mote.core.tenant;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import io.mote.common.entity.Authority;
import io.mote.common.entity.Customer;
import io.mote.common.entity.PageData;
import io.mote.common.entity.PageLink;
import io.mote.common.entity.User;
import io.mote.common.error.ErrorCode;
import io.mote.common.error.MoteException;
import io.mote.common.id.EntityId;
import io.mote.common.id.EntityType;
import io.mote.core.Validation;
import io.mote.core.security.Access;
import io.mote.core.security.AuthService;
import io.mote.core.security.JwtPair;
import io.mote.core.security.JwtService;
import io.mote.core.security.SecurityUser;
import io.mote.dao.CustomerDao;
import io.mote.dao.TenantDao;
import io.mote.dao.UserDao;

/**
 * Users. A new user is inactive until activated with the token from its activation link, where it
 * chooses its password; the system administrator creates tenant administrators, tenant administrators
 * create customer users.
 */
@Service
public class UserService {

    public static final int MIN_PASSWORD_LENGTH = 6;

    private final UserDao users;
    private final TenantDao tenants;
    private final CustomerDao customers;
    private final AuthService auth;
    private final JwtService jwt;
    private final TransactionTemplate tx;
    private final SecureRandom random = new SecureRandom();

    public UserService(UserDao users, TenantDao tenants, CustomerDao customers, AuthService auth, JwtService jwt,
                       TransactionTemplate tx) {
        this.users = users;
        this.tenants = tenants;
        this.customers = customers;
        this.auth = auth;
        this.jwt = jwt;
        this.tx = tx;
    }

    public User save(SecurityUser caller, User u) {
        if (u.id() != null) {
            User old = get(caller, u.id().id());
            User updated = new User(old.id(), old.createdTime(), old.tenantId(), old.customerId(),
                    Validation.email(u.email()), old.authority(), u.firstName(), u.lastName(), u.phone(),
                    u.additionalInfo());
            return store(updated);
        }
        if (u.authority() == null) {
            throw MoteException.invalid("User authority should be specified!");
        }
        EntityId tenantId;
        EntityId customerId = new EntityId(EntityType.CUSTOMER, EntityId.NULL_UUID);
        switch (u.authority()) {
            case TENANT_ADMIN -> {
                Access.require(caller, Authority.SYS_ADMIN);
                if (u.tenantId() == null || tenants.find(u.tenantId().id()).isEmpty()) {
                    throw MoteException.invalid("User should be assigned to tenant!");
                }
                tenantId = u.tenantId();
            }
            case CUSTOMER_USER -> {
                Access.require(caller, Authority.TENANT_ADMIN);
                if (u.customerId() == null) {
                    throw MoteException.invalid("User should be assigned to customer!");
                }
                Customer c = customers.find(u.customerId().id()).orElseThrow(MoteException::notFound);
                Access.checkTenant(caller, c.tenantId());
                tenantId = c.tenantId();
                customerId = c.id();
            }
            default -> throw MoteException.forbidden();
        }
        User created = new User(new EntityId(EntityType.USER, UUID.randomUUID()), System.currentTimeMillis(),
                tenantId, customerId, Validation.email(u.email()), u.authority(), u.firstName(), u.lastName(),
                u.phone(), u.additionalInfo());
        return tx.execute(s -> {
            store(created);
            users.saveCredentials(new UserDao.Credentials(created.id().id(), false, null, newToken()));
            return created;
        });
    }

    /** Creates an active user with a password: used at first start for the built-in accounts. */
    public User createActive(User u, String password) {
        return tx.execute(s -> {
            store(u);
            users.saveCredentials(new UserDao.Credentials(u.id().id(), true, auth.hashPassword(password), null));
            return u;
        });
    }

    private User store(User u) {
        try {
            users.save(u);
        } catch (DuplicateKeyException e) {
            throw MoteException.invalid("User with email '" + u.email() + "' already present in database!");
        }
        return u;
    }

    public User get(SecurityUser caller, UUID id) {
        User u = users.find(id).orElseThrow(MoteException::notFound);
        if (caller.userId().equals(id) || caller.isSysAdmin() && u.authority() == Authority.TENANT_ADMIN) {
            return u;
        }
        if (caller.isTenantAdmin() && u.authority() == Authority.CUSTOMER_USER
                && caller.tenantId().equals(u.tenantId().id())) {
            return u;
        }
        throw MoteException.notFound();
    }

    public PageData<User> tenantAdmins(SecurityUser caller, UUID tenantId, PageLink link) {
        Access.require(caller, Authority.SYS_ADMIN);
        return users.pageByTenant(tenantId, Authority.TENANT_ADMIN, link);
    }

    public PageData<User> customerUsers(SecurityUser caller, UUID customerId, PageLink link) {
        Access.require(caller, Authority.TENANT_ADMIN);
        Customer c = customers.find(customerId).orElseThrow(MoteException::notFound);
        Access.checkTenant(caller, c.tenantId());
        return users.pageByCustomer(customerId, link);
    }

    public void delete(SecurityUser caller, UUID id) {
        if (caller.userId().equals(id)) {
            throw MoteException.invalid("It is not allowed to delete its own user!");
        }
        get(caller, id);
        users.delete(id);
    }

    /** The activation link of a user who has not chosen a password yet. */
    public String activationToken(SecurityUser caller, UUID id) {
        get(caller, id);
        UserDao.Credentials c = users.credentials(id).orElseThrow(MoteException::notFound);
        if (c.enabled() || c.activateToken() == null) {
            throw MoteException.invalid("User is already activated!");
        }
        return c.activateToken();
    }

    /** Whether an activation token still belongs to a user waiting to choose a password. */
    public boolean activateTokenValid(String activateToken) {
        return activateToken != null && !activateToken.isBlank()
                && users.credentialsByActivateToken(activateToken).isPresent();
    }

    public JwtPair activate(String activateToken, String password) {
        if (activateToken == null || activateToken.isBlank()) {
            throw MoteException.invalid("activateToken should be specified!");
        }
        checkPassword(password);
        UserDao.Credentials c = users.credentialsByActivateToken(activateToken)
                .orElseThrow(() -> new MoteException(ErrorCode.ITEM_NOT_FOUND,
                        "Unable to find user credentials by activateToken"));
        users.saveCredentials(new UserDao.Credentials(c.userId(), true, auth.hashPassword(password), null));
        return jwt.issue(auth.loadUser(c.userId()));
    }

    public void changePassword(SecurityUser caller, String currentPassword, String newPassword) {
        UserDao.Credentials c = users.credentials(caller.userId()).orElseThrow(MoteException::notFound);
        if (!auth.passwordMatches(currentPassword == null ? "" : currentPassword, c.passwordHash())) {
            throw MoteException.invalid("Current password doesn't match!");
        }
        checkPassword(newPassword);
        users.saveCredentials(new UserDao.Credentials(c.userId(), true, auth.hashPassword(newPassword), null));
    }

    private static void checkPassword(String password) {
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            throw MoteException.invalid("Password must be at least " + MIN_PASSWORD_LENGTH + " characters long");
        }
        if (password.length() > 72) {
            throw MoteException.invalid("Password must be at most 72 characters long");
        }
    }

    private String newToken() {
        byte[] b = new byte[24];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
