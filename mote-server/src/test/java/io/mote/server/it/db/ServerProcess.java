package io.mote.server.it.db;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.mote.server.MoteApplication;
import io.mote.server.it.Api;
import io.mote.server.it.TestServer;

/**
 * A Mote server in a JVM of its own (the test's class path, {@link MoteApplication}'s main), so a test can
 * kill it with {@code kill -9}, kill its embedded PostgreSQL, or stop it with SIGTERM, and start it again on
 * the same data directory. Output goes to {@code server.log} in the data directory.
 */
final class ServerProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Path dataDir;
    private final int port;
    private final Process process;

    private ServerProcess(Path dataDir, int port, Process process) {
        this.dataDir = dataDir;
        this.port = port;
        this.process = process;
    }

    /** Starts a server on the data directory and waits (up to a generous deadline) until it is ready. */
    static ServerProcess start(Path dataDir, String... extraArgs) throws Exception {
        int port = freePort();
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), MoteApplication.class.getName(),
                "--server.port=" + port,
                "--mote.data-dir=" + dataDir.toAbsolutePath(),
                "--mote.sysadmin.password=" + TestServer.SYSADMIN_PASSWORD,
                "--mote.tenant.password=" + TestServer.TENANT_PASSWORD,
                "--mote.transport.mqtt.port=0", "--mote.transport.mqtt.ssl.enabled=false",
                "--mote.transport.coap.enabled=false", "--mote.transport.lwm2m.enabled=false",
                // a free trap port: another test JVM may be running a server at the same time
                "--mote.transport.snmp.trap-port=0",
                "--logging.level.root=WARN", "--logging.level.io.mote=INFO"));
        // An extra argument replaces the default of the same property (Spring would join both with a comma).
        for (String extra : extraArgs) {
            String key = extra.substring(0, extra.indexOf('=') + 1);
            cmd.removeIf(a -> a.startsWith(key));
        }
        cmd.addAll(List.of(extraArgs));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("server.log").toFile())).start();
        ServerProcess s = new ServerProcess(dataDir, port, p);
        s.awaitReady();
        return s;
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("server exited with " + process.exitValue() + " before it was ready: "
                        + logTail());
            }
            if (healthy()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("server not ready after 5 minutes: " + logTail());
    }

    boolean healthy() {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    Api api() {
        return new Api(baseUrl());
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    /** The embedded PostgreSQL's postmaster, from its pid file. */
    ProcessHandle postmaster() throws IOException {
        String first = Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).get(0).trim();
        return ProcessHandle.of(Long.parseLong(first)).orElseThrow();
    }

    /** kill -9 of the server's JVM. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(60, TimeUnit.SECONDS);
    }

    /** SIGTERM, then waits for the process to end; returns how long the stop took (ms). */
    long terminate() throws InterruptedException {
        long t0 = System.nanoTime();
        process.destroy();
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("server did not stop within 3 minutes of SIGTERM");
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    Path log() {
        return dataDir.resolve("server.log");
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return e.toString();
        }
    }

    static Optional<ProcessHandle> alive(long pid) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            terminate();
        }
    }
}
