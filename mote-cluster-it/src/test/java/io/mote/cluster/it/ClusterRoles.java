package io.mote.cluster.it;

import java.io.IOException;
import java.util.zip.ZipFile;

/**
 * Whether the built server jar carries the cluster module (roles {@code core} and {@code transport} over Kafka).
 * The topology tests run only then: without it, {@code mote.role} means nothing and every node would be a
 * whole single-process server.
 */
final class ClusterRoles {

    private ClusterRoles() {
    }

    static boolean built() {
        try (ZipFile jar = new ZipFile(Processes.built("mote.server.jar").toFile())) {
            return jar.stream().anyMatch(e -> e.getName().startsWith("BOOT-INF/lib/mote-cluster-"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
