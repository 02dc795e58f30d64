package io.mote.server.it.lwm2m;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback UDP relay standing in for a NAT: the client talks to {@link #port()}, the server sees the relay's
 * outbound socket, which {@link #rebind()} replaces (a new source port, the old one closed). Counts the DTLS
 * handshake records (content type 22, epoch 0) the client sends, so a test can tell a new handshake from a
 * kept session.
 */
final class UdpRelay implements AutoCloseable {

    private final InetSocketAddress target;
    private final DatagramSocket front;
    private volatile DatagramSocket back;
    private volatile SocketAddress client;
    final AtomicInteger clientHandshakeRecords = new AtomicInteger();

    UdpRelay(int targetPort) throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        target = new InetSocketAddress(lo, targetPort);
        front = new DatagramSocket(0, lo);
        back = new DatagramSocket(0, lo);
        Thread up = new Thread(this::clientToServer, "relay-up");
        up.setDaemon(true);
        up.start();
        startDown(back);
    }

    int port() {
        return front.getLocalPort();
    }

    void rebind() throws IOException {
        DatagramSocket old = back;
        DatagramSocket fresh = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        startDown(fresh);
        back = fresh;
        old.close();
    }

    private void startDown(DatagramSocket socket) {
        Thread down = new Thread(() -> serverToClient(socket), "relay-down");
        down.setDaemon(true);
        down.start();
    }

    private void clientToServer() {
        byte[] buf = new byte[4096];
        while (!front.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                front.receive(p);
                client = p.getSocketAddress();
                if (p.getLength() > 4 && buf[0] == 22 && buf[3] == 0 && buf[4] == 0) {
                    clientHandshakeRecords.incrementAndGet();
                }
                back.send(new DatagramPacket(buf, p.getLength(), target));
            } catch (IOException e) {
                if (front.isClosed()) {
                    return;
                }
            }
        }
    }

    private void serverToClient(DatagramSocket socket) {
        byte[] buf = new byte[4096];
        while (!socket.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                if (client != null) {
                    front.send(new DatagramPacket(buf, p.getLength(), client));
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        front.close();
        back.close();
    }
}
