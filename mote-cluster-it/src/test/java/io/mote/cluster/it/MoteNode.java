package io.mote.cluster.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.mote.server.it.Api;
import io.mote.server.it.TestServer;

/**
 * One Mote process started from the built jar in a role ({@code core} or {@code transport}), every listener on
 * a port chosen here so the test knows it, output appended to {@code <name>.log} in the topology's directory.
 * {@link #kill()} is {@code kill -9}; {@link #start()} after it starts the same node (same ports, id) again.
 */
final class MoteNode implements AutoCloseable {

    enum Role { CORE, TRANSPORT }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Role role;
    private final Path dir;
    private final Path log;
    private final List<String> args;
    private final int httpPort;
    private final int mqttPort;
    private final int lwm2mPort;
    private final int coapPort;
    private Process process;

    MoteNode(String name, Role role, Path topologyDir, String kafka, String topicPrefix, ClusterDatabase.Db db,
            List<String> extraArgs) {
        this.name = name;
        this.role = role;
        this.dir = topologyDir.resolve(name);
        this.log = topologyDir.resolve(name + ".log");
        this.httpPort = Ports.tcp();
        boolean transport = role == Role.TRANSPORT;
        this.mqttPort = transport ? Ports.tcp() : 0;
        this.lwm2mPort = transport ? Ports.udp() : 0;
        this.coapPort = transport ? Ports.udp() : 0;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        args = new ArrayList<>(List.of(
                "--mote.role=" + role.name().toLowerCase(),
                "--mote.cluster.node-id=" + name,
                "--mote.kafka.bootstrap-servers=" + kafka,
                "--mote.kafka.topic-prefix=" + topicPrefix,
                "--mote.data-dir=" + dir,
                "--server.port=" + httpPort,
                "--mote.transport.mqtt.port=" + mqttPort,
                "--mote.transport.mqtt.ssl-port=0",
                "--mote.transport.lwm2m.port=" + lwm2mPort,
                "--mote.transport.lwm2m.secure-port=0",
                "--mote.transport.lwm2m.bootstrap.port=0",
                "--mote.transport.lwm2m.bootstrap.secure-port=0",
                "--mote.transport.lwm2m.advertised-host=127.0.0.1",
                "--mote.transport.lwm2m.awake-time=2000",
                "--mote.transport.coap.port=" + coapPort,
                "--mote.transport.coap.dtls-port=0",
                "--mote.transport.snmp.trap-port=0",
                "--mote.transport.snmp.bind-address=127.0.0.1",
                "--mote.state.flush-interval=500",
                "--logging.level.root=WARN",
                "--logging.level.io.mote=INFO"));
        if (!transport) {
            args.add("--mote.db.url=" + db.url());
            args.add("--mote.db.username=" + db.username());
            args.add("--mote.db.password=" + db.password());
            args.add("--mote.sysadmin.password=" + TestServer.SYSADMIN_PASSWORD);
            args.add("--mote.tenant.password=" + TestServer.TENANT_PASSWORD);
        }
        for (String extra : extraArgs) {
            String key = extra.contains("=") ? extra.substring(0, extra.indexOf('=') + 1) : extra;
            args.removeIf(a -> a.startsWith(key));
            args.add(extra);
        }
    }

    /** Starts the process; {@link #awaitReady()} waits until it serves. */
    synchronized MoteNode start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is running");
        }
        List<String> command = new ArrayList<>(List.of(Processes.java(), "-Xmx384m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-jar", Processes.built("mote.server.jar").toString()));
        command.addAll(args);
        process = Processes.start(command, log);
        return this;
    }

    /**
     * Waits until the node serves: a core answers a REST login; a transport node's MQTT port accepts a
     * connection and its HTTP port answers the actuator health.
     */
    MoteNode awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + Processes.tail(log));
            }
            if (role == Role.CORE ? loginWorks() : transportListening()) {
                return this;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " not ready in 600 s:\n" + Processes.tail(log));
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private boolean loginWorks() {
        try {
            return new Api(baseUrl()).sysadmin() != null;
        } catch (RuntimeException | AssertionError notYet) {
            return false;
        }
    }

    private boolean transportListening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", mqttPort), 1000);
        } catch (IOException notYet) {
            return false;
        }
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health"))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException notYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code kill -9}. */
    synchronized void kill() {
        Processes.kill(process);
    }

    /** A graceful stop (SIGTERM: Spring's graceful shutdown). */
    synchronized void stop() {
        Processes.stop(process, 60);
    }

    boolean running() {
        return process != null && process.isAlive();
    }

    String name() {
        return name;
    }

    Role role() {
        return role;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** An anonymous REST (core) or HTTP device API (transport) client of this node. */
    Api api() {
        return new Api(baseUrl());
    }

    int httpPort() {
        return httpPort;
    }

    int mqttPort() {
        return mqttPort;
    }

    int lwm2mPort() {
        return lwm2mPort;
    }

    int coapPort() {
        return coapPort;
    }

    Path log() {
        return log;
    }

    @Override
    public void close() {
        kill();
    }
}
