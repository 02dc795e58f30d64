package io.mote.dao;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

import io.mote.common.entity.DeviceProfile;
import io.mote.common.entity.PageData;
import io.mote.common.entity.PageLink;
import io.mote.common.entity.ProvisionType;
import io.mote.common.entity.TransportType;
import io.mote.common.id.EntityType;

public class DeviceProfileDao {

    private static final Map<String, String> SORT = Map.of("createdTime", "created_time", "name", "name",
            "type", "type", "transportType", "transport_type", "description", "description",
            "isDefault", "is_default", "default", "is_default");

    private static final RowMapper<DeviceProfile> MAPPER = (rs, i) -> new DeviceProfile(
            Rows.id(rs, "id", EntityType.DEVICE_PROFILE), rs.getLong("created_time"),
            Rows.id(rs, "tenant_id", EntityType.TENANT), rs.getString("name"), rs.getString("description"),
            rs.getString("type"), TransportType.valueOf(rs.getString("transport_type")),
            ProvisionType.valueOf(rs.getString("provision_type")), Rows.json(rs, "profile_data"),
            rs.getBoolean("is_default"), rs.getString("provision_device_key"),
            Rows.id(rs, "firmware_id", EntityType.OTA_PACKAGE), Rows.id(rs, "software_id", EntityType.OTA_PACKAGE),
            Rows.id(rs, "default_rule_chain_id", EntityType.DEVICE_PROFILE), rs.getString("default_queue_name"),
            rs.getString("image"), Rows.id(rs, "default_dashboard_id", EntityType.DEVICE_PROFILE));

    private final JdbcTemplate jdbc;

    public DeviceProfileDao(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void save(DeviceProfile p) {
        jdbc.update("""
                INSERT INTO device_profile (id, created_time, tenant_id, name, description, type, transport_type,
                  provision_type, profile_data, is_default, provision_device_key, firmware_id, software_id,
                  default_rule_chain_id, default_queue_name, image, default_dashboard_id)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description,
                  type = EXCLUDED.type, transport_type = EXCLUDED.transport_type,
                  provision_type = EXCLUDED.provision_type, profile_data = EXCLUDED.profile_data,
                  provision_device_key = EXCLUDED.provision_device_key, firmware_id = EXCLUDED.firmware_id,
                  software_id = EXCLUDED.software_id, default_rule_chain_id = EXCLUDED.default_rule_chain_id,
                  default_queue_name = EXCLUDED.default_queue_name, image = EXCLUDED.image,
                  default_dashboard_id = EXCLUDED.default_dashboard_id
                """, p.id().id(), p.createdTime(), p.tenantId().id(), p.name(), p.description(), p.type(),
                p.transportType().name(), p.provisionType().name(), Rows.json(p.profileData()), p.isDefault(),
                p.provisionDeviceKey(), Rows.uuid(p.firmwareId()), Rows.uuid(p.softwareId()),
                Rows.uuid(p.defaultRuleChainId()), p.defaultQueueName(), p.image(),
                Rows.uuid(p.defaultDashboardId()));
    }

    /** Inserts a new profile unless one of that name (or id) exists; returns whether it was inserted. */
    public boolean insertIfAbsent(DeviceProfile p) {
        return jdbc.update("""
                INSERT INTO device_profile (id, created_time, tenant_id, name, description, type, transport_type,
                  provision_type, profile_data, is_default)
                VALUES (?,?,?,?,?,?,?,?,?,false)
                ON CONFLICT DO NOTHING
                """, p.id().id(), p.createdTime(), p.tenantId().id(), p.name(), p.description(), p.type(),
                p.transportType().name(), p.provisionType().name(), Rows.json(p.profileData())) > 0;
    }

    public Optional<DeviceProfile> find(UUID id) {
        return jdbc.query("SELECT * FROM device_profile WHERE id = ?", MAPPER, id).stream().findFirst();
    }

    public Optional<DeviceProfile> findByName(UUID tenantId, String name) {
        return jdbc.query("SELECT * FROM device_profile WHERE tenant_id = ? AND name = ?", MAPPER, tenantId, name)
                .stream().findFirst();
    }

    public Optional<DeviceProfile> findDefault(UUID tenantId) {
        return jdbc.query("SELECT * FROM device_profile WHERE tenant_id = ? AND is_default", MAPPER, tenantId)
                .stream().findFirst();
    }

    public Optional<DeviceProfile> findByProvisionKey(String key) {
        return jdbc.query("SELECT * FROM device_profile WHERE provision_device_key = ?", MAPPER, key)
                .stream().findFirst();
    }

    /** Makes the given profile the tenant's only default; call inside a transaction. */
    public void setDefault(UUID tenantId, UUID profileId) {
        jdbc.update("UPDATE device_profile SET is_default = false WHERE tenant_id = ? AND is_default AND id <> ?",
                tenantId, profileId);
        jdbc.update("UPDATE device_profile SET is_default = true WHERE id = ?", profileId);
    }

    public PageData<DeviceProfile> page(UUID tenantId, PageLink link, TransportType transportType) {
        PageQuery q = new PageQuery("device_profile").eq("tenant_id", tenantId);
        if (transportType != null) {
            q.eq("transport_type", transportType.name());
        }
        return q.search("name", link.textSearch()).fetch(jdbc, link, SORT, "created_time", MAPPER);
    }

    public boolean inUse(UUID profileId) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM device WHERE device_profile_id = ?)", Boolean.class, profileId));
    }

    public boolean delete(UUID id) {
        return jdbc.update("DELETE FROM device_profile WHERE id = ?", id) > 0;
    }
}
