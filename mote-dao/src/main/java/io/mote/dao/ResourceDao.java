package io.mote.dao;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

import io.mote.common.entity.PageData;
import io.mote.common.entity.PageLink;
import io.mote.common.entity.TbResource;
import io.mote.common.entity.TbResourceInfo;
import io.mote.common.id.EntityId;
import io.mote.common.id.EntityType;

/** The resource library: system resources (null-UUID tenant) and tenants' own. */
public class ResourceDao {

    private static final Map<String, String> SORT = Map.of("createdTime", "created_time", "title", "title",
            "resourceType", "resource_type", "resourceKey", "resource_key", "fileName", "file_name");

    private static final String INFO_COLUMNS =
            "id, created_time, tenant_id, title, resource_type, resource_key, file_name, etag";

    private static final RowMapper<TbResourceInfo> INFO = (rs, i) -> new TbResourceInfo(
            Rows.id(rs, "id", EntityType.TB_RESOURCE), rs.getLong("created_time"),
            Rows.id(rs, "tenant_id", EntityType.TENANT), rs.getString("title"), rs.getString("resource_type"),
            rs.getString("resource_key"), rs.getString("file_name"), rs.getString("etag"));

    private static final RowMapper<TbResource> FULL = (rs, i) -> new TbResource(
            Rows.id(rs, "id", EntityType.TB_RESOURCE), rs.getLong("created_time"),
            Rows.id(rs, "tenant_id", EntityType.TENANT), rs.getString("title"), rs.getString("resource_type"),
            rs.getString("resource_key"), rs.getString("file_name"), rs.getString("etag"), rs.getBytes("data"));

    private final JdbcTemplate jdbc;

    public ResourceDao(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Inserts a resource unless the tenant already has one of that type and key; true when inserted.
     * {@code objectId} and {@code objectVersion} are set for LwM2M models.
     */
    public boolean insert(TbResource r, Integer objectId, String objectVersion, String searchText) {
        return jdbc.update("""
                INSERT INTO resource (id, created_time, tenant_id, title, resource_type, resource_key, search_text,
                  file_name, etag, object_id, object_version, data)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
                ON CONFLICT DO NOTHING
                """, r.id().id(), r.createdTime(), r.tenantId().id(), r.title(), r.resourceType(), r.resourceKey(),
                searchText, r.fileName(), r.etag(), objectId, objectVersion, r.data()) > 0;
    }

    /** Replaces an existing resource's content (its key stays: it is the identity of a model). */
    public void update(TbResource r, String searchText) {
        jdbc.update("UPDATE resource SET title = ?, file_name = ?, etag = ?, search_text = ?, data = ? WHERE id = ?",
                r.title(), r.fileName(), r.etag(), searchText, r.data(), r.id().id());
    }

    public Optional<TbResource> find(UUID id) {
        return jdbc.query("SELECT * FROM resource WHERE id = ?", FULL, id).stream().findFirst();
    }

    public Optional<TbResourceInfo> findInfo(UUID id) {
        return jdbc.query("SELECT " + INFO_COLUMNS + " FROM resource WHERE id = ?", INFO, id).stream().findFirst();
    }

    public Optional<TbResourceInfo> findByKey(UUID tenantId, String type, String key) {
        return jdbc.query("SELECT " + INFO_COLUMNS + " FROM resource WHERE tenant_id = ? AND resource_type = ?"
                + " AND resource_key = ?", INFO, tenantId, type, key).stream().findFirst();
    }

    /** Every resource of the type owned by the tenant (with data). */
    public List<TbResource> findAll(UUID tenantId, String type) {
        return jdbc.query("SELECT * FROM resource WHERE tenant_id = ? AND resource_type = ? ORDER BY object_id,"
                + " resource_key", FULL, tenantId, type);
    }

    /** A page of the tenant's resources together with the system ones ({@code tenantId} may be the null UUID). */
    public PageData<TbResourceInfo> page(UUID tenantId, String type, PageLink link) {
        PageQuery q = new PageQuery("resource").in("tenant_id", List.of(tenantId, EntityId.NULL_UUID));
        if (type != null) {
            q.eq("resource_type", type);
        }
        return q.search("search_text", link.textSearch()).fetch(jdbc, link, SORT, "created_time", INFO);
    }

    public boolean delete(UUID id) {
        return jdbc.update("DELETE FROM resource WHERE id = ?", id) > 0;
    }
}
