package io.mote.dao;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.mote.common.kv.KvEntry;
import io.mote.common.kv.TsKvEntry;

/**
 * One transaction's worth of data points, coalesced: one {@code ts_kv} row per (entity, key, ts), the
 * later value replacing an earlier one as a second write would, and one {@code ts_kv_latest} row per
 * (entity, key), the newest timestamp winning (on a tie the later write). A row carries its TTL class,
 * the partition of {@code ts_kv} it goes to. Each table is written with a
 * single statement whose rows arrive as one array per column ({@code unnest}), so a batch of thousands of
 * data points is two statements, not thousands of parameter sets.
 */
final class TsBatch {

    private static final String COLUMNS = "entity_id, key, ts, bool_v, str_v, long_v, dbl_v, json_v";
    private static final String ROWS = "SELECT * FROM unnest(?::uuid[], ?::int[], ?::bigint[], ?::boolean[], ?::text[], "
            + "?::bigint[], ?::float8[], ?::text[])";
    // ts_kv also takes each row's TTL class, its partition key: a point sent again with the same TTL meets its
    // first copy in the same partition, so the primary key (which must hold the partition keys) still finds it.
    private static final String INSERT_TS = "INSERT INTO ts_kv (" + COLUMNS + ", ttl) "
            + "SELECT * FROM unnest(?::uuid[], ?::int[], ?::bigint[], ?::boolean[], ?::text[], ?::bigint[], "
            + "?::float8[], ?::text[], ?::int[])" + """
             ON CONFLICT (entity_id, key, ts, ttl) DO UPDATE SET bool_v = EXCLUDED.bool_v, str_v = EXCLUDED.str_v,
              long_v = EXCLUDED.long_v, dbl_v = EXCLUDED.dbl_v, json_v = EXCLUDED.json_v
            """;
    // The WHERE keeps "newer timestamp wins" across batches and writers: an older point never replaces the latest.
    private static final String UPSERT_LATEST = "INSERT INTO ts_kv_latest (" + COLUMNS + ") " + ROWS + """
             ON CONFLICT (entity_id, key) DO UPDATE SET ts = EXCLUDED.ts, bool_v = EXCLUDED.bool_v,
              str_v = EXCLUDED.str_v, long_v = EXCLUDED.long_v, dbl_v = EXCLUDED.dbl_v, json_v = EXCLUDED.json_v
            WHERE ts_kv_latest.ts <= EXCLUDED.ts
            """;

    private record Row(UUID entityId, int key, TsKvEntry entry, int ttl) {
    }

    private record RowKey(UUID entityId, int key, long ts) {
    }

    private record LatestKey(UUID entityId, int key) {
    }

    private final Map<RowKey, Row> rows = new LinkedHashMap<>();
    private final Map<LatestKey, Row> latest = new HashMap<>();

    /** @param ttl the point's TTL class ({@link TsPartitions#ttlClass}), 0 = kept forever */
    void add(UUID entityId, int key, TsKvEntry entry, int ttl) {
        Row row = new Row(entityId, key, entry, ttl);
        rows.put(new RowKey(entityId, key, entry.ts()), row);
        latest.merge(new LatestKey(entityId, key), row, (a, b) -> b.entry().ts() >= a.entry().ts() ? b : a);
    }

    /** Distinct (entity, key, ts) rows, the data points this batch stores. */
    int size() {
        return rows.size();
    }

    /** The (TTL class, ts) of every row, for creating the partitions they need. */
    List<long[]> partitionKeys() {
        return rows.values().stream().map(r -> new long[] {r.ttl(), r.entry().ts()}).toList();
    }

    /** Writes both tables on {@code c}; the caller owns the transaction. */
    void write(Connection c) throws SQLException {
        write(c, INSERT_TS, rows.values(), true);
        List<Row> latestRows = new ArrayList<>(latest.values());
        // A stable order keeps concurrent writers from deadlocking on the same latest rows.
        latestRows.sort(Comparator.comparing(Row::entityId).thenComparingInt(Row::key));
        write(c, UPSERT_LATEST, latestRows, false);
    }

    private static void write(Connection c, String sql, Collection<Row> rows, boolean withTtl) throws SQLException {
        int n = rows.size();
        UUID[] entity = new UUID[n];
        Integer[] key = new Integer[n];
        Long[] ts = new Long[n];
        Boolean[] boolV = new Boolean[n];
        String[] strV = new String[n];
        Long[] longV = new Long[n];
        Double[] dblV = new Double[n];
        String[] jsonV = new String[n];
        Integer[] ttl = withTtl ? new Integer[n] : null;
        int i = 0;
        for (Row row : rows) {
            entity[i] = row.entityId();
            key[i] = row.key();
            ts[i] = row.entry().ts();
            if (withTtl) {
                ttl[i] = row.ttl();
            }
            KvEntry kv = row.entry().kv();
            switch (kv.type()) {
                case BOOLEAN -> boolV[i] = (Boolean) kv.value();
                case STRING -> strV[i] = (String) kv.value();
                case LONG -> longV[i] = (Long) kv.value();
                case DOUBLE -> dblV[i] = (Double) kv.value();
                case JSON -> jsonV[i] = (String) kv.value();
            }
            i++;
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Array[] arrays = {c.createArrayOf("uuid", entity), c.createArrayOf("int4", key),
                    c.createArrayOf("int8", ts), c.createArrayOf("bool", boolV), c.createArrayOf("text", strV),
                    c.createArrayOf("int8", longV), c.createArrayOf("float8", dblV), c.createArrayOf("text", jsonV),
                    withTtl ? c.createArrayOf("int4", ttl) : null};
            for (int p = 0; p < arrays.length && arrays[p] != null; p++) {
                ps.setArray(p + 1, arrays[p]);
            }
            ps.executeUpdate();
            for (Array a : arrays) {
                if (a != null) {
                    a.free();
                }
            }
        }
    }
}
