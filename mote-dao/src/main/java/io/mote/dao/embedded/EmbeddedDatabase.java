package io.mote.dao.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zero-configuration database: a real PostgreSQL server run from the binaries on the class path,
 * its cluster under the data directory so it survives restarts.
 *
 * <p>Durable and private: fsync on, a random superuser password (SCRAM-SHA-256), loopback only. Crash
 * tolerant: a start clears what a killed server left (an orphaned postmaster, a stale
 * {@code postmaster.pid}), the postmaster goes when the JVM goes, and a postmaster that dies while the
 * server runs is started again on the same port, so the connection pool finds it again.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
    private static final long READY_TIMEOUT_MS = 600_000;
    private static final long STOP_TIMEOUT_MS = 60_000;
    private static final int START_ATTEMPTS = 20;
    private static final long MAX_LOG_BYTES = 10L << 20;

    private final Path bin;
    private final PgCluster cluster;
    private final Path logFile;
    private final boolean synchronousCommit;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final String password;
    private final Thread supervisor;
    private volatile Postmaster postmaster;
    private volatile boolean closing;

    private EmbeddedDatabase(Path dataDir, int port, boolean synchronousCommit, Path installedBinaries)
            throws IOException, InterruptedException {
        Files.createDirectories(dataDir);
        this.synchronousCommit = synchronousCommit;
        this.logFile = dataDir.resolve("postgres.log");
        lockChannel = FileChannel.open(dataDir.resolve("postgres.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            lockChannel.close();
            throw new IllegalStateException("Data directory " + dataDir + " is in use by another Mote server");
        }
        lock = l;
        try {
            rotateLog();
            bin = PgBinaries.unpack(dataDir.resolve("postgres-bin"), installedBinaries, true);
            cluster = new PgCluster(dataDir, bin, logFile);
            password = cluster.prepare();
            postmaster = startPostmaster(port);
        } catch (IOException | InterruptedException | RuntimeException e) {
            releaseLock();
            throw e;
        }
        supervisor = new Thread(this::supervise, "embedded-postgres-supervisor");
        supervisor.setDaemon(true);
        supervisor.start();
    }

    /**
     * Starts PostgreSQL with its cluster in {@code dataDir/postgres}; port 0 picks a free port.
     *
     * @param synchronousCommit false lets a commit return before its WAL is on disk: faster, but what
     *                          was acknowledged in the last fraction of a second is lost if the database
     *                          process or the machine crashes (the database itself stays consistent)
     */
    public static EmbeddedDatabase start(Path dataDir, int port, boolean synchronousCommit) throws IOException {
        return start(dataDir, port, synchronousCommit, null);
    }

    /**
     * As {@link #start(Path, int, boolean)}, the binaries taken from {@code installedBinaries} (the tree the
     * build unpacked into the server's installation) when it holds them, instead of unpacked from the archive.
     */
    public static EmbeddedDatabase start(Path dataDir, int port, boolean synchronousCommit, Path installedBinaries)
            throws IOException {
        long t0 = System.nanoTime();
        try {
            EmbeddedDatabase db = new EmbeddedDatabase(dataDir.toAbsolutePath(), port, synchronousCommit,
                    installedBinaries);
            log.info("Embedded PostgreSQL started on port {} with data in {} ({} ms)", db.port(),
                    db.cluster.pgData(), (System.nanoTime() - t0) / 1_000_000);
            return db;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while starting the embedded PostgreSQL", e);
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/postgres";
    }

    public String username() {
        return PgCluster.SUPERUSER;
    }

    /** The superuser's password, also kept in {@code postgres-password} in the data directory. */
    public String password() {
        return password;
    }

    public int port() {
        return postmaster.port();
    }

    /** The running postmaster's process id. */
    public long pid() {
        return postmaster.pid();
    }

    private Postmaster startPostmaster(int port) throws IOException, InterruptedException {
        boolean fixedPort = port > 0;
        for (int attempt = 1; ; attempt++) {
            int p = fixedPort ? port : freePort();
            Postmaster pm = Postmaster.start(bin, cluster.pgData(), p, synchronousCommit, logFile);
            if (pm.awaitReady(password, READY_TIMEOUT_MS)) {
                return pm;
            }
            pm.stop(STOP_TIMEOUT_MS);
            // What a crash left may still be going away: backends of a killed postmaster holding its
            // shared memory, an orphan shutting down. Clear and try again for a while.
            if (attempt >= START_ATTEMPTS || closing) {
                throw new IOException("The embedded PostgreSQL did not start: " + Postmaster.tail(logFile));
            }
            Thread.sleep(Math.min(2000, 250L * attempt));
            cluster.clearLeftovers();
        }
    }

    /** Starts the postmaster again on its port when it exits while the server runs (killed, crashed). */
    private void supervise() {
        while (!closing) {
            Postmaster current = postmaster;
            try {
                current.onExit().join();
                if (closing) {
                    return;
                }
                log.warn("Embedded PostgreSQL (pid {}) exited unexpectedly; starting it again", current.pid());
                current.stop(STOP_TIMEOUT_MS);
                while (!closing) {
                    try {
                        postmaster = startPostmaster(current.port());
                        log.info("Embedded PostgreSQL running again (pid {})", postmaster.pid());
                        break;
                    } catch (IOException e) {
                        log.warn("Embedded PostgreSQL not started again yet: {}", e.getMessage());
                        Thread.sleep(5000);
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("Embedded PostgreSQL supervision: {}", e.toString());
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void rotateLog() throws IOException {
        if (Files.exists(logFile) && Files.size(logFile) > MAX_LOG_BYTES) {
            Files.move(logFile, logFile.resolveSibling(logFile.getFileName() + ".1"),
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void releaseLock() throws IOException {
        try {
            lock.release();
        } finally {
            lockChannel.close();
        }
    }

    @Override
    public void close() throws IOException {
        if (closing) {
            return;
        }
        closing = true;
        supervisor.interrupt();
        long t0 = System.nanoTime();
        try {
            postmaster.stop(STOP_TIMEOUT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            releaseLock();
        }
        log.info("Embedded PostgreSQL stopped ({} ms)", (System.nanoTime() - t0) / 1_000_000);
    }
}
