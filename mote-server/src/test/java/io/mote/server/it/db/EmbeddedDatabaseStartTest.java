package io.mote.server.it.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;

import io.mote.dao.embedded.EmbeddedDatabase;
import io.mote.server.EmbeddedDatabaseStarter.EmbeddedDatabaseHolder;
import io.mote.server.it.TestServer;

/**
 * The embedded PostgreSQL is started beside the context, before its beans: the server still stops it with
 * the context, after everything that uses it, and also when the context fails to start.
 */
// The embedded database is the subject: the run against an external PostgreSQL has nothing to add here.
@DisabledIfEnvironmentVariable(named = "MOTE_TEST_DB_URL", matches = ".+")
class EmbeddedDatabaseStartTest {

    @Test
    void postmasterStopsWithTheServer() throws Exception {
        Path dir = Files.createTempDirectory("mote-db-start");
        long pid;
        try (TestServer server = TestServer.start(dir)) {
            pid = server.bean(EmbeddedDatabaseHolder.class).database().pid();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
            server.api().defaultTenant();
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertStartsAgain(dir);
    }

    @Test
    void postmasterStopsWhenTheContextFailsToStart() throws Exception {
        Path dir = Files.createTempDirectory("mote-db-start-fail");
        // The MQTT port is taken: the context fails after the database has started.
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> TestServer.start(dir, "--mote.transport.mqtt.port=" + taken.getLocalPort(),
                    "--mote.transport.mqtt.bind-address=127.0.0.1")).isInstanceOf(Exception.class);
        }
        assertStartsAgain(dir);
    }

    @Test
    void startsInARelativeDataDirectoryLikeTheDefault() throws Exception {
        // "./data" is the default: relative, with a "." the archive's normalised entry paths do not have.
        Path dir = Path.of("./target/mote-relative-" + System.nanoTime());
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0, true)) {
            assertThat(db.pid()).isPositive();
        }
        assertStartsAgain(dir);
    }

    /**
     * The postmaster was stopped cleanly (PostgreSQL removes its pid file then), the data directory's lock is
     * released (this JVM holding it would refuse the start) and the cluster is intact.
     */
    private static void assertStartsAgain(Path dir) throws Exception {
        assertThat(dir.resolve("postgres/PG_VERSION")).exists();
        assertThat(dir.resolve("postgres/postmaster.pid")).doesNotExist();
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0, true)) {
            assertThat(db.pid()).isPositive();
        }
    }
}
