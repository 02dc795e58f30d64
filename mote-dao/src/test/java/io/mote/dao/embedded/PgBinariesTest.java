package io.mote.dao.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The system's tar and the JVM's own unpacking give the same PostgreSQL tree, one that runs. */
class PgBinariesTest {

    @Test
    void systemTarAndTheJvmUnpackTheSameTree(@TempDir Path dir) throws Exception {
        Path tar = PgBinaries.unpack(dir.resolve("tar"), null, true);
        Path jvm = PgBinaries.unpack(dir.resolve("jvm"), null, false);
        assertThat(tar.getFileName()).isEqualTo(jvm.getFileName());
        Map<String, String> tarTree = describe(tar);
        assertThat(tarTree).hasSizeGreaterThan(1000).containsKey("bin/initdb").containsKey("bin/postgres");
        assertThat(tarTree).isEqualTo(describe(jvm));
        Process version = new ProcessBuilder(tar.resolve("bin/postgres").toString(), "--version")
                .redirectErrorStream(true).start();
        assertThat(new String(version.getInputStream().readAllBytes())).startsWith("postgres (PostgreSQL)");
        assertThat(version.waitFor()).isZero();
    }

    @Test
    void aSecondUnpackFindsTheFirst(@TempDir Path dir) throws Exception {
        Path first = PgBinaries.unpack(dir, null, true);
        Path marker = first.resolve(".exists");
        long stamp = Files.getLastModifiedTime(marker).toMillis();
        assertThat(PgBinaries.unpack(dir, null, true)).isEqualTo(first);
        assertThat(Files.getLastModifiedTime(marker).toMillis()).isEqualTo(stamp);
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(first.getFileName().toString(), "archive-id");
        }
        // The record a restart reads instead of the archive's 15 MB: the jar entry's CRC and size, the tree.
        assertThat(Files.readString(dir.resolve("archive-id")))
                .matches("crc32-[0-9a-f]+-[0-9]+ " + first.getFileName() + "\n");
    }

    @Test
    void aFirstStartLinksTheInstallationsTree(@TempDir Path dir) throws Exception {
        Path installed = PgBinaries.unpack(dir.resolve("install"), null, true);
        Path linked = PgBinaries.unpack(dir.resolve("data"), dir.resolve("install"), true);
        assertThat(linked.getFileName()).isEqualTo(installed.getFileName());
        assertThat(describe(linked)).isEqualTo(describe(installed));
        Path postgres = linked.resolve("bin/postgres");
        assertThat(fileKey(postgres)).isEqualTo(fileKey(installed.resolve("bin/postgres")));
        assertThat(Files.readString(dir.resolve("data/archive-id")))
                .isEqualTo(Files.readString(dir.resolve("install/archive-id")));
        // The installation going away (a clean build) leaves the data directory's binaries whole.
        deleteTree(dir.resolve("install"));
        assertThat(PgBinaries.unpack(dir.resolve("data"), dir.resolve("install"), true)).isEqualTo(linked);
        assertThat(Files.isExecutable(postgres)).isTrue();
        assertThat(Files.size(postgres)).isPositive();
    }

    private static Object fileKey(Path p) throws IOException {
        return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Every path below {@code root}: a file's size and whether it is executable, what a link resolves to. */
    private static Map<String, String> describe(Path root) throws IOException {
        Map<String, String> tree = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                String what = Files.isDirectory(p) ? "dir"
                        : Files.size(p) + (Files.isExecutable(p) ? " x" : " -");
                tree.put(root.relativize(p).toString(), what);
            }
        }
        return tree;
    }
}
