package io.mote.dao;

import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

import io.mote.common.entity.CredentialsType;
import io.mote.common.entity.DeviceCredentials;
import io.mote.common.id.EntityType;

public class DeviceCredentialsDao {

    private static final RowMapper<DeviceCredentials> MAPPER = (rs, i) -> new DeviceCredentials(
            Rows.id(rs, "id", EntityType.DEVICE_CREDENTIALS), rs.getLong("created_time"), Rows.id(rs, "device_id", EntityType.DEVICE),
            CredentialsType.valueOf(rs.getString("credentials_type")), rs.getString("credentials_id"),
            rs.getString("credentials_value"));

    private final JdbcTemplate jdbc;

    public DeviceCredentialsDao(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void save(DeviceCredentials c) {
        jdbc.update("""
                INSERT INTO device_credentials (id, created_time, device_id, credentials_type, credentials_id,
                                                credentials_value)
                VALUES (?,?,?,?,?,?)
                ON CONFLICT (device_id) DO UPDATE SET credentials_type = EXCLUDED.credentials_type,
                  credentials_id = EXCLUDED.credentials_id, credentials_value = EXCLUDED.credentials_value
                """, c.id().id(), c.createdTime(), c.deviceId().id(), c.credentialsType().name(), c.credentialsId(),
                c.credentialsValue());
    }

    public Optional<DeviceCredentials> findByDevice(UUID deviceId) {
        return jdbc.query("SELECT * FROM device_credentials WHERE device_id = ?", MAPPER, deviceId).stream().findFirst();
    }

    public Optional<DeviceCredentials> findByCredentialsId(String credentialsId) {
        if (credentialsId.indexOf('\u0000') >= 0) {
            return Optional.empty(); // PostgreSQL text cannot hold NUL: no such credentials, and no query error
        }
        return jdbc.query("SELECT * FROM device_credentials WHERE credentials_id = ?", MAPPER, credentialsId)
                .stream().findFirst();
    }
}
