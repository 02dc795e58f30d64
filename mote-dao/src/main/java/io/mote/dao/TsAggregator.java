package io.mote.dao;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

import io.mote.common.kv.KvEntry;
import io.mote.common.kv.TsKvEntry;

/**
 * Aggregates one key over consecutive intervals. The whole hours of an interval that the hourly rollups hold
 * are summed up from them ({@link TsRollups}: one row an hour instead of every point); the rest of it by a range scan
 * of {@code ts_kv}'s primary key, which covers the numeric columns (an index-only scan once vacuumed);
 * over a long range the buckets, or pieces of a single bucket, are split into contiguous groups scanned on
 * {@code parallelism} connections at once and their partial counts, sums, minima and maxima combined here.
 * PostgreSQL adds 4-7 million values a second per connection whatever the plan: a year of one point every
 * 3 s took 1.4-1.8 s on one connection, 0.5-1.1 s on two, and 15-84 ms from the rollups (docs/benchmarks.md,
 * "Queries").
 */
final class TsAggregator {

    private final JdbcTemplate jdbc;
    private final TsRollups rollups;
    private final int parallelism;
    private final long parallelMinRangeMs;
    private final ExecutorService scans;

    /**
     * {@code rollups}: the hourly rollups to read whole hours from;
     * {@code parallelism}: connections one aggregation may use at once; {@code parallelMinRangeMs}: the
     * shortest range worth splitting (shorter ones are few points, and one scan is cheaper than a hand-off).
     */
    TsAggregator(JdbcTemplate jdbc, TsRollups rollups, int parallelism, long parallelMinRangeMs) {
        this.jdbc = jdbc;
        this.rollups = rollups;
        this.parallelism = Math.max(1, parallelism);
        this.parallelMinRangeMs = parallelMinRangeMs;
        AtomicInteger n = new AtomicInteger();
        this.scans = this.parallelism == 1 ? null : Executors.newFixedThreadPool(this.parallelism - 1, r -> {
            Thread t = new Thread(r, "ts-aggregate-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Stops the scan threads (the server's shutdown). */
    void close() {
        if (scans != null) {
            scans.shutdown();
        }
    }

    /** A bucket [lo, hi) or a part of one; {@code bucket} is its bucket's index. */
    record Piece(int bucket, long lo, long hi) {
    }

    /** A piece's partial, for its bucket. */
    private record Found(int bucket, Partial partial) {
    }

    /** What one scan found in a piece, or a bucket's pieces combined. */
    private static final class Partial {
        long cnt;
        long lcnt;
        long dcnt;
        Long lv;
        Double dv;

        void add(Partial o, Aggregation agg) {
            cnt += o.cnt;
            lcnt += o.lcnt;
            dcnt += o.dcnt;
            lv = combine(lv, o.lv, agg);
            dv = combine(dv, o.dv, agg);
        }

        private static Long combine(Long a, Long b, Aggregation agg) {
            if (a == null || b == null) {
                return a == null ? b : a;
            }
            return agg == Aggregation.MIN ? Math.min(a, b) : agg == Aggregation.MAX ? Math.max(a, b) : a + b;
        }

        private static Double combine(Double a, Double b, Aggregation agg) {
            if (a == null || b == null) {
                return a == null ? b : a;
            }
            return agg == Aggregation.MIN ? Math.min(a, b) : agg == Aggregation.MAX ? Math.max(a, b) : a + b;
        }
    }

    /** Bucket bounds: [los[i], his[i]). */
    List<TsKvEntry> aggregate(UUID entityId, int keyId, String key, List<Long> los, List<Long> his, Aggregation agg,
                              int limit, boolean ascending) {
        int buckets = los.size();
        List<Piece> raw = new ArrayList<>();
        List<Piece> hourly = new ArrayList<>();
        split(los, his, view(entityId, keyId, los.get(0), his.get(buckets - 1)), raw, hourly);
        long rawRange = raw.stream().mapToLong(p -> p.hi() - p.lo()).sum();
        int groups = rawRange >= parallelMinRangeMs || rawRange < 0 ? parallelism : 1;
        List<Piece> pieces = cut(raw, groups);
        groups = Math.max(1, Math.min(groups, pieces.size()));
        List<CompletableFuture<List<Found>>> others = new ArrayList<>();
        for (int g = 1; g < groups; g++) {
            List<Piece> group = pieces.subList(g * pieces.size() / groups, (g + 1) * pieces.size() / groups);
            others.add(CompletableFuture.supplyAsync(() -> scan(entityId, keyId, group, agg, sql(agg)), scans));
        }
        Partial[] total = new Partial[buckets];
        if (!hourly.isEmpty()) {
            merge(total, scan(entityId, keyId, hourly, agg, hourlySql(agg)), agg);
        }
        merge(total, scan(entityId, keyId, pieces.subList(0, pieces.size() / groups), agg, sql(agg)), agg);
        for (CompletableFuture<List<Found>> f : others) {
            try {
                merge(total, f.join(), agg);
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        List<TsKvEntry> out = new ArrayList<>();
        for (int i = 0; i < buckets && out.size() < limit; i++) {
            int b = ascending ? i : buckets - 1 - i;
            Partial p = total[b];
            if (p != null && (agg == Aggregation.COUNT ? p.cnt : p.lcnt + p.dcnt) > 0) {
                long lo = los.get(b);
                out.add(new TsKvEntry(lo + (his.get(b) - lo) / 2, entry(key, p, agg)));
            }
        }
        return out;
    }

    private TsRollups.View view(UUID entityId, int keyId, long from, long to) {
        long lo = Math.max(0, from);
        long hi = Math.max(0, to);
        if (!rollups.useful(lo, hi)) {
            return TsRollups.View.NONE;
        }
        return jdbc.execute((ConnectionCallback<TsRollups.View>) c -> TsRollups.view(c, entityId, keyId, lo, hi));
    }

    /**
     * Splits each bucket into the whole hours the rollups hold (rolled up and not dirty), read from
     * {@code ts_kv_hourly}, and the rest (its ends, dirty hours, hours not rolled up yet), read from {@code ts_kv}.
     */
    static void split(List<Long> los, List<Long> his, TsRollups.View view, List<Piece> raw, List<Piece> hourly) {
        long h = TsRollups.HOUR;
        for (int b = 0; b < los.size(); b++) {
            long lo = los.get(b);
            long hi = his.get(b);
            long first = lo > Long.MAX_VALUE - h ? Long.MAX_VALUE : Math.max(0, -Math.floorDiv(-lo, h) * h);
            long end = Math.min(TsRollups.floorHour(hi), view.rolled());
            if (end - first < h) {
                raw.add(new Piece(b, lo, hi));
                continue;
            }
            if (lo < first) {
                raw.add(new Piece(b, lo, first));
            }
            long at = first;
            for (long dirty : view.dirty().subSet(first, end)) {
                if (dirty > at) {
                    hourly.add(new Piece(b, at, dirty));
                }
                raw.add(new Piece(b, dirty, dirty + h));
                at = dirty + h;
            }
            if (at < end) {
                hourly.add(new Piece(b, at, end));
            }
            if (end < hi) {
                raw.add(new Piece(b, end, hi));
            }
        }
    }

    /** The pieces as they are, or each of fewer pieces than {@code groups} cut into equal ones. */
    private static List<Piece> cut(List<Piece> whole, int groups) {
        if (whole.isEmpty() || whole.size() >= groups) {
            return whole;
        }
        int cuts = (groups + whole.size() - 1) / whole.size();
        List<Piece> pieces = new ArrayList<>(whole.size() * cuts);
        for (Piece p : whole) {
            long lo = p.lo();
            long hi = p.hi();
            int n = (int) Math.min(cuts, Math.max(1, hi - lo));
            for (int k = 0; k < n; k++) {
                long from = lo + (hi - lo) / n * k;
                pieces.add(new Piece(p.bucket(), from, k == n - 1 ? hi : lo + (hi - lo) / n * (k + 1)));
            }
        }
        return pieces;
    }

    private static void merge(Partial[] total, List<Found> found, Aggregation agg) {
        for (Found f : found) {
            if (total[f.bucket()] == null) {
                total[f.bucket()] = f.partial();
            } else {
                total[f.bucket()].add(f.partial(), agg);
            }
        }
    }

    private List<Found> scan(UUID entityId, int keyId, List<Piece> group, Aggregation agg, String sql) {
        if (group.isEmpty()) {
            return List.of();
        }
        Object[] lo = new Object[group.size()];
        Object[] hi = new Object[group.size()];
        Object[] bucket = new Object[group.size()];
        for (int i = 0; i < group.size(); i++) {
            lo[i] = group.get(i).lo();
            hi[i] = group.get(i).hi();
            bucket[i] = group.get(i).bucket();
        }
        return jdbc.query(con -> {
            PreparedStatement ps = con.prepareStatement(sql);
            ps.setArray(1, con.createArrayOf("int8", lo));
            ps.setArray(2, con.createArrayOf("int8", hi));
            ps.setArray(3, con.createArrayOf("int4", bucket));
            ps.setObject(4, entityId);
            ps.setInt(5, keyId);
            return ps;
        }, (rs, i) -> new Found(rs.getInt("bucket"), partial(rs, agg)));
    }

    private static Partial partial(ResultSet rs, Aggregation agg) throws SQLException {
        Partial p = new Partial();
        if (agg == Aggregation.COUNT) {
            p.cnt = rs.getLong("cnt");
            return p;
        }
        p.lcnt = rs.getLong("lcnt");
        p.dcnt = rs.getLong("dcnt");
        long lv = rs.getLong("lv");
        p.lv = rs.wasNull() ? null : lv;
        double dv = rs.getDouble("dv");
        p.dv = rs.wasNull() ? null : dv;
        return p;
    }

    /** Longs alone stay a long (SUM exact); with any double the answer is a double, as ThingsBoard's. */
    private static KvEntry entry(String key, Partial p, Aggregation agg) {
        long lv = p.lv == null ? 0 : p.lv;
        double dv = p.dv == null ? 0 : p.dv;
        return switch (agg) {
            case COUNT -> KvEntry.ofLong(key, p.cnt);
            case MIN -> p.dcnt == 0 ? KvEntry.ofLong(key, lv) : KvEntry.ofDouble(key, p.lcnt == 0 ? dv : Math.min(dv, lv));
            case MAX -> p.dcnt == 0 ? KvEntry.ofLong(key, lv) : KvEntry.ofDouble(key, p.lcnt == 0 ? dv : Math.max(dv, lv));
            case SUM -> p.dcnt == 0 ? KvEntry.ofLong(key, lv) : KvEntry.ofDouble(key, dv + lv);
            case AVG -> KvEntry.ofDouble(key, (dv + lv) / (p.lcnt + p.dcnt));
            default -> throw new IllegalStateException(agg.name());
        };
    }

    /**
     * The SQL of one group's scan: a range scan of the primary key per piece, computing only the aggregates
     * the function needs. Grouping by a computed bucket number instead made PostgreSQL expect one group per
     * row and sort all points (on disk at 10 million) before aggregating. Parameters: the pieces' lower and
     * upper bounds (int8 arrays), their buckets (int4 array), entity id, key id.
     */
    static String sql(Aggregation agg) {
        String values = switch (agg) {
            case COUNT -> "count(*) AS cnt";
            case MIN, MAX -> "count(long_v) AS lcnt, count(dbl_v) AS dcnt, %1$s(long_v) AS lv, %1$s(dbl_v) AS dv"
                    .formatted(agg.name().toLowerCase(Locale.ROOT));
            case SUM, AVG -> "count(long_v) AS lcnt, count(dbl_v) AS dcnt, sum(long_v) AS lv, sum(dbl_v) AS dv";
            default -> throw new IllegalArgumentException(agg.name());
        };
        return scan(values, "ts_kv", "ts");
    }

    /**
     * The SQL of a scan of whole hours in {@code ts_kv_hourly}, with {@link #sql}'s parameters and columns:
     * an hour's counts, sums, minima and maxima combine as its points' would.
     */
    static String hourlySql(Aggregation agg) {
        String values = switch (agg) {
            case COUNT -> "coalesce(sum(cnt), 0) AS cnt";
            case MIN, MAX -> "coalesce(sum(lcnt), 0) AS lcnt, coalesce(sum(dcnt), 0) AS dcnt, %1$s(l%1$s) AS lv, %1$s(d%1$s) AS dv"
                    .formatted(agg.name().toLowerCase(Locale.ROOT));
            case SUM, AVG -> "coalesce(sum(lcnt), 0) AS lcnt, coalesce(sum(dcnt), 0) AS dcnt, sum(lsum) AS lv, sum(dsum) AS dv";
            default -> throw new IllegalArgumentException(agg.name());
        };
        return scan(values, "ts_kv_hourly", "hour");
    }

    /** One range scan of {@code table} per piece, by its time column {@code time}: {@link #sql}'s parameters. */
    private static String scan(String values, String table, String time) {
        return """
                SELECT b.bucket, a.* FROM unnest(?::int8[], ?::int8[], ?::int4[]) AS b(lo, hi, bucket)
                CROSS JOIN LATERAL (SELECT %1$s FROM %2$s
                                    WHERE entity_id = ? AND key = ? AND %3$s >= b.lo AND %3$s < b.hi) a
                """.formatted(values, table, time);
    }
}
