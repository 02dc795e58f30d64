package io.mote.dao.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded cluster's directory and its access: created with a random superuser password kept in
 * the data directory (mode 600) and SCRAM-SHA-256 authentication, and an older cluster created with
 * {@code trust} upgraded to the same on start. Also clears what a crashed server left behind: an orphaned
 * postmaster of this cluster is stopped, a stale {@code postmaster.pid} removed.
 */
final class PgCluster {

    private static final Logger log = LoggerFactory.getLogger(PgCluster.class);

    static final String SUPERUSER = "postgres";
    private static final String HBA_MARK = "# Written by Mote";
    private static final String HBA = HBA_MARK + """
            : password (SCRAM-SHA-256) authentication only; the server listens on loopback only
            # and has no Unix socket. The password is in the data directory's postgres-password file.
            # TYPE  DATABASE  USER  ADDRESS        METHOD
            local   all       all                  scram-sha-256
            host    all       all   127.0.0.1/32   scram-sha-256
            host    all       all   ::1/128        scram-sha-256
            """;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path pgData;
    private final Path bin;
    private final Path passwordFile;
    private final Path newPasswordFile;
    private final Path logFile;

    PgCluster(Path dataDir, Path bin, Path logFile) {
        this.pgData = dataDir.resolve("postgres");
        this.bin = bin;
        this.passwordFile = dataDir.resolve("postgres-password");
        this.newPasswordFile = dataDir.resolve("postgres-password.new");
        this.logFile = logFile;
    }

    Path pgData() {
        return pgData;
    }

    /**
     * Makes the cluster ready for a postmaster: nothing else running on it, created if missing, password
     * authentication in place. Returns the superuser's password.
     */
    String prepare() throws IOException, InterruptedException {
        clearLeftovers();
        if (!Files.exists(pgData.resolve("PG_VERSION"))) {
            return create();
        }
        if (Files.exists(passwordFile) && hbaIsOurs()) {
            ownerOnly(passwordFile);
            return Files.readString(passwordFile).trim();
        }
        return upgradeFromTrust();
    }

    /**
     * Stops a postmaster of this cluster that outlived its server (the caller holds the data directory's
     * lock, so no live Mote server owns it) and removes a {@code postmaster.pid} naming a process that
     * is gone or not PostgreSQL, which PostgreSQL itself would take for a running server.
     */
    void clearLeftovers() throws IOException, InterruptedException {
        Path pidFile = pgData.resolve("postmaster.pid");
        Optional<Long> pid = readPid(pidFile);
        if (pid.isEmpty()) {
            return;
        }
        Optional<ProcessHandle> p = ProcessHandle.of(pid.get()).filter(this::isOurPostmaster);
        if (p.isEmpty()) {
            log.info("Removing stale {} (process {} is gone or is not this cluster's PostgreSQL)", pidFile.getFileName(),
                    pid.get());
            Files.deleteIfExists(pidFile);
            return;
        }
        log.warn("Stopping orphaned embedded PostgreSQL (pid {}) left by an earlier run", pid.get());
        // SIGTERM: the orphan's clients died with their server, so its smart shutdown is a quick one.
        p.get().destroy();
        for (int i = 0; i < 600 && p.get().isAlive(); i++) {
            Thread.sleep(100);
        }
        if (p.get().isAlive()) {
            p.get().destroyForcibly();
        }
    }

    private String create() throws IOException, InterruptedException {
        String password = pendingPassword();
        // initdb works in a directory beside the cluster's, renamed when complete, so an interrupted
        // first start does not leave a half cluster that a later start would take for a real one.
        Path init = pgData.resolveSibling("postgres.init");
        deleteTree(init);
        if (Files.isDirectory(pgData)) {
            try (var s = Files.list(pgData)) {
                if (s.findAny().isPresent()) {
                    throw new IOException("Embedded database directory " + pgData
                            + " holds files but no PostgreSQL cluster; move it away to start a new one");
                }
            }
            Files.delete(pgData);
        }
        run(PgBinaries.command(bin, "initdb", "-D", init.toString(), "-U", SUPERUSER, "-E", "UTF-8",
                "--auth=scram-sha-256", "--pwfile=" + newPasswordFile), null, 300);
        Files.writeString(init.resolve("pg_hba.conf"), HBA);
        Files.move(init, pgData, StandardCopyOption.ATOMIC_MOVE);
        Files.move(newPasswordFile, passwordFile, StandardCopyOption.ATOMIC_MOVE);
        return password;
    }

    private String upgradeFromTrust() throws IOException, InterruptedException {
        String password = Files.exists(passwordFile) ? Files.readString(passwordFile).trim() : pendingPassword();
        // Single-user mode: the password is set without the server listening anywhere, so no one can
        // connect while the cluster still trusts every local connection.
        run(PgBinaries.command(bin, "postgres", "--single", "-D", pgData.toString(),
                        "-c", "password_encryption=scram-sha-256", "-c", "listen_addresses=", SUPERUSER),
                "ALTER ROLE " + SUPERUSER + " PASSWORD '" + password.replace("'", "''") + "';\n", 300);
        Path hba = pgData.resolve("pg_hba.conf");
        Files.writeString(hba.resolveSibling("pg_hba.conf.mote"), HBA);
        Files.move(hba.resolveSibling("pg_hba.conf.mote"), hba, StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        if (!Files.exists(passwordFile)) {
            Files.move(newPasswordFile, passwordFile, StandardCopyOption.ATOMIC_MOVE);
        }
        log.info("Embedded PostgreSQL now requires a password (kept in {}); trust authentication removed",
                passwordFile);
        return password;
    }

    /** The password being introduced: the one a start interrupted midway generated, else a new one. */
    private String pendingPassword() throws IOException {
        if (Files.exists(newPasswordFile)) {
            ownerOnly(newPasswordFile);
            return Files.readString(newPasswordFile).trim();
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Path tmp = newPasswordFile.resolveSibling(newPasswordFile.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        Files.writeString(tmp, password + "\n");
        Files.move(tmp, newPasswordFile, StandardCopyOption.ATOMIC_MOVE);
        return password;
    }

    private boolean hbaIsOurs() throws IOException {
        Path hba = pgData.resolve("pg_hba.conf");
        return Files.exists(hba) && Files.readString(hba).startsWith(HBA_MARK);
    }

    private static void ownerOnly(Path file) throws IOException {
        if (!Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        }
    }

    static Optional<Long> readPid(Path pidFile) {
        try {
            String first = Files.readAllLines(pidFile, StandardCharsets.US_ASCII).get(0).trim();
            return Optional.of(Long.parseLong(first));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A live PostgreSQL server process of this cluster, not some process that reused the pid. */
    private boolean isOurPostmaster(ProcessHandle p) {
        ProcessHandle.Info info = p.info();
        return p.isAlive() && info.command().map(c -> c.endsWith("/postgres")).orElse(false)
                && info.arguments().map(a -> List.of(a).contains(pgData.toString())).orElse(true);
    }

    /** Runs a PostgreSQL tool to completion, its output appended to the database log. */
    private void run(List<String> command, String stdin, int timeoutSeconds) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(Path.of(command.get(0)).getFileName() + " did not finish in " + timeoutSeconds
                    + " s; see " + logFile);
        }
        if (p.exitValue() != 0) {
            throw new IOException(Path.of(command.get(0)).getFileName() + " failed (exit " + p.exitValue()
                    + "); see " + logFile);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
