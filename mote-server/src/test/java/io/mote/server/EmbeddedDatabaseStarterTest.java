package io.mote.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a start finds the PostgreSQL tree the build unpacked into the extracted layout. */
class EmbeddedDatabaseStarterTest {

    @Test
    void theTreeBesideTheServersJar(@TempDir Path dir) throws Exception {
        Path jar = Files.createFile(dir.resolve("mote-server.jar"));
        assertThat(EmbeddedDatabaseStarter.installedBinaries(jar)).isNull();
        Path tree = Files.createDirectory(dir.resolve("postgres-bin"));
        assertThat(EmbeddedDatabaseStarter.installedBinaries(jar)).isEqualTo(tree);
    }

    @Test
    void noneForClassesInADirectory(@TempDir Path dir) throws Exception {
        Path classes = Files.createDirectory(dir.resolve("classes"));
        Files.createDirectory(dir.resolve("postgres-bin"));
        assertThat(EmbeddedDatabaseStarter.installedBinaries(classes)).isNull();
        // As the tests run: from target/classes, nothing beside it.
        assertThat(EmbeddedDatabaseStarter.installedBinaries()).isNull();
    }
}
