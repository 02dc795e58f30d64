package io.mote.fuzz;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Sends datagrams a window at a time and classifies the answers by the message ID they carry. Requests
 * the server makes of this peer (LwM2M reads, CoAP notifications) are reset, so it does not retry them.
 */
final class UdpWindow implements AutoCloseable {

    private final DatagramSocket socket;
    private final InetSocketAddress target;
    private final FuzzReport report;
    private final Map<Integer, String> pending = new HashMap<>();
    private final byte[] buffer = new byte[65536];

    UdpWindow(InetSocketAddress target, FuzzReport report) throws IOException {
        this.socket = new DatagramSocket(0, java.net.InetAddress.getLoopbackAddress());
        this.target = target;
        this.report = report;
    }

    void send(byte[] datagram, String description) throws IOException {
        if (datagram.length >= 4) {
            pending.put((datagram[2] & 0xff) << 8 | (datagram[3] & 0xff), description);
        }
        socket.send(new DatagramPacket(datagram, datagram.length, target));
        report.sent();
    }

    int pending() {
        return pending.size();
    }

    /** Reads answers until every datagram sent is answered or none came for {@code quietMs}. */
    void collect(int quietMs, Consumer<CoapCodec.Message> onAnswer) throws IOException {
        socket.setSoTimeout(quietMs);
        while (!pending.isEmpty()) {
            DatagramPacket p = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                break;
            }
            CoapCodec.Message m = CoapCodec.decode(p.getData(), p.getLength());
            if (m == null) {
                report.answer("unparsable answer");
                continue;
            }
            if (m.type() == CoapCodec.CON) {
                // The server asks something of this peer (an LwM2M read, a notification): refuse it, so it
                // gives up at once rather than retransmitting.
                reply(CoapCodec.RST, m.mid());
                if (m.isResponse()) {
                    classify(m, "notification or separate answer");
                }
                continue;
            }
            String input = pending.remove(m.mid());
            if (input == null) {
                if (m.isResponse()) {
                    classify(m, "answer to an earlier input");
                }
                continue;
            }
            if (m.code() == 0) {
                report.answer(m.type() == CoapCodec.RST ? "RST" : "empty ACK");
            } else {
                classify(m, input);
                onAnswer.accept(m);
            }
        }
        pending.forEach((mid, input) -> report.answer("no answer"));
        pending.clear();
    }

    private void classify(CoapCodec.Message m, String input) {
        int cls = m.code() >> 5;
        if (cls == 5) {
            report.serverError(m.codeText(), input);
        } else {
            report.answer(cls + ".xx");
        }
    }

    private void reply(int type, int mid) throws IOException {
        byte[] b = CoapCodec.encode(type, 0, mid, new byte[0], List.of(), null);
        socket.send(new DatagramPacket(b, b.length, target));
    }

    @Override
    public void close() {
        socket.close();
    }
}
