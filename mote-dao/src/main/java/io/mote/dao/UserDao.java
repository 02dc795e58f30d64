package io.mote.dao;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

import io.mote.common.entity.Authority;
import io.mote.common.entity.PageData;
import io.mote.common.entity.PageLink;
import io.mote.common.entity.User;
import io.mote.common.id.EntityId;
import io.mote.common.id.EntityType;

public class UserDao {

    /** A user's login state: enabled once activated, with a password hash (never returned by the API). */
    public record Credentials(UUID userId, boolean enabled, String passwordHash, String activateToken) {
    }

    private static final Map<String, String> SORT = Map.of("createdTime", "created_time", "email", "email",
            "firstName", "first_name", "lastName", "last_name");

    private static final RowMapper<User> MAPPER = (rs, i) -> new User(Rows.id(rs, "id", EntityType.USER),
            rs.getLong("created_time"), tenant(rs.getObject("tenant_id", UUID.class)),
            customer(rs.getObject("customer_id", UUID.class)), rs.getString("email"),
            Authority.valueOf(rs.getString("authority")), rs.getString("first_name"), rs.getString("last_name"),
            rs.getString("phone"), Rows.json(rs, "additional_info"));

    private static EntityId tenant(UUID id) {
        return new EntityId(EntityType.TENANT, id == null ? EntityId.NULL_UUID : id);
    }

    private static EntityId customer(UUID id) {
        return new EntityId(EntityType.CUSTOMER, id == null ? EntityId.NULL_UUID : id);
    }

    private static UUID real(EntityId id) {
        return id == null || id.isNull() ? null : id.id();
    }

    private final JdbcTemplate jdbc;

    public UserDao(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void save(User u) {
        jdbc.update("""
                INSERT INTO tb_user (id, created_time, tenant_id, customer_id, email, authority, first_name, last_name,
                                     phone, additional_info)
                VALUES (?,?,?,?,?,?,?,?,?,?)
                ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email, first_name = EXCLUDED.first_name,
                  last_name = EXCLUDED.last_name, phone = EXCLUDED.phone, additional_info = EXCLUDED.additional_info
                """, u.id().id(), u.createdTime(), real(u.tenantId()), real(u.customerId()), u.email(),
                u.authority().name(), u.firstName(), u.lastName(), u.phone(), Rows.json(u.additionalInfo()));
    }

    public Optional<User> find(UUID id) {
        return jdbc.query("SELECT * FROM tb_user WHERE id = ?", MAPPER, id).stream().findFirst();
    }

    public Optional<User> findByEmail(String email) {
        return jdbc.query("SELECT * FROM tb_user WHERE lower(email) = lower(?)", MAPPER, email).stream().findFirst();
    }

    public PageData<User> pageByTenant(UUID tenantId, Authority authority, PageLink link) {
        return new PageQuery("tb_user").eq("tenant_id", tenantId).eq("authority", authority.name())
                .search("email", link.textSearch()).fetch(jdbc, link, SORT, "created_time", MAPPER);
    }

    public PageData<User> pageByCustomer(UUID customerId, PageLink link) {
        return new PageQuery("tb_user").eq("customer_id", customerId)
                .search("email", link.textSearch()).fetch(jdbc, link, SORT, "created_time", MAPPER);
    }

    public boolean delete(UUID id) {
        return jdbc.update("DELETE FROM tb_user WHERE id = ?", id) > 0;
    }

    public void saveCredentials(Credentials c) {
        jdbc.update("""
                INSERT INTO user_credentials (user_id, enabled, password_hash, activate_token) VALUES (?,?,?,?)
                ON CONFLICT (user_id) DO UPDATE SET enabled = EXCLUDED.enabled,
                  password_hash = EXCLUDED.password_hash, activate_token = EXCLUDED.activate_token
                """, c.userId(), c.enabled(), c.passwordHash(), c.activateToken());
    }

    public Optional<Credentials> credentials(UUID userId) {
        return jdbc.query("SELECT * FROM user_credentials WHERE user_id = ?", (rs, i) -> new Credentials(
                rs.getObject("user_id", UUID.class), rs.getBoolean("enabled"), rs.getString("password_hash"),
                rs.getString("activate_token")), userId).stream().findFirst();
    }

    public Optional<Credentials> credentialsByActivateToken(String token) {
        return jdbc.query("SELECT * FROM user_credentials WHERE activate_token = ?", (rs, i) -> new Credentials(
                rs.getObject("user_id", UUID.class), rs.getBoolean("enabled"), rs.getString("password_hash"),
                rs.getString("activate_token")), token).stream().findFirst();
    }
}
