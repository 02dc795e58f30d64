package io.mote.cluster;

import java.time.Duration;

/**
 * A node's cluster settings: {@code mote.kafka.*} and {@code mote.cluster.*}.
 *
 * @param nodeId           this node's id: names its own topic ({@code <prefix>node.<id>}) and its sessions' owner
 * @param requestTimeoutMs how long a request waits for its answer before failing with SERVICE_UNAVAILABLE
 * @param heartbeatMs      how often a transport node tells the cores it is alive
 * @param missedHeartbeats heartbeats a node may miss before the cores drop its sessions
 */
public record ClusterSettings(String bootstrapServers, int partitions, short replicationFactor, String topicPrefix,
                              String nodeId, long requestTimeoutMs, long heartbeatMs, int missedHeartbeats) {

    public ClusterSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("mote.kafka.bootstrap-servers must be set for the roles transport and core");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("mote.kafka.partitions must be at least 1");
        }
        if (nodeId == null || !nodeId.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException("mote.cluster.node-id may hold letters, digits, '.', '_' and '-' only");
        }
    }

    /** The partitioned topic every core consumes in one group: requests for devices, keyed by device. */
    public String coreTopic() {
        return topicPrefix + "core";
    }

    /** Every node reads all of it: cache invalidations, live updates, heartbeats, partition moves. */
    public String broadcastTopic() {
        return topicPrefix + "broadcast";
    }

    /** A node's own topic: answers to its requests and the session callbacks for its devices. */
    public String nodeTopic(String node) {
        return topicPrefix + "node." + node;
    }

    public String coreGroup() {
        return topicPrefix + "core";
    }

    public Duration requestTimeout() {
        return Duration.ofMillis(requestTimeoutMs);
    }
}
