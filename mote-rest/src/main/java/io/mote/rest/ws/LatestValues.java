package io.mote.rest.ws;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.mote.common.kv.TsKvEntry;

/**
 * What a latest-values subscription has told its application, per key: a stored point is pushed only
 * when it is at least as new as the latest one (the rule {@code ts_kv_latest} follows), so a late
 * point with an old timestamp never shows as the latest value.
 */
final class LatestValues {

    private final Map<String, Long> latestTs = new ConcurrentHashMap<>();

    /** Records the values the subscription started with. */
    void seed(List<TsKvEntry> initial) {
        for (TsKvEntry e : initial) {
            latestTs.merge(e.key(), e.ts(), Math::max);
        }
    }

    /** The newest entry of each key in {@code entries} that is not older than what was pushed before. */
    List<TsKvEntry> newer(List<TsKvEntry> entries) {
        Map<String, TsKvEntry> newest = new LinkedHashMap<>();
        for (TsKvEntry e : entries) {
            newest.merge(e.key(), e, (a, b) -> b.ts() >= a.ts() ? b : a);
        }
        List<TsKvEntry> out = new ArrayList<>(newest.size());
        for (TsKvEntry e : newest.values()) {
            boolean[] taken = {false};
            latestTs.compute(e.key(), (k, seen) -> {
                if (seen == null || e.ts() >= seen) {
                    taken[0] = true;
                    return e.ts();
                }
                return seen;
            });
            if (taken[0]) {
                out.add(e);
            }
        }
        return out;
    }
}
