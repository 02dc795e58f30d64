package io.mote.dao;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.NavigableSet;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;

import javax.sql.DataSource;

import io.mote.dao.TsPartitions.Partition;

/**
 * Hourly rollups of {@code ts_kv} ({@code ts_kv_hourly}, V10): per series, hour and TTL class the count of
 * values and the count, sum, minimum and maximum of its longs and of its doubles, so an aggregation over
 * whole hours adds rollups instead of points. Every hour in {@code [0, rolled)} is rolled up, except the
 * dirty ones: a change to a point of an hour already rolled up (a late point, an overwrite, a delete)
 * marks its (series, hour) in {@code ts_rollup_dirty}, queries read such an hour from {@code ts_kv}, and
 * the next {@link #run} rolls it up again. Marks, like {@code ts_kv} rows, are always locked in key order.
 * Live writes cost a shared advisory lock and a read of {@code pending} per batch, in the batch's own round
 * trip: {@link #run} rolls an hour up only once its partition has closed, so points at the current time are
 * never in a rolled-up hour.
 * <p>
 * Why a point is never missed: {@link #run} first raises {@code pending} to the chunk's end under an
 * exclusive advisory lock, which waits for every transaction changing {@code ts_kv} (each takes it shared
 * and reads {@code pending} with {@link #pending}), then scans the chunk. A change committed before the
 * raise is in the scan; one after it saw the new {@code pending} and marked its hour. Rolling up a dirty
 * hour locks the mark first, which waits for the writer holding it; the hour is read by a later
 * statement, after that writer's commit. Expired partitions take their rollups in the same transaction
 * ({@link #dropped}).
 */
public final class TsRollups {

    public static final long HOUR = 3_600_000;

    private static final long CHANGE_LOCK = 0x6d6f74655f726f6cL; // "mote_rol"
    private static final long RUN_LOCK = 0x6d6f74655f726a62L; // "mote_rjb": one server's run at a time
    private static final int DIRTY_BATCH = 2_000;

    private static final String AGGREGATES = "count(*), count(long_v), count(dbl_v), sum(long_v), min(long_v), "
            + "max(long_v), sum(dbl_v), min(dbl_v), max(dbl_v)";
    private static final String INSERT = "INSERT INTO ts_kv_hourly (entity_id, key, hour, ttl, cnt, lcnt, dcnt, "
            + "lsum, lmin, lmax, dsum, dmin, dmax) ";
    private static final String ROLL_CHUNK = INSERT + "SELECT entity_id, key, ts - ts % " + HOUR + ", ttl, "
            + AGGREGATES + " FROM ts_kv WHERE ts >= ? AND ts < ? GROUP BY 1, 2, 3, 4";
    private static final String ROLL_HOURS = INSERT + """
            SELECT m.e, m.k, m.h, a.* FROM unnest(?::uuid[], ?::int4[], ?::int8[]) AS m(e, k, h)
            CROSS JOIN LATERAL (SELECT ttl, %s FROM ts_kv
                                WHERE entity_id = m.e AND key = m.k AND ts >= m.h AND ts < m.h + %d GROUP BY ttl) a
            """.formatted(AGGREGATES, HOUR);
    // DO UPDATE, not DO NOTHING: it locks an existing mark, so a run deleting it waits for this transaction.
    private static final String MARK = """
            INSERT INTO ts_rollup_dirty (entity_id, key, hour) SELECT * FROM unnest(?::uuid[], ?::int4[], ?::int8[])
            ON CONFLICT (entity_id, key, hour) DO UPDATE SET hour = EXCLUDED.hour
            """;

    /** What one {@link #run} did. */
    public record Run(int chunks, long rolledFrom, long rolledTo, long rows, long dirtyHours) {
        static final Run NOTHING = new Run(0, 0, 0, 0, 0);

        public boolean didAnything() {
            return chunks > 0 || dirtyHours > 0;
        }
    }

    /** A series' hour to roll up again; ordered as PostgreSQL orders the key (uuid bytes unsigned). */
    record Mark(UUID entityId, int key, long hour) implements Comparable<Mark> {
        @Override
        public int compareTo(Mark o) {
            int c = Long.compareUnsigned(entityId.getMostSignificantBits(), o.entityId.getMostSignificantBits());
            if (c == 0) {
                c = Long.compareUnsigned(entityId.getLeastSignificantBits(), o.entityId.getLeastSignificantBits());
            }
            if (c == 0) {
                c = Integer.compare(key, o.key);
            }
            return c != 0 ? c : Long.compare(hour, o.hour);
        }
    }

    /** What a query may take from the rollups: hours in [0, rolled) but the dirty ones of its series. */
    record View(long rolled, NavigableSet<Long> dirty) {
        static final View NONE = new View(0, Collections.emptyNavigableSet());
    }

    private final DataSource dataSource;
    private final TsPartitions partitions;
    private final long delayMs;
    private final boolean enabled;

    /**
     * @param delayMs how long after its partition closes an hour is rolled up (points arriving later are
     *                late: they mark their hour)
     * @param enabled false: queries read {@code ts_kv} alone and {@link #run} does nothing (changes are
     *                still marked, so the rollups stay right when enabled again)
     */
    public TsRollups(DataSource dataSource, TsPartitions partitions, long delayMs, boolean enabled) {
        this.dataSource = dataSource;
        this.partitions = partitions;
        this.delayMs = delayMs;
        this.enabled = enabled;
    }

    public boolean enabled() {
        return enabled;
    }

    static long floorHour(long ts) {
        return Math.floorDiv(ts, HOUR) * HOUR;
    }

    // ---- changes to ts_kv -------------------------------------------------------------------------------

    /**
     * The statements that start a transaction changing {@code ts_kv}: the change lock (shared, until the
     * transaction ends), then {@code pending}, read by a statement of its own after the lock is held. A changed
     * point in [0, pending) must mark its hour. Sent ahead of the change itself (one round trip), then read with
     * {@link #pending(Statement)}.
     */
    static final String PENDING = "SELECT pg_advisory_xact_lock_shared(" + CHANGE_LOCK + ");\n"
            + "SELECT pending FROM ts_rollup_state;\n";

    /** {@code pending}, from a statement that began with {@link #PENDING} and was just executed. */
    static long pending(Statement s) throws SQLException {
        s.getMoreResults();
        try (ResultSet rs = s.getResultSet()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** {@link #PENDING} alone, in a transaction about to change {@code ts_kv}. */
    static long pending(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(PENDING);
            return pending(s);
        }
    }

    /** Marks the hours given (a sorted set: distinct, and locked in one order by every writer). */
    static void mark(Connection c, SortedSet<Mark> marks) throws SQLException {
        if (marks.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(MARK)) {
            bindMarks(c, ps, marks);
            ps.executeUpdate();
        }
    }

    /** In the transaction dropping {@code p}: its rollups go; an hour it shares with a neighbour is marked. */
    static void dropped(Connection c, Partition p) throws SQLException {
        long from = Math.max(p.from(), 0);
        long to = p.to();
        if (to <= from) {
            return;
        }
        long firstWhole = from % HOUR == 0 ? from : floorHour(from) + HOUR;
        long endWhole = to == Long.MAX_VALUE ? Long.MAX_VALUE : floorHour(to);
        // The hours at either end the partition shares with its neighbour (when its bounds are not on hours).
        List<Long> shared = new ArrayList<>();
        if (from % HOUR != 0) {
            shared.add(floorHour(from));
        }
        if (to != Long.MAX_VALUE && to % HOUR != 0 && floorHour(to) != floorHour(from)) {
            shared.add(floorHour(to));
        }
        try (PreparedStatement del = c.prepareStatement("DELETE FROM ts_kv_hourly WHERE hour >= ? AND hour < ? AND ttl = ?");
             PreparedStatement mark = c.prepareStatement("INSERT INTO ts_rollup_dirty (entity_id, key, hour) "
                     + "SELECT entity_id, key, hour FROM ts_kv_hourly WHERE hour = ? AND ttl = ? ORDER BY 1, 2 "
                     + "ON CONFLICT (entity_id, key, hour) DO UPDATE SET hour = EXCLUDED.hour")) {
            if (firstWhole < endWhole) {
                del.setLong(1, firstWhole);
                del.setLong(2, endWhole);
                del.setInt(3, p.ttl());
                del.executeUpdate();
            }
            for (long hour : shared) {
                mark.setLong(1, hour);
                mark.setInt(2, p.ttl());
                mark.executeUpdate();
            }
        }
    }

    // ---- queries ----------------------------------------------------------------------------------------

    /** Whether a query over [from, to) may take anything from the rollups (else it need not ask). */
    boolean useful(long from, long to) {
        return enabled && to - from >= HOUR;
    }

    /** The rollups a query of one series over hours in [from, to) may use; call {@link #useful} first. */
    static View view(Connection c, UUID entityId, int key, long from, long to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT rolled, ARRAY(SELECT hour FROM ts_rollup_dirty "
                + "WHERE entity_id = ? AND key = ? AND hour >= ? AND hour < ? ORDER BY hour) FROM ts_rollup_state")) {
            ps.setObject(1, entityId);
            ps.setInt(2, key);
            ps.setLong(3, from);
            ps.setLong(4, to);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                NavigableSet<Long> dirty = new TreeSet<>();
                for (Object h : (Object[]) rs.getArray(2).getArray()) {
                    dirty.add(((Number) h).longValue());
                }
                return new View(rs.getLong(1), dirty);
            }
        }
    }

    // ---- rolling up -------------------------------------------------------------------------------------

    /**
     * Rolls up the hours whose partitions closed by {@code nowMs} (less the delay), a chunk of partitions
     * per transaction, then the dirty hours. Another server's run in progress: does nothing.
     */
    public Run run(long nowMs) throws SQLException {
        if (!enabled) {
            return Run.NOTHING;
        }
        long len = partitions.lengthMs();
        long target = floorHour(Math.floorDiv(nowMs - delayMs, len) * len);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            if (!lock(c, "pg_try_advisory_lock")) {
                return Run.NOTHING;
            }
            try {
                return run(c, target);
            } finally {
                lock(c, "pg_advisory_unlock");
            }
        }
    }

    private Run run(Connection c, long target) throws SQLException {
        long[] state = state(c);
        long rolled = state[0];
        long pending = state[1];
        long from = rolled;
        int chunks = 0;
        long rows = 0;
        List<Partition> parts = rolled < target ? partitions.list() : List.of();
        while (rolled < target) {
            // A chunk a crash left half done is finished first; otherwise the next partition(s).
            long end = pending > rolled ? pending : chunkEnd(parts, rolled, target);
            if (end > pending) {
                raisePending(c, end);
                pending = end;
            }
            rows += rollChunk(c, rolled, end);
            rolled = end;
            chunks++;
        }
        long dirty = 0;
        for (int n; (n = rollDirty(c)) > 0; ) {
            dirty += n;
            if (n < DIRTY_BATCH) {
                break;
            }
        }
        return new Run(chunks, from, rolled, rows, dirty);
    }

    /**
     * Where a chunk from {@code rolled} ends: the end of the partitions holding {@code rolled} (each is
     * scanned once, a large migrated one whole), or the start of the next one, on an hour, at most {@code target}.
     */
    static long chunkEnd(List<Partition> parts, long rolled, long target) {
        long holding = -1;
        long next = Long.MAX_VALUE;
        for (Partition p : parts) {
            if (p.to() <= rolled || p.from() >= target) {
                continue;
            }
            if (p.from() <= rolled) {
                holding = Math.max(holding, p.to());
            } else {
                next = Math.min(next, p.from());
            }
        }
        long end = holding > rolled ? holding : next;
        if (end >= target) {
            return target;
        }
        long up = end % HOUR == 0 ? end : floorHour(end) + HOUR;
        return Math.min(up, target);
    }

    private static void raisePending(Connection c, long end) throws SQLException {
        Transactions.run(c, () -> {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(" + CHANGE_LOCK + ")");
                s.executeUpdate("UPDATE ts_rollup_state SET pending = " + end);
            }
            return null;
        });
    }

    private static long rollChunk(Connection c, long from, long to) throws SQLException {
        return Transactions.run(c, () -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM ts_kv_hourly WHERE hour >= ? AND hour < ?");
                 PreparedStatement ins = c.prepareStatement(ROLL_CHUNK);
                 Statement s = c.createStatement()) {
                del.setLong(1, from);
                del.setLong(2, to);
                del.executeUpdate();
                ins.setLong(1, from);
                ins.setLong(2, to);
                long n = ins.executeUpdate();
                s.executeUpdate("UPDATE ts_rollup_state SET rolled = " + to);
                return n;
            }
        });
    }

    /** Rolls up to {@link #DIRTY_BATCH} dirty hours again; how many. */
    private static int rollDirty(Connection c) throws SQLException {
        return Transactions.run(c, () -> {
            List<Mark> marks = new ArrayList<>();
            // Locked in their order, as writers lock them (no cycle); waiting for a writer holding one, so the
            // scan below, a statement of its own, sees that writer's points.
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                    SELECT entity_id, key, hour FROM ts_rollup_dirty ORDER BY 1, 2, 3 LIMIT %d FOR UPDATE"""
                    .formatted(DIRTY_BATCH))) {
                while (rs.next()) {
                    marks.add(new Mark(rs.getObject(1, UUID.class), rs.getInt(2), rs.getLong(3)));
                }
            }
            if (marks.isEmpty()) {
                return 0;
            }
            String of = " USING unnest(?::uuid[], ?::int4[], ?::int8[]) AS m(e, k, hr) "
                    + "WHERE t.entity_id = m.e AND t.key = m.k AND t.hour = m.hr";
            try (PreparedStatement unmark = c.prepareStatement("DELETE FROM ts_rollup_dirty t" + of);
                 PreparedStatement del = c.prepareStatement("DELETE FROM ts_kv_hourly t" + of);
                 PreparedStatement ins = c.prepareStatement(ROLL_HOURS)) {
                bindMarks(c, unmark, marks);
                unmark.executeUpdate();
                bindMarks(c, del, marks);
                del.executeUpdate();
                bindMarks(c, ins, marks);
                ins.executeUpdate();
            }
            return marks.size();
        });
    }

    private static void bindMarks(Connection c, PreparedStatement ps, Collection<Mark> marks) throws SQLException {
        Object[] e = new Object[marks.size()];
        Object[] k = new Object[marks.size()];
        Object[] h = new Object[marks.size()];
        int i = 0;
        for (Mark m : marks) {
            e[i] = m.entityId();
            k[i] = m.key();
            h[i++] = m.hour();
        }
        Array[] arrays = {c.createArrayOf("uuid", e), c.createArrayOf("int4", k), c.createArrayOf("int8", h)};
        for (int p = 0; p < arrays.length; p++) {
            ps.setArray(p + 1, arrays[p]);
        }
    }

    /** [rolled, pending] as stored. */
    public static long[] state(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT rolled, pending FROM ts_rollup_state")) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    /**
     * Makes the next run roll everything up from scratch (after points were written behind the server's
     * back, straight into {@code ts_kv}); waits for a run in progress.
     */
    public static void rebuild(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_lock(" + RUN_LOCK + ")");
            s.executeUpdate("UPDATE ts_rollup_state SET rolled = 0, pending = 0");
        } finally {
            lock(c, "pg_advisory_unlock");
        }
    }

    /** Hours marked and waiting to be rolled up again. */
    public long dirtyHours() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM ts_rollup_dirty")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** [rolled, pending] as stored. */
    public long[] state() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return state(c);
        }
    }

    private static boolean lock(Connection c, String function) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT " + function + "(" + RUN_LOCK + ")")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

}
