package io.mote.cluster.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Free loopback ports for the processes of a cluster, never the same one twice in this JVM. */
final class Ports {

    private static final Set<Integer> GIVEN = new HashSet<>();

    private Ports() {
    }

    static synchronized int tcp() {
        for (int i = 0; i < 50; i++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (GIVEN.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free TCP port");
    }

    /** A port free for UDP (and for TCP too: CoAP and LwM2M bind UDP only, but the HTTP server may not share). */
    static synchronized int udp() {
        for (int i = 0; i < 50; i++) {
            try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                if (GIVEN.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free UDP port");
    }
}
