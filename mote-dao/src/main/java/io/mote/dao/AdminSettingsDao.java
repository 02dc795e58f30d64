package io.mote.dao;

import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;

/** Server-wide settings kept in the database, so every node and every restart sees the same ones. */
public class AdminSettingsDao {

    private final JdbcTemplate jdbc;

    public AdminSettingsDao(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<String> get(String key) {
        return jdbc.queryForList("SELECT value FROM admin_settings WHERE key = ?", String.class, key).stream()
                .findFirst();
    }

    /** Stores the value unless one is there already, and returns the one that is kept. */
    public String putIfAbsent(String key, String value) {
        jdbc.update("INSERT INTO admin_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", key, value);
        return get(key).orElseThrow();
    }
}
