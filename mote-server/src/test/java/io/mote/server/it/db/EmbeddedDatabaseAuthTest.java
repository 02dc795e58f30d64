package io.mote.server.it.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;

import io.mote.dao.embedded.EmbeddedDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The embedded PostgreSQL admits only the password generated at first start (kept in the data directory,
 * mode 600), over loopback, with fsync on; a data directory created by earlier versions, which trusted
 * every local connection, is upgraded to the same on start and keeps its data.
 */
// The embedded database is the subject: the run against an external PostgreSQL has nothing to add here.
@DisabledIfEnvironmentVariable(named = "MOTE_TEST_DB_URL", matches = ".+")
class EmbeddedDatabaseAuthTest {

    @Test
    void newDatabaseRefusesConnectionsWithoutThePassword() throws Exception {
        Path dir = Files.createTempDirectory("mote-db-auth");
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0, true)) {
            Path pwFile = dir.resolve("postgres-password");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pwFile))).isEqualTo("rw-------");
            assertThat(Files.readString(pwFile).trim()).isEqualTo(db.password()).hasSizeGreaterThanOrEqualTo(32);
            assertRefusedWithoutPassword(db);
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "postgres", db.password());
                 Statement s = c.createStatement()) {
                assertThat(show(s, "fsync")).isEqualTo("on");
                assertThat(show(s, "synchronous_commit")).isEqualTo("on");
                assertThat(show(s, "listen_addresses")).isEqualTo("127.0.0.1");
                assertThat(show(s, "unix_socket_directories")).isEmpty();
                try (ResultSet rs = s.executeQuery("SELECT DISTINCT auth_method FROM pg_hba_file_rules")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("scram-sha-256");
                    assertThat(rs.next()).isFalse();
                }
            }
        }
        assertThat(Files.readString(dir.resolve("postgres/pg_hba.conf"))).doesNotContain("trust");
    }

    @Test
    void trustingDatabaseOfAnEarlierVersionIsUpgradedOnStart() throws Exception {
        Path dir = Files.createTempDirectory("mote-db-upgrade");
        // The data directory as earlier versions created it: zonky's launcher, initdb -A trust.
        try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("postgres"))
                .setCleanDataDirectory(false).setOverrideWorkingDirectory(dir.resolve("postgres-bin").toFile())
                .start();
             Connection c = DriverManager.getConnection(old.getJdbcUrl("postgres", "postgres"));
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('before the upgrade')");
        }
        assertThat(Files.readString(dir.resolve("postgres/pg_hba.conf"))).contains("trust");
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0, true)) {
            assertRefusedWithoutPassword(db);
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "postgres", db.password());
                 Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("before the upgrade");
            }
        }
        assertThat(Files.readString(dir.resolve("postgres/pg_hba.conf"))).doesNotContain("trust");
        // And the next start finds it upgraded, with the same password; the less durable mode is asked for.
        String password = Files.readString(dir.resolve("postgres-password")).trim();
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0, false)) {
            assertThat(db.password()).isEqualTo(password);
            assertRefusedWithoutPassword(db);
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "postgres", db.password());
                 Statement s = c.createStatement()) {
                assertThat(show(s, "synchronous_commit")).isEqualTo("off");
                assertThat(show(s, "fsync")).isEqualTo("on");
            }
        }
    }

    private static void assertRefusedWithoutPassword(EmbeddedDatabase db) {
        assertThatThrownBy(() -> DriverManager.getConnection(db.jdbcUrl(), "postgres", null).close())
                .isInstanceOf(SQLException.class).hasMessageContaining("password");
        assertThatThrownBy(() -> DriverManager.getConnection(db.jdbcUrl(), "postgres", "postgres").close())
                .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
    }

    private static String show(Statement s, String setting) throws SQLException {
        try (ResultSet rs = s.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
