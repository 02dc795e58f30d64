package io.mote.cluster.it;

import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The PostgreSQL every core node of a topology shares: the external one {@code MOTE_TEST_DB_URL} names (with
 * {@code _USERNAME}, {@code _PASSWORD}), each topology in a fresh schema of it; else one embedded PostgreSQL
 * started by this JVM, each topology in a fresh database of it.
 */
final class ClusterDatabase {

    /** Where and as whom a topology's core nodes connect. */
    record Db(String url, String username, String password) {
    }

    private static EmbeddedPostgres embedded;

    private ClusterDatabase() {
    }

    static synchronized Db fresh(String name) {
        String external = System.getenv("MOTE_TEST_DB_URL");
        try {
            if (external != null && !external.isBlank()) {
                String user = env("MOTE_TEST_DB_USERNAME");
                String password = env("MOTE_TEST_DB_PASSWORD");
                execute(external, user, password, "CREATE SCHEMA " + name);
                String url = external + (external.contains("?") ? "&" : "?") + "currentSchema=" + name;
                return new Db(url, user, password);
            }
            if (embedded == null) {
                embedded = EmbeddedPostgres.builder()
                        .setDataDirectory(Files.createTempDirectory(Processes.runDir(), "postgres-"))
                        .setCleanDataDirectory(true).start();
                EmbeddedPostgres pg = embedded;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        pg.close();
                    } catch (IOException ignored) {
                        // the JVM is ending
                    }
                }));
            }
            execute(embedded.getJdbcUrl("postgres", "postgres"), "postgres", "", "CREATE DATABASE " + name);
            return new Db(embedded.getJdbcUrl("postgres", name), "postgres", "");
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("cannot make the database " + name, e);
        }
    }

    private static void execute(String url, String user, String password, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null ? "" : v;
    }
}
