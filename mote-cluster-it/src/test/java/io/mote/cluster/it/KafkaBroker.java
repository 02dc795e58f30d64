package io.mote.cluster.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * An Apache Kafka broker in its own JVM, KRaft combined mode (broker and controller in one process) on free
 * loopback ports, its storage formatted in a directory of its own. One broker serves every cluster test of
 * the JVM (each topology has its own topic prefix); {@link #stop()} and {@link #start()} take it away and
 * bring it back on the same ports and data, for the "Kafka unreachable" fault.
 */
final class KafkaBroker implements AutoCloseable {

    private static KafkaBroker shared;

    private final Path dir;
    private final Path properties;
    private final Path log;
    private final int port;
    private Process process;

    private KafkaBroker(Path dir) throws IOException {
        this.dir = dir;
        this.port = Ports.tcp();
        int controllerPort = Ports.tcp();
        this.properties = dir.resolve("server.properties");
        this.log = dir.resolve("broker.log");
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(properties, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                // One broker: the internal topics cannot have more replicas than that.
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                // Consumer groups form at once rather than waiting for more members (the default waits 3 s).
                "group.initial.rebalance.delay.ms=0",
                "num.partitions=1",
                "auto.create.topics.enable=false",
                "") );
        Processes.run(List.of(Processes.java(), "-Xmx256m", "-cp", jar(), "kafka.tools.StorageTool", "format",
                "--cluster-id", Uuid.randomUuid().toString(), "--config", properties.toString(), "--ignore-formatted"),
                dir.resolve("format.log"));
    }

    /** The JVM's broker, started on first use and killed when the JVM exits. */
    static synchronized KafkaBroker shared() {
        if (shared == null) {
            try {
                Path dir = Files.createTempDirectory(Processes.runDir(), "kafka-");
                shared = new KafkaBroker(dir);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            shared.start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    private static String jar() {
        return Processes.built("mote.kafka.jar").toString();
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Starts the broker (again) and returns once it answers a describe-cluster. */
    synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        process = Processes.start(List.of(Processes.java(), "-Xmx512m", "-XX:+UseSerialGC",
                "-Dlog4j2.level=WARN", "-cp", jar(), "kafka.Kafka", properties.toString()), log);
        awaitReady();
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000))) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Kafka broker exited:\n" + Processes.tail(log));
                }
                try {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception notYet) {
                    // not listening yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Kafka broker not ready in 120 s:\n" + Processes.tail(log));
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the broker gracefully: clients see it unreachable until {@link #start()}. */
    synchronized void stop() {
        Processes.stop(process, 60);
    }

    boolean running() {
        return process != null && process.isAlive();
    }

    Path dir() {
        return dir;
    }

    @Override
    public synchronized void close() {
        Processes.kill(process);
    }
}
