package io.mote.dao;

import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

import io.mote.common.kv.KvEntry;
import io.mote.common.kv.TsKvEntry;

/** Reads and deletes time series; writes go through {@link TimeseriesWriter}. */
public class TimeseriesDao {

    private final JdbcTemplate jdbc;
    private final KeyDictionary dictionary;
    private final TsAggregator aggregator;

    /**
     * {@code rollups}: the hourly rollups aggregations read whole hours from;
     * {@code aggregateParallelism}: connections one aggregation over at least {@code parallelMinRangeMs}
     * may scan on at once.
     */
    public TimeseriesDao(JdbcTemplate jdbc, KeyDictionary dictionary, TsRollups rollups, int aggregateParallelism,
                         long parallelMinRangeMs) {
        this.jdbc = jdbc;
        this.dictionary = dictionary;
        this.aggregator = new TsAggregator(jdbc, rollups, aggregateParallelism, parallelMinRangeMs);
    }

    /** Stops the aggregation's scan threads; Spring calls it as the server stops. */
    public void close() {
        aggregator.close();
    }

    /** The SQL one aggregation scan runs (for the queries bench's EXPLAIN): see {@link TsAggregator#sql}. */
    public static String aggregateSql(Aggregation agg) {
        return TsAggregator.sql(agg);
    }

    /** The same over whole hours of the rollups: see {@link TsAggregator#hourlySql}. */
    public static String hourlyAggregateSql(Aggregation agg) {
        return TsAggregator.hourlySql(agg);
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
     * See {@link TsAggregator}.
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
        return aggregator.aggregate(entityId, id.get(), key, los, his, agg, limit, ascending);
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
            deletePoints(entityId, id.get(), startTs, endTs);
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

    /** Deletes the points, marking the hours they leave that are rolled up already, in one transaction. */
    private void deletePoints(UUID entityId, int key, long startTs, long endTs) {
        jdbc.execute((ConnectionCallback<Void>) c -> Transactions.run(c, () -> {
            // One statement: the points, then (the sort waits for every row) their hours' marks in key order,
            // the order a writer takes them in; nothing of a large range comes back to this JVM.
            try (PreparedStatement ps = c.prepareStatement("""
                    WITH gone AS (DELETE FROM ts_kv WHERE entity_id = ? AND key = ? AND ts >= ? AND ts < ? RETURNING ts)
                    INSERT INTO ts_rollup_dirty (entity_id, key, hour)
                    SELECT DISTINCT ?::uuid, ?::int4, ts - ts %% %d FROM gone WHERE ts >= 0 AND ts < ? ORDER BY 3
                    ON CONFLICT (entity_id, key, hour) DO UPDATE SET hour = EXCLUDED.hour""".formatted(TsRollups.HOUR))) {
                long pending = TsRollups.pending(c);
                ps.setObject(1, entityId);
                ps.setInt(2, key);
                ps.setLong(3, startTs);
                ps.setLong(4, endTs);
                ps.setObject(5, entityId);
                ps.setInt(6, key);
                ps.setLong(7, pending);
                ps.executeUpdate();
                return null;
            }
        }));
    }
}
