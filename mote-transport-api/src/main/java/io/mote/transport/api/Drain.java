package io.mote.transport.api;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The work a transport has handed to the core and not yet answered, so that on shutdown it can stop
 * taking new work, let what is in flight be stored and acknowledged, and only then close: a device gets
 * the acknowledgement of everything stored and sends again what was refused.
 */
public final class Drain {

    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closing;

    /** Starts a unit of work; false (and nothing to end) once the drain has begun: refuse the request. */
    public boolean enter() {
        inFlight.incrementAndGet();
        if (closing) {
            exit();
            return false;
        }
        return true;
    }

    /** Ends a unit of work started with {@link #enter()}. */
    public void exit() {
        if (inFlight.decrementAndGet() == 0 && closing) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** Counts {@code f} as in flight until it completes, whether or not the drain has begun. */
    public <T> CompletableFuture<T> track(CompletableFuture<T> f) {
        inFlight.incrementAndGet();
        f.whenComplete((v, e) -> exit());
        return f;
    }

    public boolean isClosing() {
        return closing;
    }

    public int inFlight() {
        return inFlight.get();
    }

    /**
     * Refuses new work from now on and waits up to {@code timeoutMs} for the work in flight to end.
     * Returns whether it all ended.
     */
    public boolean close(long timeoutMs) {
        closing = true;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (this) {
            while (inFlight.get() > 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                try {
                    wait(Math.min(left, 100));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return inFlight.get() == 0;
                }
            }
        }
        return true;
    }
}
