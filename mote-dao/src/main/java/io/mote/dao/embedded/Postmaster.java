package io.mote.dao.embedded;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One running PostgreSQL server (postmaster) of the embedded cluster, tied to this JVM's life: it is
 * started by a small watchdog shell whose standard input is a pipe from the JVM. When the JVM ends, in
 * any way including {@code kill -9}, the pipe reaches end of file and the watchdog shuts the postmaster
 * down (fast mode), so it never outlives the server it belongs to. The postmaster runs in a session of
 * its own, so a Ctrl-C or a signal to the server's process group reaches the JVM only, which stops the
 * database last, after everything that writes to it.
 */
final class Postmaster {

    // $1: the log file; the rest: the postmaster's command line. Prints the postmaster's pid, then
    // waits for it; a background reader of the JVM's pipe (fd 3) stops it on end of file.
    private static final String WATCHDOG = """
            log="$1"; shift
            command -v setsid >/dev/null 2>&1 && set -- setsid "$@"
            exec 3<&0
            "$@" </dev/null 3<&- >>"$log" 2>&1 &
            pg=$!
            echo "$pg"
            trap '' INT TERM HUP
            { while read -r _; do :; done; kill -INT "$pg" 2>/dev/null; } <&3 &
            exec 3<&-
            wait "$pg"
            """;

    private final Process watchdog;
    private final long pid;
    private final int port;

    private Postmaster(Process watchdog, long pid, int port) {
        this.watchdog = watchdog;
        this.pid = pid;
        this.port = port;
    }

    static Postmaster start(Path bin, Path pgData, int port, boolean synchronousCommit, Path logFile)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", WATCHDOG, "mote-postgres", logFile.toString()));
        cmd.addAll(PgBinaries.command(bin, "postgres", "-D", pgData.toString(), "-p", Integer.toString(port)));
        // fsync stays on: an acknowledgement means the data is on disk. Loopback only, no Unix socket.
        for (String setting : List.of("fsync=on", "full_page_writes=on",
                "synchronous_commit=" + (synchronousCommit ? "on" : "off"), "listen_addresses=127.0.0.1",
                "unix_socket_directories=", "password_encryption=scram-sha-256", "max_connections=100",
                "timezone=UTC", "log_checkpoints=off")) {
            cmd.add("-c");
            cmd.add(setting);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))
                .readLine();
        try {
            return new Postmaster(p, Long.parseLong(line == null ? "" : line.trim()), port);
        } catch (NumberFormatException e) {
            p.destroyForcibly();
            throw new IOException("The embedded PostgreSQL could not be started; see " + logFile);
        }
    }

    long pid() {
        return pid;
    }

    int port() {
        return port;
    }

    /** Completes when the postmaster has exited, for any reason. */
    CompletableFuture<Process> onExit() {
        return watchdog.onExit();
    }

    boolean isAlive() {
        return watchdog.isAlive();
    }

    /**
     * Waits until the server accepts the superuser's password login; false when the postmaster exited
     * first (a port taken, a shared memory segment still held by an old backend).
     */
    boolean awaitReady(String password, long timeoutMs) throws InterruptedException {
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        Properties props = new Properties();
        props.setProperty("user", PgCluster.SUPERUSER);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "5");
        props.setProperty("loginTimeout", "5");
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() < deadline) {
            if (!watchdog.isAlive()) {
                return false;
            }
            try (Connection c = DriverManager.getConnection(url, props)) {
                if (c.isValid(5)) {
                    return true;
                }
            } catch (SQLException e) {
                // Starting up or recovering: not yet.
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** Fast shutdown (sessions ended, a checkpoint written), forced if it takes longer than the timeout. */
    void stop(long timeoutMs) throws InterruptedException {
        try {
            watchdog.getOutputStream().close();
        } catch (IOException e) {
            // Already closed: the watchdog is going anyway.
        }
        if (!watchdog.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            watchdog.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The last lines of the database log, for an error message. */
    static String tail(Path logFile) {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
