package io.mote.dao.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The PostgreSQL binaries bundled on the class path (zonky's archives), unpacked once under a working
 * directory. Mote runs them itself rather than through zonky's launcher, which always starts the server
 * with fsync off, trusts every local connection and stops it from a JVM shutdown hook of its own.
 */
final class PgBinaries {

    /** PostgreSQL refuses to run as root; as root its tools run in a user namespace of their own. */
    private static final boolean AS_ROOT = "root".equals(System.getProperty("user.name"));

    /** Written last into a complete tree. */
    private static final String READY = ".exists";
    /** In a working directory: the archive's quick identity and the tree it unpacked to. */
    private static final String RECORD = "archive-id";

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

    /**
     * Run by the build: unpacks the archive into {@code args[0]}, the installation's tree that a first start
     * then links into its data directory instead of decompressing the archive again.
     */
    public static void main(String[] args) throws IOException {
        System.out.println("PostgreSQL binaries in " + unpack(Path.of(args[0]), null, true));
    }

    /**
     * The binaries for this machine under {@code workDir}, put there unless already there: linked (or
     * copied) from {@code installed} when the installation holds the same archive's tree, else unpacked
     * ({@code systemTar} false: in the JVM even where the system's tar could). Returns the tree's root.
     */
    static Path unpack(Path workDir, Path installed, boolean systemTar) throws IOException {
        PgArchive archive = PgArchive.forThisMachine();
        String id = archive.quickId();
        Path known = recorded(workDir, id);
        if (known != null) {
            return known;
        }
        Path prepared = recorded(installed, id);
        byte[] bytes = prepared == null ? archive.read() : null;
        Path root = workDir.resolve(prepared != null ? prepared.getFileName().toString() : PgArchive.treeName(bytes));
        if (!Files.exists(root.resolve(READY))) {
            // Unpacked beside the target and renamed at the end, so a crash midway never leaves a half tree.
            Files.createDirectories(workDir);
            // Normalised as the entries' paths are: the default "./data" would fail the archive's path check.
            Path tmp = Files.createTempDirectory(workDir, "unpack-").toAbsolutePath().normalize();
            if (prepared != null) {
                linkTree(prepared, tmp);
            } else {
                PgArchive.unpack(bytes, tmp, systemTar);
            }
            Files.createFile(tmp.resolve(READY));
            try {
                Files.move(tmp, root, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // Another server sharing the working directory unpacked it first, or a stale tree is in the way.
                if (!Files.exists(root.resolve(READY))) {
                    throw e;
                }
            }
        }
        record(workDir, id, root.getFileName().toString());
        return root;
    }

    /** The tree {@code dir}'s record names for the archive {@code id}, when it is complete; else null. */
    private static Path recorded(Path dir, String id) throws IOException {
        if (dir == null || id == null || !Files.isRegularFile(dir.resolve(RECORD))) {
            return null;
        }
        String[] line = Files.readString(dir.resolve(RECORD)).trim().split(" ");
        if (line.length != 2 || !line[0].equals(id) || !line[1].startsWith("PG-")) {
            return null;
        }
        Path tree = dir.resolve(line[1]);
        return Files.exists(tree.resolve(READY)) ? tree : null;
    }

    private static void record(Path dir, String id, String tree) throws IOException {
        if (id == null) {
            return;
        }
        Path tmp = dir.resolve(RECORD + ".tmp");
        Files.writeString(tmp, id + " " + tree + "\n");
        Files.move(tmp, dir.resolve(RECORD), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Recreates {@code from} in {@code to}: files as hard links (a few milliseconds for the thousand of
     * them, and the data directory keeps them when the installation goes), copies across file systems.
     */
    private static void linkTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path rel = from.relativize(p);
                Path target = to.resolve(rel.toString());
                if (rel.toString().equals(READY)) {
                    continue;
                }
                if (Files.isSymbolicLink(p)) {
                    Files.createSymbolicLink(target, Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    try {
                        Files.createLink(target, p);
                    } catch (IOException | UnsupportedOperationException e) {
                        Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
        }
    }

}
