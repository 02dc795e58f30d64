package io.mote.dao;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

import io.mote.common.kv.DataType;
import io.mote.common.kv.KvEntry;

/** Writes a typed value into the five value columns (bool_v, str_v, long_v, dbl_v, json_v) and back. */
final class KvColumns {

    private KvColumns() {
    }

    /** Sets the five value parameters starting at {@code index}. */
    static void set(PreparedStatement ps, int index, KvEntry kv) throws SQLException {
        Object v = kv.value();
        if (kv.type() == DataType.BOOLEAN) ps.setBoolean(index, (Boolean) v); else ps.setNull(index, Types.BOOLEAN);
        if (kv.type() == DataType.STRING) ps.setString(index + 1, (String) v); else ps.setNull(index + 1, Types.VARCHAR);
        if (kv.type() == DataType.LONG) ps.setLong(index + 2, (Long) v); else ps.setNull(index + 2, Types.BIGINT);
        if (kv.type() == DataType.DOUBLE) ps.setDouble(index + 3, (Double) v); else ps.setNull(index + 3, Types.DOUBLE);
        if (kv.type() == DataType.JSON) ps.setString(index + 4, (String) v); else ps.setNull(index + 4, Types.VARCHAR);
    }

    static KvEntry get(ResultSet rs, String key) throws SQLException {
        boolean b = rs.getBoolean("bool_v");
        if (!rs.wasNull()) {
            return KvEntry.ofBoolean(key, b);
        }
        String s = rs.getString("str_v");
        if (s != null) {
            return KvEntry.ofString(key, s);
        }
        long l = rs.getLong("long_v");
        if (!rs.wasNull()) {
            return KvEntry.ofLong(key, l);
        }
        double d = rs.getDouble("dbl_v");
        if (!rs.wasNull()) {
            return KvEntry.ofDouble(key, d);
        }
        String j = rs.getString("json_v");
        return KvEntry.ofJson(key, j == null ? "null" : j);
    }
}
