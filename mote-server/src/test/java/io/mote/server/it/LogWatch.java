package io.mote.server.it;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;

/**
 * Collects what the in-process server logs while a test runs, so a test can assert that hostile input
 * left no stack trace and only a bounded number of lines.
 */
public final class LogWatch extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    private final List<ILoggingEvent> events = new ArrayList<>();

    private LogWatch() {
    }

    /** Starts collecting every event that reaches the root logger. */
    public static LogWatch watch() {
        LogWatch w = new LogWatch();
        w.setName("log-watch-" + System.nanoTime());
        w.start();
        root().addAppender(w);
        return w;
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    @Override
    protected synchronized void append(ILoggingEvent e) {
        e.prepareForDeferredProcessing();
        events.add(e);
    }

    public synchronized List<ILoggingEvent> events() {
        return new ArrayList<>(events);
    }

    /** The events that carry a stack trace. */
    public synchronized List<String> stackTraces() {
        List<String> out = new ArrayList<>();
        for (ILoggingEvent e : events) {
            if (e.getThrowableProxy() != null) {
                out.add(e.getLoggerName() + ": " + e.getFormattedMessage() + " / " + e.getThrowableProxy().getClassName()
                        + ": " + e.getThrowableProxy().getMessage());
            }
        }
        return out;
    }

    /** The formatted lines logged by loggers whose name starts with {@code prefix}. */
    public synchronized List<String> lines(String prefix) {
        List<String> out = new ArrayList<>();
        for (ILoggingEvent e : events) {
            if (e.getLoggerName().startsWith(prefix)) {
                out.add(e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage());
            }
        }
        return out;
    }

    @Override
    public void close() {
        root().detachAppender(this);
        stop();
    }
}
