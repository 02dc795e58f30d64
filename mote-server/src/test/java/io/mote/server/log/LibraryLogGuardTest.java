package io.mote.server.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

class LibraryLogGuardTest {

    private final LoggerContext context = new LoggerContext();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final LibraryLogGuard guard = new LibraryLogGuard(3, 200);

    @BeforeEach
    void setUp() {
        guard.setContext(context);
        guard.start();
        context.addTurboFilter(guard);
        appender.setContext(context);
        appender.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(appender);
    }

    @AfterEach
    void tearDown() {
        context.stop();
    }

    @Test
    void aLibraryLineLosesItsStackTraceAndFloodsAreCut() throws Exception {
        Logger cf = context.getLogger("org.eclipse.californium.core.network.UdpMatcher");
        for (int i = 0; i < 50; i++) {
            cf.warn("error receiving request {}", "MID " + i, new IllegalArgumentException("capacity < 0:\n(-1 < 0)"));
        }
        List<ILoggingEvent> events = appender.list;
        assertThat(events).hasSize(3);
        assertThat(events).allSatisfy(e -> {
            assertThat(e.getThrowableProxy()).isNull();
            assertThat(e.getLevel()).isEqualTo(Level.WARN);
            assertThat(e.getLoggerName()).isEqualTo(cf.getName());
        });
        assertThat(events.get(0).getFormattedMessage())
                .isEqualTo("error receiving request MID 0 (java.lang.IllegalArgumentException: capacity < 0: (-1 < 0))");

        Thread.sleep(250);
        cf.warn("plain line");
        assertThat(events.get(3).getFormattedMessage()).isEqualTo("plain line [47 more lines of this logger dropped]");
        cf.warn("another plain line {}", 1);
        assertThat(events.get(4).getFormattedMessage()).isEqualTo("another plain line 1");
    }

    @Test
    void debugGivesTheTraceBackAndMoteLinesAreUntouched() {
        Logger leshan = context.getLogger("org.eclipse.leshan.core.californium.LwM2mCoapResource");
        leshan.setLevel(Level.DEBUG);
        leshan.error("Exception while handling request", new IllegalStateException("x"));
        Logger mote = context.getLogger("io.mote.core.Something");
        mote.error("own failure", new IllegalStateException("y"));
        Logger below = context.getLogger("org.eclipse.californium.core.CoapServer");
        below.debug("not enabled", new IllegalStateException("z"));

        assertThat(appender.list).hasSize(2);
        assertThat(appender.list.get(0).getThrowableProxy().getMessage()).isEqualTo("x");
        assertThat(appender.list.get(1).getThrowableProxy().getMessage()).isEqualTo("y");
    }

    @Test
    void installedOnceInTheApplicationsContext() {
        LibraryLogGuard.install();
        LibraryLogGuard.install();
        LoggerContext app = (LoggerContext) LoggerFactory.getILoggerFactory();
        assertThat(app.getTurboFilterList().stream().filter(LibraryLogGuard.class::isInstance)).hasSize(1);
        // and Spring Boot runs the installer on every start, after it has reset logging
        assertThat(org.springframework.core.io.support.SpringFactoriesLoader.forDefaultResourceLocation()
                .load(org.springframework.context.ApplicationContextInitializer.class))
                .anyMatch(LibraryLogGuard.Installer.class::isInstance);
    }
}
