package io.mote.dao;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import tools.jackson.databind.JsonNode;

import io.mote.common.entity.Device;
import io.mote.common.entity.PageData;
import io.mote.common.entity.PageLink;
import io.mote.common.id.EntityId;
import io.mote.common.id.EntityType;

public class DeviceDao {

    private static final Map<String, String> SORT = Map.of("createdTime", "created_time", "name", "name",
            "type", "type", "label", "label", "deviceProfileName", "type", "customerTitle", "customer_id");

    static final RowMapper<Device> MAPPER = (rs, i) -> {
        UUID customer = rs.getObject("customer_id", UUID.class);
        return new Device(Rows.id(rs, "id", EntityType.DEVICE), rs.getLong("created_time"),
                Rows.id(rs, "tenant_id", EntityType.TENANT),
                new EntityId(EntityType.CUSTOMER, customer == null ? EntityId.NULL_UUID : customer),
                rs.getString("name"), rs.getString("type"), rs.getString("label"),
                Rows.id(rs, "device_profile_id", EntityType.DEVICE_PROFILE), Rows.json(rs, "device_data"),
                Rows.id(rs, "firmware_id", EntityType.OTA_PACKAGE), Rows.id(rs, "software_id", EntityType.OTA_PACKAGE),
                Rows.json(rs, "additional_info"),
                rs.getLong("version"));
    };

    private final JdbcTemplate jdbc;

    public DeviceDao(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Inserts or updates the device and answers its new version. An update carrying a version is made
     * only if the stored version is still that one; otherwise nothing changes and the answer is empty.
     */
    public Optional<Long> save(Device d) {
        UUID customer = d.customerId() == null || d.customerId().isNull() ? null : d.customerId().id();
        return jdbc.queryForList("""
                INSERT INTO device (id, created_time, tenant_id, customer_id, name, type, label, device_profile_id,
                                    device_data, firmware_id, software_id, additional_info, version)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,1)
                ON CONFLICT (id) DO UPDATE SET customer_id = EXCLUDED.customer_id, name = EXCLUDED.name,
                  type = EXCLUDED.type, label = EXCLUDED.label, device_profile_id = EXCLUDED.device_profile_id,
                  device_data = EXCLUDED.device_data, firmware_id = EXCLUDED.firmware_id,
                  software_id = EXCLUDED.software_id, additional_info = EXCLUDED.additional_info,
                  version = device.version + 1
                WHERE ?::bigint IS NULL OR device.version = ?::bigint
                RETURNING version
                """, Long.class, d.id().id(), d.createdTime(), d.tenantId().id(), customer, d.name(), d.type(),
                d.label(), d.deviceProfileId().id(), Rows.json(d.deviceData()), Rows.uuid(d.firmwareId()),
                Rows.uuid(d.softwareId()), Rows.json(d.additionalInfo()), d.version(), d.version())
                .stream().findFirst();
    }

    public Optional<Device> find(UUID id) {
        return jdbc.query("SELECT * FROM device WHERE id = ?", MAPPER, id).stream().findFirst();
    }

    public Optional<Device> findByName(UUID tenantId, String name) {
        return jdbc.query("SELECT * FROM device WHERE tenant_id = ? AND name = ?", MAPPER, tenantId, name)
                .stream().findFirst();
    }

    public List<Device> findByProfile(UUID profileId) {
        return jdbc.query("SELECT * FROM device WHERE device_profile_id = ?", MAPPER, profileId);
    }

    /** A device and its profile's data. */
    public record DeviceWithProfileData(Device device, JsonNode profileData) {
    }

    /** Every device, of every tenant, whose profile is of the transport type, with the profile's data. */
    public List<DeviceWithProfileData> findByTransportType(String transportType) {
        return jdbc.query("""
                SELECT d.*, p.profile_data AS profile_data FROM device d
                JOIN device_profile p ON p.id = d.device_profile_id WHERE p.transport_type = ?
                """, (rs, i) -> new DeviceWithProfileData(MAPPER.mapRow(rs, i), Rows.json(rs, "profile_data")),
                transportType);
    }

    /**
     * Ids of the profile's devices that have no package of their own of the given kind ({@code firmware}
     * or software), after {@code afterId} in id order: page through them with the last id seen.
     */
    public List<UUID> idsFollowingProfilePackage(UUID profileId, boolean firmware, UUID afterId, int limit) {
        return jdbc.queryForList("SELECT id FROM device WHERE device_profile_id = ? AND "
                + (firmware ? "firmware_id" : "software_id") + " IS NULL AND id > ? ORDER BY id LIMIT ?",
                UUID.class, profileId, afterId, limit);
    }

    /** Tenant devices, optionally of one customer and one type. */
    public PageData<Device> page(UUID tenantId, UUID customerId, String type, PageLink link) {
        PageQuery q = new PageQuery("device").eq("tenant_id", tenantId);
        if (customerId != null) {
            q.eq("customer_id", customerId);
        }
        if (type != null && !type.isBlank()) {
            q.eq("type", type);
        }
        return q.search("name", link.textSearch()).fetch(jdbc, link, SORT, "created_time", MAPPER);
    }

    /**
     * Tenant devices (of one customer when {@code customerId} is set) matching an entity query's filter: any of
     * {@code types}, a name starting with {@code namePrefix}, one of {@code ids}; each condition only when given.
     */
    public PageData<Device> query(UUID tenantId, UUID customerId, Collection<String> types, String namePrefix,
                                  Collection<UUID> ids, PageLink link) {
        PageQuery q = new PageQuery("device").eq("tenant_id", tenantId);
        if (customerId != null) {
            q.eq("customer_id", customerId);
        }
        if (types != null) {
            q.in("type", types);
        }
        if (ids != null) {
            q.in("id", ids);
        }
        return q.startsWith("name", namePrefix).search("name", link.textSearch())
                .fetch(jdbc, link, SORT, "created_time", MAPPER);
    }

    /** Assigns the device to the customer only if it is assigned to none; returns whether it was. */
    public boolean assignIfUnassigned(UUID deviceId, UUID customerId) {
        return jdbc.update("UPDATE device SET customer_id = ?, version = version + 1 WHERE id = ? AND customer_id IS NULL",
                customerId, deviceId) > 0;
    }

    /** Takes the device away from its customer (a new version), leaving every other column as it is. */
    public void unassign(UUID deviceId) {
        jdbc.update("UPDATE device SET customer_id = NULL, version = version + 1 WHERE id = ?", deviceId);
    }

    // ---- claiming ----

    /** A device's pending claim: the secret a user must present and when the claim expires. */
    public record ClaimData(String secretKey, long expirationTime) {
    }

    /** Stores (or replaces) the device's pending claim. */
    public void saveClaim(UUID deviceId, String secretKey, long expirationTime) {
        jdbc.update("""
                INSERT INTO device_claim (device_id, secret_key, expiration_time) VALUES (?,?,?)
                ON CONFLICT (device_id) DO UPDATE SET secret_key = EXCLUDED.secret_key,
                  expiration_time = EXCLUDED.expiration_time
                """, deviceId, secretKey, expirationTime);
    }

    /** Removes the device's pending claim and returns it: each claim is tried once. */
    public Optional<ClaimData> takeClaim(UUID deviceId) {
        return jdbc.query("DELETE FROM device_claim WHERE device_id = ? RETURNING secret_key, expiration_time",
                (rs, i) -> new ClaimData(rs.getString(1), rs.getLong(2)), deviceId).stream().findFirst();
    }

    public boolean deleteClaim(UUID deviceId) {
        return jdbc.update("DELETE FROM device_claim WHERE device_id = ?", deviceId) > 0;
    }

    public boolean delete(UUID id) {
        jdbc.update("DELETE FROM attribute_kv WHERE entity_id = ?", id);
        jdbc.update("DELETE FROM ts_kv_latest WHERE entity_id = ?", id);
        jdbc.update("DELETE FROM ts_kv WHERE entity_id = ?", id);
        jdbc.update("DELETE FROM ts_kv_hourly WHERE entity_id = ?", id);
        jdbc.update("DELETE FROM ts_rollup_dirty WHERE entity_id = ?", id);
        return jdbc.update("DELETE FROM device WHERE id = ?", id) > 0;
    }
}
