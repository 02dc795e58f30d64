package io.mote.cluster.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import io.mote.server.it.Api;

/**
 * A topology of Mote nodes on the JVM's Kafka broker: {@code cores} core nodes on one fresh database and
 * {@code transports} transport nodes, each topology with topics of its own (its own prefix). The first core
 * starts alone (it migrates the database and creates the first accounts), the other nodes then together.
 */
final class Cluster implements AutoCloseable {

    private final Path dir;
    private final List<MoteNode> cores = new ArrayList<>();
    private final List<MoteNode> transports = new ArrayList<>();

    private Cluster(Path dir) {
        this.dir = dir;
    }

    static Cluster start(String name, int cores, int transports, String... extraArgs) {
        KafkaBroker kafka = KafkaBroker.shared();
        String id = name.toLowerCase(Locale.ROOT) + "_" + UUID.randomUUID().toString().substring(0, 8);
        Path dir;
        try {
            dir = Files.createDirectories(Processes.runDir().resolve(id));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        ClusterDatabase.Db db = ClusterDatabase.fresh(id);
        Cluster c = new Cluster(dir);
        String prefix = "mote." + id + ".";
        for (int i = 1; i <= cores; i++) {
            c.cores.add(new MoteNode("core" + i, MoteNode.Role.CORE, dir, kafka.bootstrapServers(), prefix, db, List.of(extraArgs)));
        }
        for (int i = 1; i <= transports; i++) {
            c.transports.add(new MoteNode("transport" + i, MoteNode.Role.TRANSPORT, dir, kafka.bootstrapServers(), prefix, db,
                    List.of(extraArgs)));
        }
        try {
            c.cores.get(0).start().awaitReady();
            List<MoteNode> rest = new ArrayList<>(c.cores.subList(1, c.cores.size()));
            rest.addAll(c.transports);
            rest.forEach(MoteNode::start);
            CompletableFuture.allOf(rest.stream().map(n -> CompletableFuture.runAsync(n::awaitReady))
                    .toArray(CompletableFuture[]::new)).join();
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    MoteNode core(int i) {
        return cores.get(i - 1);
    }

    MoteNode transport(int i) {
        return transports.get(i - 1);
    }

    List<MoteNode> cores() {
        return cores;
    }

    List<MoteNode> transports() {
        return transports;
    }

    /** The REST client of core {@code i} (1-based), not logged in. */
    Api api(int i) {
        return core(i).api();
    }

    KafkaBroker kafka() {
        return KafkaBroker.shared();
    }

    Path dir() {
        return dir;
    }

    @Override
    public void close() {
        transports.forEach(MoteNode::close);
        cores.forEach(MoteNode::close);
    }
}
