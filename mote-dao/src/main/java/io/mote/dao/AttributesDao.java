package io.mote.dao;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

import io.mote.common.kv.AttributeKvEntry;
import io.mote.common.kv.AttributeScope;
import io.mote.common.kv.KvEntry;

public class AttributesDao {

    private final JdbcTemplate jdbc;
    private final KeyDictionary dictionary;

    public AttributesDao(JdbcTemplate jdbc, KeyDictionary dictionary) {
        this.jdbc = jdbc;
        this.dictionary = dictionary;
    }

    /** Upserts the attributes in one batch. */
    public void save(UUID entityId, AttributeScope scope, List<KvEntry> attributes, long ts) {
        saveAll(List.of(entityId), scope, attributes, ts);
    }

    /** Upserts the same attributes on many entities in one batch. */
    public void saveAll(List<UUID> entityIds, AttributeScope scope, List<KvEntry> attributes, long ts) {
        List<EntityAttribute> rows = new ArrayList<>(entityIds.size() * attributes.size());
        for (UUID entityId : entityIds) {
            for (KvEntry kv : attributes) {
                rows.add(new EntityAttribute(entityId, kv));
            }
        }
        saveEach(scope, rows, ts);
    }

    /** One attribute of one entity, for {@link #saveEach}. */
    public record EntityAttribute(UUID entityId, KvEntry kv) {
    }

    /** Upserts one attribute per row, each of its own entity, in one batch (device state flushes). */
    public void saveEach(AttributeScope scope, List<EntityAttribute> rows, long ts) {
        if (rows.isEmpty()) {
            return;
        }
        int[] keyIds = rows.stream().mapToInt(r -> dictionary.idOf(r.kv().key())).toArray();
        jdbc.batchUpdate("""
                INSERT INTO attribute_kv (entity_id, scope, key, bool_v, str_v, long_v, dbl_v, json_v, last_update_ts)
                VALUES (?,?,?,?,?,?,?,?,?)
                ON CONFLICT (entity_id, scope, key) DO UPDATE SET bool_v = EXCLUDED.bool_v, str_v = EXCLUDED.str_v,
                  long_v = EXCLUDED.long_v, dbl_v = EXCLUDED.dbl_v, json_v = EXCLUDED.json_v,
                  last_update_ts = EXCLUDED.last_update_ts
                """, new BatchPreparedStatementSetter() {
            @Override
            public void setValues(PreparedStatement ps, int i) throws SQLException {
                ps.setObject(1, rows.get(i).entityId());
                ps.setShort(2, (short) scope.ordinal());
                ps.setInt(3, keyIds[i]);
                KvColumns.set(ps, 4, rows.get(i).kv());
                ps.setLong(9, ts);
            }

            @Override
            public int getBatchSize() {
                return rows.size();
            }
        });
    }

    /** Every entity holding attribute {@code key} in the scope, with its value. */
    public Map<UUID, KvEntry> findByKey(AttributeScope scope, String key) {
        Map<UUID, KvEntry> out = new LinkedHashMap<>();
        Optional<Integer> id = dictionary.find(key);
        if (id.isEmpty()) {
            return out;
        }
        jdbc.query("SELECT * FROM attribute_kv WHERE scope = ? AND key = ?", (RowCallbackHandler) rs ->
                out.put(rs.getObject("entity_id", UUID.class), KvColumns.get(rs, key)), (short) scope.ordinal(), id.get());
        return out;
    }

    /** Deletes the given keys of many entities in one statement; returns, per entity, the keys that existed. */
    public Map<UUID, List<String>> deleteAll(Collection<UUID> entityIds, AttributeScope scope, Collection<String> keys) {
        Map<Integer, String> keyById = new LinkedHashMap<>();
        for (String key : keys) {
            dictionary.find(key).ifPresent(id -> keyById.put(id, key));
        }
        Map<UUID, List<String>> deleted = new LinkedHashMap<>();
        if (entityIds.isEmpty() || keyById.isEmpty()) {
            return deleted;
        }
        jdbc.query(con -> {
            PreparedStatement ps = con.prepareStatement(
                    "DELETE FROM attribute_kv WHERE entity_id = ANY (?) AND scope = ? AND key = ANY (?) RETURNING entity_id, key");
            ps.setArray(1, con.createArrayOf("uuid", entityIds.toArray()));
            ps.setShort(2, (short) scope.ordinal());
            ps.setArray(3, con.createArrayOf("integer", keyById.keySet().toArray()));
            return ps;
        }, (RowCallbackHandler) rs -> {
            deleted.computeIfAbsent(rs.getObject(1, UUID.class), k -> new ArrayList<>()).add(keyById.get(rs.getInt(2)));
        });
        return deleted;
    }

    /** Inserts one attribute unless the key is already set; returns whether it was inserted. */
    public boolean insertIfAbsent(UUID entityId, AttributeScope scope, KvEntry attribute, long ts) {
        int keyId = dictionary.idOf(attribute.key());
        return jdbc.update(con -> {
            PreparedStatement ps = con.prepareStatement("""
                    INSERT INTO attribute_kv (entity_id, scope, key, bool_v, str_v, long_v, dbl_v, json_v, last_update_ts)
                    VALUES (?,?,?,?,?,?,?,?,?)
                    ON CONFLICT (entity_id, scope, key) DO NOTHING
                    """);
            ps.setObject(1, entityId);
            ps.setShort(2, (short) scope.ordinal());
            ps.setInt(3, keyId);
            KvColumns.set(ps, 4, attribute);
            ps.setLong(9, ts);
            return ps;
        }) > 0;
    }

    /** The given attributes of a scope of many entities, in one query: each entity's attributes. */
    public Map<UUID, List<AttributeKvEntry>> find(Collection<UUID> entityIds, AttributeScope scope,
                                                  Collection<String> keys) {
        Map<UUID, List<AttributeKvEntry>> out = new HashMap<>();
        List<Integer> keyIds = keys.stream().map(dictionary::find).flatMap(Optional::stream).toList();
        if (entityIds.isEmpty() || keyIds.isEmpty()) {
            return out;
        }
        jdbc.query(con -> {
            PreparedStatement ps = con.prepareStatement(
                    "SELECT * FROM attribute_kv WHERE entity_id = ANY(?) AND scope = ? AND key = ANY(?)");
            ps.setArray(1, con.createArrayOf("uuid", entityIds.toArray()));
            ps.setShort(2, (short) scope.ordinal());
            ps.setArray(3, con.createArrayOf("int4", keyIds.toArray()));
            return ps;
        }, (RowCallbackHandler) rs -> out.computeIfAbsent(rs.getObject("entity_id", UUID.class), id -> new ArrayList<>())
                .add(new AttributeKvEntry(KvColumns.get(rs, dictionary.keyOf(rs.getInt("key"))),
                        rs.getLong("last_update_ts"))));
        return out;
    }

    /** Attributes of a scope: the given keys, or all when {@code keys} is null. */
    public List<AttributeKvEntry> find(UUID entityId, AttributeScope scope, Collection<String> keys) {
        if (keys == null) {
            return jdbc.query("SELECT * FROM attribute_kv WHERE entity_id = ? AND scope = ? ORDER BY key", (rs, i) ->
                            new AttributeKvEntry(KvColumns.get(rs, dictionary.keyOf(rs.getInt("key"))),
                                    rs.getLong("last_update_ts")),
                    entityId, (short) scope.ordinal());
        }
        List<AttributeKvEntry> out = new ArrayList<>();
        for (String key : keys) {
            Optional<Integer> id = dictionary.find(key);
            if (id.isPresent()) {
                out.addAll(jdbc.query("SELECT * FROM attribute_kv WHERE entity_id = ? AND scope = ? AND key = ?",
                        (rs, i) -> new AttributeKvEntry(KvColumns.get(rs, key), rs.getLong("last_update_ts")),
                        entityId, (short) scope.ordinal(), id.get()));
            }
        }
        return out;
    }

    public List<String> keys(UUID entityId, AttributeScope scope) {
        String sql = "SELECT DISTINCT d.key FROM attribute_kv a JOIN key_dictionary d ON d.key_id = a.key "
                + "WHERE a.entity_id = ?" + (scope == null ? "" : " AND a.scope = ?") + " ORDER BY d.key";
        return scope == null
                ? jdbc.query(sql, (rs, i) -> rs.getString(1), entityId)
                : jdbc.query(sql, (rs, i) -> rs.getString(1), entityId, (short) scope.ordinal());
    }

    /** Deletes the given keys and returns those that existed. */
    public List<String> delete(UUID entityId, AttributeScope scope, Collection<String> keys) {
        List<String> deleted = new ArrayList<>();
        for (String key : keys) {
            Optional<Integer> id = dictionary.find(key);
            if (id.isPresent() && jdbc.update("DELETE FROM attribute_kv WHERE entity_id = ? AND scope = ? AND key = ?",
                    entityId, (short) scope.ordinal(), id.get()) > 0) {
                deleted.add(key);
            }
        }
        return deleted;
    }
}
