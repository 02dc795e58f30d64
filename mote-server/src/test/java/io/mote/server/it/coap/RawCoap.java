package io.mote.server.it.coap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A CoAP client written out byte by byte over a plain UDP socket, for what a well-behaved library will not
 * do: keep quiet when a confirmable notification arrives, or register twice from the same address.
 */
final class RawCoap implements AutoCloseable {

    static final int CON = 0;
    static final int NON = 1;
    static final int ACK = 2;
    static final int RST = 3;

    /** A parsed message: its type, code ({@code class * 32 + detail}), message id, token, Observe (-1: none) and payload. */
    record Message(int type, int code, int mid, byte[] token, int observe, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private final DatagramSocket socket;
    private final int port;
    private int nextMid = 1;

    RawCoap(int port) throws IOException {
        this.port = port;
        this.socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    }

    /** Sends a confirmable GET with Observe 0 for {@code path} ("/api/v1/..."); answers the message id. */
    int observe(String path, byte[] token) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int mid = nextMid++;
        out.write(0x40 | token.length);
        out.write(0x01); // GET
        out.write(mid >> 8);
        out.write(mid & 0xFF);
        out.write(token);
        option(out, 6, 0, new byte[0]); // Observe: 0 (empty value)
        int last = 6;
        for (String segment : path.substring(1).split("/")) {
            option(out, 11, last, segment.getBytes(StandardCharsets.UTF_8));
            last = 11;
        }
        send(out.toByteArray());
        return mid;
    }

    /** Acknowledges a confirmable message. */
    void ack(Message m) throws IOException {
        send(new byte[] {(byte) 0x60, 0, (byte) (m.mid >> 8), (byte) m.mid});
    }

    private static void option(ByteArrayOutputStream out, int number, int previous, byte[] value) {
        int delta = number - previous;
        int len = value.length;
        int lenNibble = len < 13 ? len : 13;
        out.write((delta << 4) | lenNibble);
        if (len >= 13) {
            if (len >= 269) {
                throw new IllegalArgumentException("option too long");
            }
            out.write(len - 13);
        }
        out.write(value, 0, len);
    }

    private void send(byte[] datagram) throws IOException {
        socket.send(new DatagramPacket(datagram, datagram.length, InetAddress.getLoopbackAddress(), port));
    }

    /** The next message within {@code timeoutMs}, or null. */
    Message receive(long timeoutMs) throws IOException {
        socket.setSoTimeout((int) Math.max(1, timeoutMs));
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return parse(Arrays.copyOf(buf, p.getLength()));
    }

    static Message parse(byte[] b) {
        int type = (b[0] >> 4) & 0x3;
        int tkl = b[0] & 0x0F;
        int code = b[1] & 0xFF;
        int mid = ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
        byte[] token = Arrays.copyOfRange(b, 4, 4 + tkl);
        int i = 4 + tkl;
        int number = 0;
        int observe = -1;
        while (i < b.length && (b[i] & 0xFF) != 0xFF) {
            int delta = (b[i] >> 4) & 0x0F;
            int len = b[i] & 0x0F;
            i++;
            if (delta == 13) {
                delta = (b[i++] & 0xFF) + 13;
            } else if (delta == 14) {
                delta = (((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF)) + 269;
                i += 2;
            }
            if (len == 13) {
                len = (b[i++] & 0xFF) + 13;
            } else if (len == 14) {
                len = (((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF)) + 269;
                i += 2;
            }
            number += delta;
            if (number == 6) {
                observe = 0;
                for (int k = 0; k < len; k++) {
                    observe = (observe << 8) | (b[i + k] & 0xFF);
                }
            }
            i += len;
        }
        byte[] payload = i < b.length ? Arrays.copyOfRange(b, i + 1, b.length) : new byte[0];
        return new Message(type, code, mid, token, observe, payload);
    }

    @Override
    public void close() {
        socket.close();
    }
}
