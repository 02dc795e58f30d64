package io.mote.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;


/**
 * {@code values/timeseries} with every aggregation against values computed here from the points stored:
 * bucket edges, empty buckets, the last partial bucket, points outside the range, limit and orderBy, a key
 * mixing longs and doubles, longs whose sum a double could not hold, and a string key.
 */
class TimeseriesQueryTest {

    static final long START = 100_000;
    static final long INTERVAL = 1_000;
    /** Ten buckets, the last one half an interval long; [103000, 104000) and [105000, 106000) stay empty. */
    static final long END = START + 9 * INTERVAL + 499;
    static final long BIG = 40_000_000_000_000L;

    /** A stored point: ts and a long or a double. */
    record Point(long ts, Number v) {
    }

    static Api tenant;
    static String deviceId;
    static final List<Point> mixed = new ArrayList<>();
    static final List<Point> longs = new ArrayList<>();
    static final TreeMap<Long, String> strings = new TreeMap<>();

    @BeforeAll
    static void store() {
        Api.TestDevice d = TestServer.shared().api().newTenantWithDevice("tsq");
        tenant = d.tenant();
        deviceId = d.id();
        Random random = new Random(16);
        ArrayNode body = tools.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        // From before the range to after it, on the bucket edges too (START + k * INTERVAL, and one ms before).
        for (long ts = START - 2_000; ts <= END + 1_500; ts += 1 + random.nextInt(60)) {
            addPoint(body, ts, random);
        }
        for (long k = 0; k <= 10; k++) {
            if (k != 3 && k != 5) {
                addPoint(body, START + k * INTERVAL, random);
                addPoint(body, START + k * INTERVAL - 1, random);
            }
        }
        addPoint(body, END, random);
        tenant.post("/api/plugins/telemetry/DEVICE/" + deviceId + "/timeseries/ANY", body).ok();
    }

    private static void addPoint(ArrayNode body, long ts, Random random) {
        long bucket = (ts - START) / INTERVAL;
        if (strings.containsKey(ts) || ts >= START && (bucket == 3 || bucket == 5)) {
            return;
        }
        var values = body.addObject().put("ts", ts).putObject("values");
        // One in three a long, the others doubles that are never whole (so JSON keeps them doubles).
        Number m = random.nextInt(3) == 0 ? (Number) Long.valueOf(random.nextInt(1000) - 500L)
                : (Number) Double.valueOf(random.nextInt(100_000) / 100.0 - 500 + 0.125);
        if (m instanceof Long l) {
            values.put("m", l);
        } else {
            values.put("m", m.doubleValue());
        }
        long l = BIG + random.nextInt(1_000_000);
        values.put("l", l);
        String s = "s" + random.nextInt(1000);
        values.put("s", s);
        mixed.add(new Point(ts, m));
        longs.add(new Point(ts, l));
        strings.put(ts, s);
    }

    private JsonNode get(String query) {
        return tenant.get("/api/plugins/telemetry/DEVICE/" + deviceId + "/values/timeseries?" + query
                + "&useStrictDataTypes=true").ok();
    }

    /** The expected buckets, ascending: [ts, value] with value a Long or a Double. */
    static List<Object[]> expected(List<Point> points, String agg, long start, long end, long interval) {
        List<Object[]> out = new ArrayList<>();
        for (long from = start; from <= end; from += interval) {
            long to = Math.min(from + interval, end + 1);
            long f = from;
            List<Number> in = points.stream().filter(p -> p.ts() >= f && p.ts() < to).map(Point::v).toList();
            if (in.isEmpty()) {
                continue;
            }
            boolean allLong = in.stream().allMatch(n -> n instanceof Long);
            Object v = switch (agg) {
                case "COUNT" -> (long) in.size();
                case "MIN" -> allLong ? (Object) in.stream().mapToLong(Number::longValue).min().orElseThrow()
                        : in.stream().mapToDouble(Number::doubleValue).min().orElseThrow();
                case "MAX" -> allLong ? (Object) in.stream().mapToLong(Number::longValue).max().orElseThrow()
                        : in.stream().mapToDouble(Number::doubleValue).max().orElseThrow();
                case "SUM" -> allLong ? (Object) in.stream().mapToLong(Number::longValue).sum()
                        : in.stream().mapToDouble(Number::doubleValue).sum();
                case "AVG" -> in.stream().mapToDouble(Number::doubleValue).sum() / in.size();
                default -> throw new IllegalArgumentException(agg);
            };
            out.add(new Object[] {from + (to - from) / 2, v});
        }
        return out;
    }

    static void assertBuckets(JsonNode actual, List<Object[]> expected, String what) {
        assertThat(actual).as(what).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            JsonNode a = actual.get(i);
            Object[] e = expected.get(i);
            assertThat(a.get("ts").asLong()).as(what + " ts of bucket " + i).isEqualTo((Long) e[0]);
            if (e[1] instanceof Long l) {
                assertThat(a.get("value").isIntegralNumber()).as(what + " bucket " + i + " is a long").isTrue();
                assertThat(a.get("value").asLong()).as(what + " bucket " + i).isEqualTo(l);
            } else {
                double d = (Double) e[1];
                assertThat(a.get("value").isIntegralNumber()).as(what + " bucket " + i + " is a double").isFalse();
                assertThat(a.get("value").asDouble()).as(what + " bucket " + i)
                        .isCloseTo(d, within(1e-9 * Math.max(1, Math.abs(d))));
            }
        }
    }

    @Test
    void everyAggregationPerIntervalMatchesThePoints() {
        String range = "startTs=" + START + "&endTs=" + END + "&interval=" + INTERVAL + "&orderBy=ASC&limit=1000";
        for (String agg : List.of("AVG", "MIN", "MAX", "SUM", "COUNT")) {
            JsonNode r = get("keys=m,l&agg=" + agg + "&" + range);
            List<Object[]> m = expected(mixed, agg, START, END, INTERVAL);
            assertThat(m).as("two buckets stay empty").hasSize(8);
            assertBuckets(r.get("m"), m, agg + " of m");
            assertBuckets(r.get("l"), expected(longs, agg, START, END, INTERVAL), agg + " of l");
        }
        // The last bucket is [START + 9 intervals, END]: its timestamp is the middle of that part only.
        JsonNode last = get("keys=m&agg=COUNT&" + range).get("m").get(7);
        assertThat(last.get("ts").asLong()).isEqualTo(START + 9 * INTERVAL + 250);
    }

    @Test
    void sumOfLongsIsExactBeyondWhatADoubleHolds() {
        JsonNode r = get("keys=l&agg=SUM&startTs=" + START + "&endTs=" + END + "&interval=" + (END - START + 1));
        long sum = longs.stream().filter(p -> p.ts() >= START && p.ts() <= END).mapToLong(p -> p.v().longValue()).sum();
        assertThat(sum).isGreaterThan(1L << 53);
        assertThat(r.get("l").get(0).get("value").asLong()).isEqualTo(sum);
    }

    @Test
    void oneBucketOverTheWholeRangeAndWithoutInterval() {
        for (String agg : List.of("AVG", "MIN", "MAX", "SUM", "COUNT")) {
            List<Object[]> whole = expected(mixed, agg, START, END, END - START + 1);
            assertThat(whole).hasSize(1);
            assertBuckets(get("keys=m&agg=" + agg + "&startTs=" + START + "&endTs=" + END + "&interval="
                    + (END - START + 1)).get("m"), whole, agg + " over all");
            assertBuckets(get("keys=m&agg=" + agg + "&startTs=" + START + "&endTs=" + END).get("m"), whole,
                    agg + " without interval");
        }
    }

    @Test
    void limitAndOrderByPickTheBuckets() {
        String range = "startTs=" + START + "&endTs=" + END + "&interval=" + INTERVAL;
        List<Object[]> asc = expected(mixed, "MAX", START, END, INTERVAL);
        assertBuckets(get("keys=m&agg=MAX&orderBy=ASC&limit=3&" + range).get("m"), asc.subList(0, 3), "first 3");
        List<Object[]> desc = new ArrayList<>(asc);
        java.util.Collections.reverse(desc);
        assertBuckets(get("keys=m&agg=MAX&orderBy=DESC&limit=3&" + range).get("m"), desc.subList(0, 3), "last 3");
        assertBuckets(get("keys=m&agg=MAX&" + range).get("m"), desc, "DESC by default");
    }

    @Test
    void stringKeyRawAndAggregated() {
        List<java.util.Map.Entry<Long, String>> inRange = new ArrayList<>(strings.subMap(START, true, END, true).entrySet());
        JsonNode asc = get("keys=s&agg=NONE&orderBy=ASC&limit=5&startTs=" + START + "&endTs=" + END).get("s");
        assertThat(asc).hasSize(5);
        for (int i = 0; i < 5; i++) {
            assertThat(asc.get(i).get("ts").asLong()).isEqualTo(inRange.get(i).getKey());
            assertThat(asc.get(i).get("value").asString()).isEqualTo(inRange.get(i).getValue());
        }
        JsonNode desc = get("keys=s&limit=2&startTs=" + START + "&endTs=" + END).get("s");
        assertThat(desc.get(0).get("ts").asLong()).isEqualTo(inRange.get(inRange.size() - 1).getKey());
        assertThat(desc.get(1).get("ts").asLong()).isEqualTo(inRange.get(inRange.size() - 2).getKey());

        // Strings have no MIN / AVG: no bucket at all; COUNT counts them.
        String range = "&startTs=" + START + "&endTs=" + END + "&interval=" + INTERVAL + "&orderBy=ASC";
        assertThat(get("keys=s&agg=MIN" + range).has("s")).isFalse();
        assertThat(get("keys=s&agg=AVG" + range).has("s")).isFalse();
        List<Point> asPoints = strings.keySet().stream().map(ts -> new Point(ts, 0L)).toList();
        assertBuckets(get("keys=s&agg=COUNT" + range).get("s"), expected(asPoints, "COUNT", START, END, INTERVAL),
                "COUNT of s");
    }
}
