package io.mote.dao.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;

/**
 * The PostgreSQL binaries bundled on the class path (zonky's archives), unpacked once under a working
 * directory. Mote runs them itself rather than through zonky's launcher, which always starts the server
 * with fsync off, trusts every local connection and stops it from a JVM shutdown hook of its own.
 */
final class PgBinaries {

    /** PostgreSQL refuses to run as root; as root its tools run in a user namespace of their own. */
    private static final boolean AS_ROOT = "root".equals(System.getProperty("user.name"));

    private PgBinaries() {
    }

    /** The command line running {@code tool} of the unpacked tree {@code root}. */
    static List<String> command(Path root, String tool, String... args) {
        List<String> cmd = new ArrayList<>();
        if (AS_ROOT) {
            cmd.addAll(List.of("unshare", "-U"));
        }
        cmd.add(root.resolve("bin").resolve(tool).toString());
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Unpacks the archive for this machine into {@code workDir} unless already there; returns its root. */
    static Path unpack(Path workDir) throws IOException {
        String arch = System.getProperty("os.arch");
        byte[] archive;
        try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary("Linux",
                "amd64".equals(arch) ? "x86_64" : arch)) {
            archive = in.readAllBytes();
        }
        Path root = workDir.resolve("PG-" + HexFormat.of().formatHex(sha256(archive), 0, 8));
        if (Files.exists(root.resolve(".exists"))) {
            return root;
        }
        // Unpacked beside the target and renamed at the end, so a crash midway never leaves a half tree.
        Files.createDirectories(workDir);
        // Normalised as the entries' paths are: the default data directory "./data" would fail the check below.
        Path tmp = Files.createTempDirectory(workDir, "unpack-").toAbsolutePath().normalize();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new XZInputStream(new java.io.ByteArrayInputStream(archive)))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                Path target = tmp.resolve(e.getName()).normalize();
                if (!target.startsWith(tmp)) {
                    throw new IOException("Bad entry in the PostgreSQL archive: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                if (e.isSymbolicLink() || e.isLink()) {
                    Files.createSymbolicLink(target, Path.of(e.getLinkName()));
                } else {
                    Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                    if ((e.getMode() & 0100) != 0 || tmp.relativize(target).startsWith("bin")) {
                        target.toFile().setExecutable(true, false);
                    }
                }
            }
            Files.createFile(tmp.resolve(".exists"));
        }
        try {
            Files.move(tmp, root, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // Another server sharing the working directory unpacked it first, or a stale tree is in the way.
            if (!Files.exists(root.resolve(".exists"))) {
                throw e;
            }
        }
        return root;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
