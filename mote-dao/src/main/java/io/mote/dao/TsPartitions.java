package io.mote.dao;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

/**
 * The partitions of {@code ts_kv}: one LIST partition per TTL class ({@code ts_kv_<ttl>}, the TTL in seconds
 * rounded up to the partition length, 0 = kept forever), each split by RANGE of ts into partitions of one
 * partition length ({@code ts_kv_<ttl>_<start>}). A partition of class {@code ttl} holds nothing younger than
 * its range's end, so it is dropped whole once {@code end + ttl} is past. Bounds are read from pg_catalog,
 * not from names, so partitions of an earlier partition length (or the migrated table) keep working: a new
 * range is clipped to its neighbours. DDL is serialised by an advisory lock, so writers and the
 * maintenance task can create the same partition at once.
 */
public final class TsPartitions {

    /** A range partition: [from, to) of ts, {@link Long#MIN_VALUE} / {@link Long#MAX_VALUE} for MINVALUE / MAXVALUE. */
    public record Partition(String name, int ttl, long from, long to) {
        /** When every point in it has outlived its TTL; never for the forever class. */
        public long expiresAt() {
            return ttl == 0 || to == Long.MAX_VALUE ? Long.MAX_VALUE : to + ttl * 1000L;
        }
    }

    private static final long LOCK = 0x6d6f74655f74736bL; // "mote_tsk"
    private static final Pattern RANGE = Pattern.compile("FROM \\((.+?)\\) TO \\((.+?)\\)");
    private static final Pattern LIST = Pattern.compile("IN \\((.+?)\\)");
    // Each class with its range partitions (none yet: a row with null leaf columns).
    private static final String PARTITIONS = """
            SELECT pg_get_expr(cls.relpartbound, cls.oid), leaf.relname, pg_get_expr(leaf.relpartbound, leaf.oid)
            FROM pg_inherits i JOIN pg_class cls ON cls.oid = i.inhrelid
            LEFT JOIN pg_inherits j ON j.inhparent = cls.oid LEFT JOIN pg_class leaf ON leaf.oid = j.inhrelid
            WHERE i.inhparent = 'ts_kv'::regclass
            """;

    private final DataSource dataSource;
    private final long lengthMs;

    /** @param lengthMs the range of ts of one partition; a whole number of seconds */
    public TsPartitions(DataSource dataSource, long lengthMs) {
        if (lengthMs < 1000 || lengthMs % 1000 != 0) {
            throw new IllegalArgumentException("The partition length must be a whole number of seconds: " + lengthMs + " ms");
        }
        this.dataSource = dataSource;
        this.lengthMs = lengthMs;
    }

    public long lengthMs() {
        return lengthMs;
    }

    /** The class of a TTL in seconds: rounded up to the partition length; 0 (none) for 0 or less. */
    public int ttlClass(long ttlSeconds) {
        if (ttlSeconds <= 0) {
            return 0;
        }
        long unit = lengthMs / 1000;
        long rounded = -Math.floorDiv(-ttlSeconds, unit) * unit;
        return (int) Math.min(rounded, Integer.MAX_VALUE / unit * unit);
    }

    /** Every range partition, by class and start. */
    public List<Partition> list() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            List<Partition> out = new ArrayList<>();
            read(c).values().forEach(ranges -> out.addAll(ranges.values()));
            return out;
        }
    }

    /** Ensures a partition holds each (ttl class, ts) of {@code points}, creating the classes and ranges missing. */
    public List<Partition> ensure(Collection<long[]> points) throws SQLException {
        List<Partition> created = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            Transactions.run(c, () -> {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
                    Map<Integer, NavigableMap<Long, Partition>> classes = read(c);
                    for (long[] p : points) {
                        int ttl = (int) p[0];
                        long ts = p[1];
                        NavigableMap<Long, Partition> ranges = classes.get(ttl);
                        if (ranges == null) {
                            s.execute("CREATE TABLE ts_kv_" + ttl + " PARTITION OF ts_kv FOR VALUES IN (" + ttl
                                    + ") PARTITION BY RANGE (ts)");
                            ranges = new TreeMap<>();
                            classes.put(ttl, ranges);
                        }
                        if (holding(ranges, ts) == null) {
                            Partition made = range(ranges, ttl, ts);
                            s.execute("CREATE TABLE " + made.name() + " PARTITION OF ts_kv_" + ttl + " FOR VALUES FROM ("
                                    + made.from() + ") TO (" + made.to() + ")");
                            ranges.put(made.from(), made);
                            created.add(made);
                        }
                    }
                }
                return null;
            });
        }
        return created;
    }

    /** Ensures every existing class has partitions for [fromTs, toTs]. */
    public List<Partition> ensureAhead(long fromTs, long toTs) throws SQLException {
        List<long[]> points = new ArrayList<>();
        List<Integer> ttls;
        try (Connection c = dataSource.getConnection()) {
            ttls = new ArrayList<>(read(c).keySet());
        }
        for (int ttl : ttls) {
            for (long ts = Math.floorDiv(fromTs, lengthMs) * lengthMs; ts <= toTs; ts += lengthMs) {
                points.add(new long[] {ttl, ts});
            }
        }
        return ensure(points);
    }

    /**
     * Drops {@code p} and its hourly rollups, waiting at most {@code lockTimeoutMs} for the queries reading it,
     * so a long query never holds up the writers queued behind the drop; false when it timed out (the next run
     * tries again).
     */
    public boolean drop(Partition p, long lockTimeoutMs) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return Transactions.run(c, () -> {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
                    s.execute("SET LOCAL lock_timeout = " + lockTimeoutMs);
                    s.execute("DROP TABLE IF EXISTS " + p.name());
                    TsRollups.dropped(c, p);
                    return true;
                }
            });
        } catch (SQLException e) {
            if ("55P03".equals(e.getSQLState())) {
                return false;
            }
            throw e;
        }
    }

    private static Partition holding(NavigableMap<Long, Partition> ranges, long ts) {
        Map.Entry<Long, Partition> e = ranges.floorEntry(ts);
        return e != null && ts < e.getValue().to() ? e.getValue() : null;
    }

    /** The aligned range of ts, clipped to its neighbours in the class. */
    private Partition range(NavigableMap<Long, Partition> ranges, int ttl, long ts) {
        long from = Math.floorDiv(ts, lengthMs) * lengthMs;
        long to = from + lengthMs;
        Map.Entry<Long, Partition> below = ranges.floorEntry(ts);
        if (below != null) {
            from = Math.max(from, below.getValue().to());
        }
        Map.Entry<Long, Partition> above = ranges.higherEntry(ts);
        if (above != null) {
            to = Math.min(to, above.getKey());
        }
        return new Partition("ts_kv_" + ttl + "_" + Long.toString(from).replace('-', 'm'), ttl, from, to);
    }

    private static Map<Integer, NavigableMap<Long, Partition>> read(Connection c) throws SQLException {
        Map<Integer, NavigableMap<Long, Partition>> classes = new TreeMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(PARTITIONS)) {
            while (rs.next()) {
                Matcher list = LIST.matcher(rs.getString(1));
                if (!list.find()) {
                    continue;
                }
                int ttl = Integer.parseInt(unquote(list.group(1)));
                NavigableMap<Long, Partition> ranges = classes.computeIfAbsent(ttl, k -> new TreeMap<>());
                Matcher range = rs.getString(3) == null ? null : RANGE.matcher(rs.getString(3));
                if (range != null && range.find()) {
                    long from = bound(range.group(1));
                    ranges.put(from, new Partition(rs.getString(2), ttl, from, bound(range.group(2))));
                }
            }
        }
        return classes;
    }

    private static long bound(String text) {
        String v = unquote(text);
        return switch (v) {
            case "MINVALUE" -> Long.MIN_VALUE;
            case "MAXVALUE" -> Long.MAX_VALUE;
            default -> Long.parseLong(v);
        };
    }

    private static String unquote(String v) {
        String t = v.trim();
        return t.startsWith("'") && t.endsWith("'") ? t.substring(1, t.length() - 1) : t;
    }
}
