package io.mote.dao;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

import io.mote.common.entity.PageData;
import io.mote.common.entity.PageLink;
import io.mote.common.entity.Tenant;
import io.mote.common.id.EntityType;

public class TenantDao {

    private static final Map<String, String> SORT = Map.of("createdTime", "created_time", "title", "title",
            "name", "title", "email", "email", "country", "country", "city", "city");

    private static final RowMapper<Tenant> MAPPER = (rs, i) -> new Tenant(Rows.id(rs, "id", EntityType.TENANT),
            rs.getLong("created_time"), rs.getString("title"), rs.getString("region"), rs.getString("country"),
            rs.getString("state"), rs.getString("city"), rs.getString("address"), rs.getString("address2"),
            rs.getString("zip"), rs.getString("phone"), rs.getString("email"), Rows.json(rs, "additional_info"),
            (Integer) rs.getObject("default_storage_ttl_days"));

    private final JdbcTemplate jdbc;

    public TenantDao(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void save(Tenant t) {
        jdbc.update("""
                INSERT INTO tenant (id, created_time, title, region, country, state, city, address, address2, zip,
                                    phone, email, additional_info, default_storage_ttl_days)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, region = EXCLUDED.region,
                  country = EXCLUDED.country, state = EXCLUDED.state, city = EXCLUDED.city,
                  address = EXCLUDED.address, address2 = EXCLUDED.address2, zip = EXCLUDED.zip,
                  phone = EXCLUDED.phone, email = EXCLUDED.email, additional_info = EXCLUDED.additional_info,
                  default_storage_ttl_days = EXCLUDED.default_storage_ttl_days
                """, t.id().id(), t.createdTime(), t.title(), t.region(), t.country(), t.state(), t.city(),
                t.address(), t.address2(), t.zip(), t.phone(), t.email(), Rows.json(t.additionalInfo()),
                t.defaultStorageTtlDays());
    }

    public Optional<Tenant> find(UUID id) {
        return jdbc.query("SELECT * FROM tenant WHERE id = ?", MAPPER, id).stream().findFirst();
    }

    public Optional<Tenant> findByTitle(String title) {
        return jdbc.query("SELECT * FROM tenant WHERE title = ? ORDER BY created_time LIMIT 1", MAPPER, title)
                .stream().findFirst();
    }

    public PageData<Tenant> page(PageLink link) {
        return new PageQuery("tenant").search("title", link.textSearch())
                .fetch(jdbc, link, SORT, "created_time", MAPPER);
    }

    public boolean delete(UUID id) {
        return jdbc.update("DELETE FROM tenant WHERE id = ?", id) > 0;
    }

    public long count() {
        Long n = jdbc.queryForObject("SELECT count(*) FROM tenant", Long.class);
        return n == null ? 0 : n;
    }
}
