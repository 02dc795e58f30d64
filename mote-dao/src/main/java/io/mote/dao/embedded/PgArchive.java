package io.mote.dao.embedded;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;

/**
 * The PostgreSQL archive for this machine on the class path (zonky's {@code postgres-linux-<arch>.txz}): a
 * cheap identity read from its jar's directory, and its unpacking.
 */
final class PgArchive {

    private final String arch;
    private final URL url;

    private PgArchive(String arch, URL url) {
        this.arch = arch;
        this.url = url;
    }

    static PgArchive forThisMachine() {
        String os = System.getProperty("os.arch");
        String arch = "amd64".equals(os) ? "x86_64" : os;
        ClassLoader cl = PgArchive.class.getClassLoader();
        return new PgArchive(arch, cl == null ? null : cl.getResource("postgres-linux-" + arch + ".txz"));
    }

    /**
     * The archive's CRC-32 and size as its jar's central directory records them, known without reading the
     * 15 MB it holds; null when the archive is not a jar's entry (then only its bytes identify it).
     */
    String quickId() {
        if (url == null || !"jar".equals(url.getProtocol())) {
            return null;
        }
        try {
            URLConnection c = url.openConnection();
            if (c instanceof JarURLConnection jar) {
                JarEntry e = jar.getJarEntry();
                if (e != null && e.getCrc() >= 0 && e.getSize() >= 0) {
                    return "crc32-" + Long.toHexString(e.getCrc()) + "-" + e.getSize();
                }
            }
        } catch (IOException e) {
            // No cheap identity: the caller reads the archive.
        }
        return null;
    }

    byte[] read() throws IOException {
        try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary("Linux", arch)) {
            return in.readAllBytes();
        }
    }

    /** The name of the tree {@code archive} unpacks to: a prefix of its SHA-256. */
    static String treeName(byte[] archive) {
        try {
            return "PG-" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(archive), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Unpacks {@code archive} into the empty directory {@code dir}, with the system's tar where it can. */
    static void unpack(byte[] archive, Path dir, boolean systemTar) throws IOException {
        if (!systemTar || !unpackWithTar(archive, dir)) {
            unpackInJava(archive, dir);
        }
    }

    /**
     * The system's {@code tar} and {@code xz}, when both are there: three times quicker than
     * decompressing in the JVM, whose still cold code a first start would run beside the context's.
     */
    private static boolean unpackWithTar(byte[] archive, Path dir) throws IOException {
        if (!onPath("tar") || !onPath("xz")) {
            return false;
        }
        Process p = new ProcessBuilder("tar", "-xJf", "-", "-C", dir.toString(), "--no-same-owner")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(archive);
        } catch (IOException e) {
            // tar gave up early; its exit value says so below.
        }
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            } else if (p.exitValue() == 0) {
                return true;
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while unpacking PostgreSQL", e);
        }
        // Whatever tar left is replaced by the JVM's own unpacking.
        PgCluster.deleteTree(dir);
        Files.createDirectories(dir);
        return false;
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    private static void unpackInJava(byte[] archive, Path tmp) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new XZInputStream(new ByteArrayInputStream(archive)))) {
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
        }
    }
}
