package io.mote.dao;

import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

import io.mote.common.kv.KvEntry;
import io.mote.common.kv.TsKvEntry;

/** Reads and deletes time series; writes go through {@link TimeseriesWriter}. */
public class TimeseriesDao {

    private final JdbcTemplate jdbc;
    private final KeyDictionary dictionary;

    public TimeseriesDao(JdbcTemplate jdbc, KeyDictionary dictionary) {
        this.jdbc = jdbc;
        this.dictionary = dictionary;
    }

    /** Latest values of the given keys, or of every key when {@code keys} is null. */
    public List<TsKvEntry> latest(UUID entityId, Collection<String> keys) {
        if (keys == null) {
            return jdbc.query("SELECT * FROM ts_kv_latest WHERE entity_id = ? ORDER BY key", (rs, i) ->
                    new TsKvEntry(rs.getLong("ts"), KvColumns.get(rs, dictionary.keyOf(rs.getInt("key")))), entityId);
        }
        List<TsKvEntry> out = new ArrayList<>();
        for (String key : keys) {
            Optional<Integer> id = dictionary.find(key);
            if (id.isPresent()) {
                out.addAll(jdbc.query("SELECT * FROM ts_kv_latest WHERE entity_id = ? AND key = ?", (rs, i) ->
                        new TsKvEntry(rs.getLong("ts"), KvColumns.get(rs, key)), entityId, id.get()));
            }
        }
        return out;
    }

    /**
     * Latest values of the given keys of many entities, in one query whatever their number: each entity's
     * entries (entities without any of the keys are absent).
     */
    public Map<UUID, List<TsKvEntry>> latest(Collection<UUID> entityIds, Collection<String> keys) {
        Map<UUID, List<TsKvEntry>> out = new HashMap<>();
        List<Integer> keyIds = keys.stream().map(dictionary::find).flatMap(Optional::stream).toList();
        if (entityIds.isEmpty() || keyIds.isEmpty()) {
            return out;
        }
        jdbc.query(con -> {
            PreparedStatement ps = con.prepareStatement(
                    "SELECT * FROM ts_kv_latest WHERE entity_id = ANY(?) AND key = ANY(?)");
            ps.setArray(1, con.createArrayOf("uuid", entityIds.toArray()));
            ps.setArray(2, con.createArrayOf("int4", keyIds.toArray()));
            return ps;
        }, (RowCallbackHandler) rs -> out.computeIfAbsent(rs.getObject("entity_id", UUID.class), id -> new ArrayList<>())
                .add(new TsKvEntry(rs.getLong("ts"), KvColumns.get(rs, dictionary.keyOf(rs.getInt("key"))))));
        return out;
    }

    public List<String> keys(UUID entityId) {
        return jdbc.query("SELECT d.key FROM ts_kv_latest l JOIN key_dictionary d ON d.key_id = l.key "
                + "WHERE l.entity_id = ? ORDER BY d.key", (rs, i) -> rs.getString(1), entityId);
    }

    /** Raw values of one key in [startTs, endTs], newest first unless {@code ascending}. */
    public List<TsKvEntry> raw(UUID entityId, String key, long startTs, long endTs, int limit, boolean ascending) {
        Optional<Integer> id = dictionary.find(key);
        if (id.isEmpty()) {
            return List.of();
        }
        return jdbc.query("SELECT * FROM ts_kv WHERE entity_id = ? AND key = ? AND ts >= ? AND ts <= ? ORDER BY ts "
                        + (ascending ? "ASC" : "DESC") + " LIMIT ?",
                (rs, i) -> new TsKvEntry(rs.getLong("ts"), KvColumns.get(rs, key)),
                entityId, id.get(), startTs, endTs, limit);
    }

    /**
     * Aggregates one key over consecutive intervals starting at {@code startTs}. Each result carries
     * the middle of its interval as its timestamp, as ThingsBoard does. An interval without any long or
     * double has no MIN, MAX, SUM or AVG and is left out (before the limit); COUNT counts every value.
     */
    public List<TsKvEntry> aggregate(UUID entityId, String key, long startTs, long endTs, long interval,
                                     Aggregation agg, int limit, boolean ascending) {
        Optional<Integer> id = dictionary.find(key);
        if (id.isEmpty()) {
            return List.of();
        }
        // Bucket bounds [lo, hi) computed here, so no bound overflows in SQL whatever the range.
        long end = endTs == Long.MAX_VALUE ? endTs : endTs + 1;
        List<Long> los = new ArrayList<>();
        List<Long> his = new ArrayList<>();
        for (long lo = startTs; lo < end; ) {
            long hi = end - lo <= interval ? end : lo + interval;
            los.add(lo);
            his.add(hi);
            lo = hi;
        }
        if (los.isEmpty()) {
            return List.of();
        }
        return jdbc.query(con -> {
            PreparedStatement ps = con.prepareStatement(aggregateSql(agg, ascending));
            ps.setArray(1, con.createArrayOf("int8", los.toArray()));
            ps.setArray(2, con.createArrayOf("int8", his.toArray()));
            ps.setObject(3, entityId);
            ps.setInt(4, id.get());
            ps.setInt(5, limit);
            return ps;
        }, (rs, i) -> {
            long lo = rs.getLong("lo");
            long ts = lo + (rs.getLong("hi") - lo) / 2;
            if (agg == Aggregation.COUNT) {
                return new TsKvEntry(ts, KvEntry.ofLong(key, rs.getLong("cnt")));
            }
            long lcnt = rs.getLong("lcnt");
            long dcnt = rs.getLong("dcnt");
            long lv = rs.getLong("lv");
            double dv = rs.getDouble("dv");
            // Longs alone stay a long (SUM exact); with any double the answer is a double, as ThingsBoard's.
            KvEntry kv = switch (agg) {
                case MIN -> dcnt == 0 ? KvEntry.ofLong(key, lv) : KvEntry.ofDouble(key, lcnt == 0 ? dv : Math.min(dv, lv));
                case MAX -> dcnt == 0 ? KvEntry.ofLong(key, lv) : KvEntry.ofDouble(key, lcnt == 0 ? dv : Math.max(dv, lv));
                case SUM -> dcnt == 0 ? KvEntry.ofLong(key, lv) : KvEntry.ofDouble(key, dv + lv);
                case AVG -> KvEntry.ofDouble(key, (dv + lv) / (lcnt + dcnt));
                default -> throw new IllegalStateException(agg.name());
            };
            return new TsKvEntry(ts, kv);
        });
    }

    /**
     * The SQL of {@link #aggregate}: one index range scan per bucket (the primary key covers the numeric
     * columns, so an index-only scan once the table is vacuumed), each computing only the aggregates the
     * function needs. Grouping by a computed bucket number instead made PostgreSQL expect one group per
     * row and sort all points (on disk at 10 million) before aggregating. Parameters: the buckets' lower
     * and upper bounds (int8 arrays), entity id, key id, limit.
     */
    public static String aggregateSql(Aggregation agg, boolean ascending) {
        String values = switch (agg) {
            case COUNT -> "count(*) AS cnt";
            case MIN, MAX -> "count(long_v) AS lcnt, count(dbl_v) AS dcnt, %1$s(long_v) AS lv, %1$s(dbl_v) AS dv"
                    .formatted(agg.name().toLowerCase(java.util.Locale.ROOT));
            case SUM, AVG -> "count(long_v) AS lcnt, count(dbl_v) AS dcnt, sum(long_v) AS lv, sum(dbl_v) AS dv";
            default -> throw new IllegalArgumentException(agg.name());
        };
        return """
                SELECT b.lo, b.hi, a.* FROM unnest(?::int8[], ?::int8[]) WITH ORDINALITY AS b(lo, hi, n)
                CROSS JOIN LATERAL (SELECT %s FROM ts_kv
                                    WHERE entity_id = ? AND key = ? AND ts >= b.lo AND ts < b.hi) a
                WHERE %s > 0 ORDER BY b.n %s LIMIT ?
                """.formatted(values, agg == Aggregation.COUNT ? "a.cnt" : "a.lcnt + a.dcnt",
                ascending ? "ASC" : "DESC");
    }

    /**
     * Deletes values of the given keys in [startTs, endTs). When {@code deleteLatest} and the latest value
     * falls in the range, it is removed too, or, with {@code rewriteLatest}, replaced by the newest
     * remaining value.
     */
    public void delete(UUID entityId, Collection<String> keys, long startTs, long endTs, boolean deleteLatest,
                       boolean rewriteLatest) {
        for (String key : keys) {
            Optional<Integer> id = dictionary.find(key);
            if (id.isEmpty()) {
                continue;
            }
            jdbc.update("DELETE FROM ts_kv WHERE entity_id = ? AND key = ? AND ts >= ? AND ts < ?",
                    entityId, id.get(), startTs, endTs);
            if (deleteLatest) {
                int removed = jdbc.update("DELETE FROM ts_kv_latest WHERE entity_id = ? AND key = ? AND ts >= ? AND ts < ?",
                        entityId, id.get(), startTs, endTs);
                if (removed > 0 && rewriteLatest) {
                    jdbc.update("""
                            INSERT INTO ts_kv_latest (entity_id, key, ts, bool_v, str_v, long_v, dbl_v, json_v)
                            SELECT entity_id, key, ts, bool_v, str_v, long_v, dbl_v, json_v FROM ts_kv
                            WHERE entity_id = ? AND key = ? ORDER BY ts DESC LIMIT 1
                            """, entityId, id.get());
                }
            }
        }
    }
}
