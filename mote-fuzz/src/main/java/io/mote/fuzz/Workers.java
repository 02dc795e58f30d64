package io.mote.fuzz;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a fuzz driver on N connections in parallel. Worker {@code k} gets its own sub-seed and its share of
 * the inputs, so a run is reproducible (worker 0 uses the run's seed itself: one worker is the serial run)
 * and each input is named by the sub-seed and its index, which is all it takes to generate it again.
 */
final class Workers {

    interface Worker {
        void run(int worker, long seed, int count) throws IOException;
    }

    private Workers() {
    }

    /** The seed of worker {@code k} of a run with {@code seed}. */
    static long seed(long seed, int k) {
        return k == 0 ? seed : seed * 1_000_003L + k;
    }

    static void run(long seed, int count, int parallel, Worker worker) throws IOException {
        int n = Math.max(1, Math.min(parallel, count));
        if (n == 1) {
            worker.run(0, seed, count);
            return;
        }
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int k = 0; k < n; k++) {
            int index = k;
            int share = count / n + (k < count % n ? 1 : 0);
            Thread t = new Thread(() -> {
                try {
                    worker.run(index, seed(seed, index), share);
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "fuzz-worker-" + k);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        if (!failures.isEmpty()) {
            Throwable f = failures.get(0);
            throw f instanceof IOException io ? io : new IOException(f);
        }
    }
}
