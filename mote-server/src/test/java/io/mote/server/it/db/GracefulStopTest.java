package io.mote.server.it.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;

/**
 * SIGTERM under load: the transports stop first, then the core's writers and flushers, then the database.
 * Every acknowledged data point is stored, and the stop logs no warning or error (before, PostgreSQL was
 * stopped first and Hikari's "connection has been closed" warnings and "Device state flush failed"
 * followed for about 30 s).
 */
// The embedded database is the subject: the run against an external PostgreSQL has nothing to add here.
@DisabledIfEnvironmentVariable(named = "MOTE_TEST_DB_URL", matches = ".+")
class GracefulStopTest {

    @Test
    void sigtermUnderLoadLosesNothingAcknowledgedAndStopsQuietly() throws Exception {
        Path dir = Files.createTempDirectory("mote-stop");
        ServerProcess[] server = {ServerProcess.start(dir, "--mote.state.flush-interval=200")};
        String jwt = server[0].api().newTenant().authToken();
        AckedLoad load = new AckedLoad(server[0].api().withToken(jwt), 4, () -> server[0].baseUrl());
        try {
            load.start();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (load.acknowledged() < 300 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(load.acknowledged()).isGreaterThanOrEqualTo(300);
            long logLines = Files.readAllLines(server[0].log()).size();
            long stopMs = server[0].terminate();
            System.out.println("graceful stop under load took " + stopMs + " ms");
            load.stop();
            List<String> lines = Files.readAllLines(server[0].log());
            List<String> shutdownNoise = lines.subList((int) logLines, lines.size()).stream()
                    .filter(l -> l.contains(" WARN ") || l.contains(" ERROR ") || l.contains("Exception")).toList();
            assertThat(shutdownNoise).as("warnings and errors logged while stopping").isEmpty();

            server[0] = ServerProcess.start(dir);
            assertThat(load.assertAllStored(server[0].api().withToken(jwt))).isGreaterThanOrEqualTo(300);
        } finally {
            load.close();
            server[0].close();
        }
    }
}
