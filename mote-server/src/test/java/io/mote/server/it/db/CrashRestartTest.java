package io.mote.server.it.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;

import io.mote.server.it.Api;

/**
 * A server in its own JVM under HTTP telemetry load is crashed in each way a machine can crash it, then
 * started again once: that one start must come up, and every data point acknowledged before any crash
 * must be stored. The crashes: the JVM killed with {@code kill -9}; the embedded PostgreSQL's postmaster
 * killed (the server starts it again by itself); both killed, leaving a {@code postmaster.pid} that names
 * a live process which is not PostgreSQL; the JVM and the postmaster's watchdog killed, leaving an
 * orphaned postmaster holding the data directory.
 */
// The embedded database is the subject: the run against an external PostgreSQL has nothing to add here.
@DisabledIfEnvironmentVariable(named = "MOTE_TEST_DB_URL", matches = ".+")
class CrashRestartTest {

    private ServerProcess server;

    @Test
    void everyCrashRestartsOnTheFirstTryAndKeepsWhatWasAcknowledged() throws Exception {
        Path dir = Files.createTempDirectory("mote-crash");
        server = ServerProcess.start(dir);
        String jwt = server.api().newTenant().authToken();
        AckedLoad load = new AckedLoad(tenant(jwt), 4, () -> server.baseUrl());
        try {
            load.start();
            awaitMoreAcks(load, 100);

            // 1. kill -9 of the JVM under load; before, its postmaster outlived it and the next start failed.
            server.kill9();
            server = ServerProcess.start(dir);
            awaitMoreAcks(load, 100);

            // 2. The postmaster killed: the running server starts it again, on its own.
            ProcessHandle pm = server.postmaster();
            pm.destroyForcibly();
            assertThat(pm.onExit().get(60, TimeUnit.SECONDS).isAlive()).isFalse();
            awaitMoreAcks(load, 100);
            assertThat(server.postmaster().pid()).isNotEqualTo(pm.pid());

            // 3. Both killed, and the stale postmaster.pid names a live process that is not PostgreSQL
            //    (a recycled pid), which PostgreSQL alone would take for a running server.
            pm = server.postmaster();
            pm.destroyForcibly();
            server.kill9();
            pm.onExit().get(60, TimeUnit.SECONDS);
            Path pidFile = dir.resolve("postgres/postmaster.pid");
            List<String> lines = new java.util.ArrayList<>(Files.readAllLines(pidFile));
            lines.set(0, Long.toString(ProcessHandle.current().pid()));
            Files.write(pidFile, lines);
            server = ServerProcess.start(dir);
            awaitMoreAcks(load, 100);

            // 4. The JVM and the watchdog tying the postmaster to it killed: the postmaster is an orphan.
            pm = server.postmaster();
            long orphan = pm.pid();
            server.handle().descendants()
                    .filter(p -> p.pid() != orphan && p.parent().map(pp -> pp.pid() != orphan).orElse(true))
                    .forEach(ProcessHandle::destroyForcibly);
            server.kill9();
            Thread.sleep(1000);
            assertThat(ServerProcess.alive(orphan)).as("orphaned postmaster").isPresent();
            server = ServerProcess.start(dir);
            assertThat(ServerProcess.alive(orphan)).as("orphaned postmaster after the start").isEmpty();
            awaitMoreAcks(load, 100);

            load.stop();
            long checked = load.assertAllStored(tenant(jwt));
            assertThat(checked).isGreaterThanOrEqualTo(500);
        } finally {
            load.close();
            server.close();
        }
    }

    private Api tenant(String jwt) {
        return server.api().withToken(jwt);
    }

    private void awaitMoreAcks(AckedLoad load, int more) throws InterruptedException {
        long target = load.acknowledged() + more;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (load.acknowledged() < target) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the server acknowledged no more telemetry: " + server.logTail());
            }
            Thread.sleep(100);
        }
    }
}
