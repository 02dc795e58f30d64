package io.mote.dao;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

import io.mote.common.entity.Customer;
import io.mote.common.entity.PageData;
import io.mote.common.entity.PageLink;
import io.mote.common.id.EntityType;

public class CustomerDao {

    private static final Map<String, String> SORT = Map.of("createdTime", "created_time", "title", "title",
            "name", "title", "email", "email", "country", "country", "city", "city");

    private static final RowMapper<Customer> MAPPER = (rs, i) -> new Customer(Rows.id(rs, "id", EntityType.CUSTOMER),
            rs.getLong("created_time"), Rows.id(rs, "tenant_id", EntityType.TENANT), rs.getString("title"),
            rs.getString("country"), rs.getString("state"), rs.getString("city"), rs.getString("address"),
            rs.getString("address2"), rs.getString("zip"), rs.getString("phone"), rs.getString("email"),
            Rows.json(rs, "additional_info"));

    private final JdbcTemplate jdbc;

    public CustomerDao(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void save(Customer c) {
        jdbc.update("""
                INSERT INTO customer (id, created_time, tenant_id, title, country, state, city, address, address2,
                                      zip, phone, email, additional_info)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)
                ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, country = EXCLUDED.country,
                  state = EXCLUDED.state, city = EXCLUDED.city, address = EXCLUDED.address,
                  address2 = EXCLUDED.address2, zip = EXCLUDED.zip, phone = EXCLUDED.phone,
                  email = EXCLUDED.email, additional_info = EXCLUDED.additional_info
                """, c.id().id(), c.createdTime(), c.tenantId().id(), c.title(), c.country(), c.state(), c.city(),
                c.address(), c.address2(), c.zip(), c.phone(), c.email(), Rows.json(c.additionalInfo()));
    }

    public Optional<Customer> find(UUID id) {
        return jdbc.query("SELECT * FROM customer WHERE id = ?", MAPPER, id).stream().findFirst();
    }

    public Optional<Customer> findByTitle(UUID tenantId, String title) {
        return jdbc.query("SELECT * FROM customer WHERE tenant_id = ? AND title = ?", MAPPER, tenantId, title)
                .stream().findFirst();
    }

    public PageData<Customer> page(UUID tenantId, PageLink link) {
        return new PageQuery("customer").eq("tenant_id", tenantId).search("title", link.textSearch())
                .fetch(jdbc, link, SORT, "created_time", MAPPER);
    }

    public boolean delete(UUID id) {
        jdbc.update("UPDATE device SET customer_id = NULL WHERE customer_id = ?", id);
        return jdbc.update("DELETE FROM customer WHERE id = ?", id) > 0;
    }
}
