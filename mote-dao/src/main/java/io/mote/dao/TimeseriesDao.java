package io.mote.dao;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;

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
     * the middle of its interval as its timestamp, as ThingsBoard does.
     */
    public List<TsKvEntry> aggregate(UUID entityId, String key, long startTs, long endTs, long interval,
                                     Aggregation agg, int limit, boolean ascending) {
        Optional<Integer> id = dictionary.find(key);
        if (id.isEmpty()) {
            return List.of();
        }
        String sql = """
                SELECT (ts - ?) / ? AS bucket, count(*) AS cnt, count(long_v) AS lcnt, count(dbl_v) AS dcnt,
                       min(long_v) AS lmin, max(long_v) AS lmax, sum(long_v) AS lsum,
                       min(dbl_v) AS dmin, max(dbl_v) AS dmax, sum(dbl_v) AS dsum
                FROM ts_kv WHERE entity_id = ? AND key = ? AND ts >= ? AND ts < ?
                GROUP BY bucket ORDER BY bucket %s LIMIT ?
                """.formatted(ascending ? "ASC" : "DESC");
        long end = endTs == Long.MAX_VALUE ? endTs : endTs + 1;
        return jdbc.query(sql, (rs, i) -> {
            long bucket = rs.getLong("bucket");
            long bucketStart = startTs + bucket * interval;
            long bucketEnd = Math.min(bucketStart + interval, end);
            long ts = bucketStart + (bucketEnd - bucketStart) / 2;
            long cnt = rs.getLong("cnt");
            long lcnt = rs.getLong("lcnt");
            long dcnt = rs.getLong("dcnt");
            KvEntry kv;
            if (agg == Aggregation.COUNT) {
                kv = KvEntry.ofLong(key, cnt);
            } else if (lcnt + dcnt == 0) {
                return null;
            } else {
                kv = switch (agg) {
                    case MIN -> dcnt == 0 ? KvEntry.ofLong(key, rs.getLong("lmin"))
                            : KvEntry.ofDouble(key, lcnt == 0 ? rs.getDouble("dmin")
                            : Math.min(rs.getDouble("dmin"), rs.getLong("lmin")));
                    case MAX -> dcnt == 0 ? KvEntry.ofLong(key, rs.getLong("lmax"))
                            : KvEntry.ofDouble(key, lcnt == 0 ? rs.getDouble("dmax")
                            : Math.max(rs.getDouble("dmax"), rs.getLong("lmax")));
                    case SUM -> dcnt == 0 ? KvEntry.ofLong(key, rs.getLong("lsum"))
                            : KvEntry.ofDouble(key, rs.getDouble("dsum") + rs.getLong("lsum"));
                    case AVG -> KvEntry.ofDouble(key, (rs.getDouble("dsum") + rs.getLong("lsum")) / (lcnt + dcnt));
                    default -> throw new IllegalStateException(agg.name());
                };
            }
            return new TsKvEntry(ts, kv);
        }, startTs, interval, entityId, id.get(), startTs, end, limit).stream()
                .filter(java.util.Objects::nonNull).toList();
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
