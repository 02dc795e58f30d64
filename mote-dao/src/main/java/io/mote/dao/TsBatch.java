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
import java.util.SortedSet;
import java.util.TreeSet;
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

    /**
     * Writes both tables on {@code c}, and marks the hours of points older than the rollups' {@code pending}
     * (late points; at the current time there are none); the caller owns the transaction. The rollups' lock
     * and {@code pending}, the {@code ts_kv} insert and the latest upsert go in one round trip.
     */
    void write(Connection c) throws SQLException {
        List<Row> latestRows = new ArrayList<>(latest.values());
        // A stable order keeps concurrent writers from deadlocking on the same latest rows.
        latestRows.sort(Comparator.comparing(Row::entityId).thenComparingInt(Row::key));
        // ts_kv rows in the order of its key's partitions and index, as a delete of a range takes them, so
        // writers and deletes meeting the same points never wait for each other in a cycle.
        List<Row> tsRows = new ArrayList<>(rows.values());
        tsRows.sort(Comparator.comparing(Row::entityId).thenComparingInt(Row::key).thenComparingInt(Row::ttl)
                .thenComparingLong(r -> r.entry().ts()));
        long pending;
        try (PreparedStatement ps = c.prepareStatement(TsRollups.PENDING + INSERT_TS + ";\n" + UPSERT_LATEST)) {
            List<Array> arrays = new ArrayList<>(bind(c, ps, 1, tsRows, true));
            arrays.addAll(bind(c, ps, 10, latestRows, false));
            ps.execute();
            pending = TsRollups.pending(ps);
            for (Array a : arrays) {
                a.free();
            }
        }
        TsRollups.mark(c, late(pending));
    }

    private SortedSet<TsRollups.Mark> late(long pending) {
        SortedSet<TsRollups.Mark> marks = new TreeSet<>();
        for (Row row : rows.values()) {
            long ts = row.entry().ts();
            if (ts >= 0 && ts < pending) {
                marks.add(new TsRollups.Mark(row.entityId(), row.key(), TsRollups.floorHour(ts)));
            }
        }
        return marks;
    }

    /** Binds the rows as one array per column from parameter {@code first} on; the arrays, to free after use. */
    private static List<Array> bind(Connection c, PreparedStatement ps, int first, Collection<Row> rows, boolean withTtl)
            throws SQLException {
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
        List<Array> arrays = new ArrayList<>(List.of(c.createArrayOf("uuid", entity), c.createArrayOf("int4", key),
                c.createArrayOf("int8", ts), c.createArrayOf("bool", boolV), c.createArrayOf("text", strV),
                c.createArrayOf("int8", longV), c.createArrayOf("float8", dblV), c.createArrayOf("text", jsonV)));
        if (withTtl) {
            arrays.add(c.createArrayOf("int4", ttl));
        }
        for (int p = 0; p < arrays.size(); p++) {
            ps.setArray(first + p, arrays.get(p));
        }
        return arrays;
    }
}
