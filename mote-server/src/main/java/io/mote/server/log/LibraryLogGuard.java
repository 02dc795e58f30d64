package io.mote.server.log;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;
import org.slf4j.helpers.FormattingTuple;
import org.slf4j.helpers.MessageFormatter;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Holds what the protocol libraries log (Californium and Scandium, Leshan, Netty, SNMP4J, Tomcat and Spring's
 * web layer) to the rule Mote's own code keeps for what a peer can cause ({@code RateLimitedLog}): one line
 * per event, a throwable written as its {@code toString()} instead of a stack trace, at most {@code burst}
 * lines per logger and interval, and the lines dropped counted on the next one written. The libraries log a
 * peer's odd datagram or request themselves, out of Mote's reach: Californium's "error receiving request"
 * came with a stack trace per datagram under the fuzzer, Spring's welcome page a WARN per request with an
 * unparsable Accept header. Setting a library's logger to DEBUG gives its stack traces back.
 */
public final class LibraryLogGuard extends TurboFilter {

    private static final Marker REWRITTEN = MarkerFactory.getMarker("mote-library-log-guard");
    private static final List<String> LIBRARIES = List.of("org.eclipse.californium.", "org.eclipse.leshan.",
            "io.netty.", "org.snmp4j.", "org.apache.coyote.", "org.apache.tomcat.", "org.springframework.web.",
            "org.springframework.boot.web");

    private final int burst;
    private final long intervalNanos;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    public LibraryLogGuard() {
        this(10, 10_000);
    }

    public LibraryLogGuard(int burst, long intervalMs) {
        this.burst = burst;
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMs);
        setName("library-log-guard");
    }

    /** Adds a guard to the logging context unless one is there (Spring Boot resets the context as it starts). */
    public static void install() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context
                && context.getTurboFilterList().stream().noneMatch(LibraryLogGuard.class::isInstance)) {
            LibraryLogGuard guard = new LibraryLogGuard();
            guard.setContext(context);
            guard.start();
            context.addTurboFilter(guard);
        }
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        // No format: a level check (isWarnEnabled...), answered by the levels alone. Logback asks turbo
        // filters before it looks at the level, so a disabled debug line is turned away first, cheaply.
        if (format == null || !level.isGreaterOrEqual(logger.getEffectiveLevel()) || marker == REWRITTEN
                || !isLibrary(logger.getName())) {
            return FilterReply.NEUTRAL;
        }
        int dropped = windows.computeIfAbsent(logger.getName(), n -> new Window()).admit(System.nanoTime());
        if (dropped < 0) {
            return FilterReply.DENY;
        }
        FormattingTuple line = t == null ? MessageFormatter.arrayFormat(format, params) : MessageFormatter.arrayFormat(format, params, t);
        Throwable thrown = line.getThrowable();
        if (thrown == null && dropped == 0) {
            return FilterReply.NEUTRAL;
        }
        boolean keepTrace = Level.DEBUG.isGreaterOrEqual(logger.getEffectiveLevel());
        StringBuilder text = new StringBuilder(String.valueOf(line.getMessage()));
        if (thrown != null && !keepTrace) {
            text.append(" (").append(thrown).append(')');
        }
        if (dropped > 0) {
            text.append(" [").append(dropped).append(" more lines of this logger dropped]");
        }
        logger.log(REWRITTEN, Logger.class.getName(), Level.toLocationAwareLoggerInteger(level),
                text.toString().replace('\n', ' ').replace('\r', ' '), null, keepTrace ? thrown : null);
        return FilterReply.DENY;
    }

    private static boolean isLibrary(String name) {
        for (String prefix : LIBRARIES) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** One logger's current interval. */
    private final class Window {
        private long start = System.nanoTime();
        private int written;
        private int dropped;

        /** -1: over the burst, drop it; else the lines dropped since the last one written. */
        synchronized int admit(long now) {
            if (now - start >= intervalNanos) {
                start = now;
                written = 0;
            }
            if (++written > burst) {
                dropped++;
                return -1;
            }
            int before = dropped;
            dropped = 0;
            return before;
        }
    }

    /** Installs the guard once Spring Boot has set logging up (context initializers run after that). */
    public static final class Installer implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        @Override
        public void initialize(ConfigurableApplicationContext context) {
            install();
        }
    }
}
