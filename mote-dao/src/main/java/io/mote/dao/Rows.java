package io.mote.dao;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

import tools.jackson.databind.JsonNode;

import io.mote.common.id.EntityId;
import io.mote.common.id.EntityType;
import io.mote.common.json.Json;

/** Small conversions between result-set columns and the entity model. */
final class Rows {

    private Rows() {
    }

    static EntityId id(ResultSet rs, String column, EntityType type) throws SQLException {
        return EntityId.of(type, rs.getObject(column, UUID.class));
    }

    static JsonNode json(ResultSet rs, String column) throws SQLException {
        String s = rs.getString(column);
        return s == null ? null : Json.MAPPER.readTree(s);
    }

    static String json(JsonNode node) {
        return node == null || node.isNull() ? null : Json.write(node);
    }

    static UUID uuid(EntityId id) {
        return id == null ? null : id.id();
    }

    static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }
}
