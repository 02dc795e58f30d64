package io.mote.dao;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

import io.mote.common.entity.PageData;
import io.mote.common.entity.PageLink;

/** API keys, stored as a hash of their value: the value itself is shown once, at creation. */
public class ApiKeyDao {

    public record ApiKeyRow(UUID id, long createdTime, UUID userId, String description, String valueHash,
                            long expirationTime, boolean enabled) {
    }

    private static final Map<String, String> SORT = Map.of("createdTime", "created_time",
            "description", "description", "expirationTime", "expiration_time");

    private static final RowMapper<ApiKeyRow> MAPPER = (rs, i) -> new ApiKeyRow(rs.getObject("id", UUID.class),
            rs.getLong("created_time"), rs.getObject("user_id", UUID.class), rs.getString("description"),
            rs.getString("value_hash"), rs.getLong("expiration_time"), rs.getBoolean("enabled"));

    private final JdbcTemplate jdbc;

    public ApiKeyDao(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void save(ApiKeyRow k) {
        jdbc.update("""
                INSERT INTO api_key (id, created_time, user_id, description, value_hash, expiration_time, enabled)
                VALUES (?,?,?,?,?,?,?)
                ON CONFLICT (id) DO UPDATE SET description = EXCLUDED.description, enabled = EXCLUDED.enabled
                """, k.id(), k.createdTime(), k.userId(), k.description(), k.valueHash(), k.expirationTime(),
                k.enabled());
    }

    public Optional<ApiKeyRow> find(UUID id) {
        return jdbc.query("SELECT * FROM api_key WHERE id = ?", MAPPER, id).stream().findFirst();
    }

    public Optional<ApiKeyRow> findByHash(String hash) {
        return jdbc.query("SELECT * FROM api_key WHERE value_hash = ?", MAPPER, hash).stream().findFirst();
    }

    public PageData<ApiKeyRow> pageByUser(UUID userId, PageLink link) {
        return new PageQuery("api_key").eq("user_id", userId).search("description", link.textSearch())
                .fetch(jdbc, link, SORT, "created_time", MAPPER);
    }

    public boolean delete(UUID id) {
        return jdbc.update("DELETE FROM api_key WHERE id = ?", id) > 0;
    }
}
