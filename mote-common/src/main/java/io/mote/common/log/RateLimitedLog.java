package io.mote.common.log;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * A log for what unauthenticated peers cause (refused handshakes, registrations, malformed packets): each
 * event is one line, a throwable given as the last argument is written as its {@code toString()} rather
 * than a stack trace, and at most {@code burst} lines are written per interval; the lines dropped are
 * counted in the first line of the next interval. So a flood of bad input costs a few lines, not the disk.
 */
public final class RateLimitedLog {

    public static final int DEFAULT_BURST = 10;
    public static final long DEFAULT_INTERVAL_MS = 10_000;

    private final Logger log;
    private final int burst;
    private final long intervalNanos;
    private final AtomicLong windowStart = new AtomicLong(System.nanoTime());
    private final AtomicInteger written = new AtomicInteger();
    private final AtomicInteger dropped = new AtomicInteger();

    public RateLimitedLog(Logger log) {
        this(log, DEFAULT_BURST, DEFAULT_INTERVAL_MS);
    }

    public RateLimitedLog(Logger log, int burst, long intervalMs) {
        this.log = log;
        this.burst = burst;
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMs);
    }

    public void info(String format, Object... args) {
        write(Level.INFO, format, args);
    }

    public void warn(String format, Object... args) {
        write(Level.WARN, format, args);
    }

    /** Lines dropped since the last line written. */
    public int dropped() {
        return dropped.get();
    }

    private void write(Level level, String format, Object[] args) {
        if (!log.isEnabledForLevel(level)) {
            return;
        }
        long now = System.nanoTime();
        long start = windowStart.get();
        if (now - start >= intervalNanos && windowStart.compareAndSet(start, now)) {
            written.set(0);
        }
        if (written.incrementAndGet() > burst) {
            dropped.incrementAndGet();
            return;
        }
        int before = dropped.getAndSet(0);
        Object[] a = oneLine(args);
        String f = before == 0 ? format : format + " (" + before + " similar lines dropped before this one)";
        log.atLevel(level).log(f, a);
    }

    /** The arguments with a trailing throwable turned into its text, so no stack trace is written. */
    private static Object[] oneLine(Object[] args) {
        if (args.length > 0 && args[args.length - 1] instanceof Throwable t) {
            Object[] copy = args.clone();
            copy[copy.length - 1] = String.valueOf(t);
            return copy;
        }
        return args;
    }
}
