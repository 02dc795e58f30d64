package io.mote.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * MQTT 3.1.1 and 5 inputs over raw TCP: damaged CONNECTs on fresh connections, and on connections of a
 * device (and of a gateway) PUBLISHes on every device API topic with mutated payloads, SUBSCRIBEs with odd
 * filters and options, and well-formed packets damaged byte by byte. After each input a PINGREQ marks the
 * end of the answers; the answers are classified, server-side failures (CONNACK "server unavailable",
 * reason codes 0x80 and 0x83) counted as errors.
 */
public final class MqttFuzzer {

    private static final String[] TOPICS = {"v1/devices/me/telemetry", "v1/devices/me/attributes",
            "v1/devices/me/attributes/request/1", "v1/devices/me/attributes/request/x", "v1/devices/me/rpc/response/1",
            "v1/devices/me/rpc/response/x", "v1/devices/me/rpc/request/1", "v1/devices/me/claim", "v1/gateway/connect",
            "v1/gateway/disconnect", "v1/gateway/telemetry", "v1/gateway/attributes", "v1/gateway/attributes/request",
            "v1/gateway/rpc", "v1/gateway/claim", "v2/fw/request/1/chunk/0", "v2/fw/request/x/chunk/y",
            "v2/sw/request/1/chunk/0", "v2/t", "v2/a", "/provision/request", "v1/devices/me/x", "#", "", "a/+/b"};
    private static final String[] FILTERS = {"v1/devices/me/attributes", "v1/devices/me/rpc/request/+",
            "v1/devices/me/attributes/response/+", "v1/gateway/rpc", "#", "+/+", "v1/#/x", "a+", "", "v2/fw/response/+/chunk/+",
            "$SYS/#", "v1/devices/me/rpc/response/+"};

    private final InetSocketAddress target;
    private final String token;
    private final String gatewayToken;

    public MqttFuzzer(InetSocketAddress target, String token, String gatewayToken) {
        this.target = target;
        this.token = token;
        this.gatewayToken = gatewayToken;
    }

    /** One TCP connection and what it negotiated. */
    private final class Connection implements AutoCloseable {
        final Socket socket;
        final OutputStream out;
        final InputStream in;
        final boolean v5;
        boolean open = true;

        Connection(boolean v5) throws IOException {
            this.v5 = v5;
            socket = new Socket();
            socket.connect(target, 10_000);
            socket.setSoTimeout(2_000);
            socket.setTcpNoDelay(true);
            out = socket.getOutputStream();
            in = socket.getInputStream();
        }

        @Override
        public void close() {
            open = false;
            try {
                socket.close();
            } catch (IOException e) {
                // gone already
            }
        }
    }

    public FuzzReport run(long seed, int count) throws IOException {
        return run(seed, count, 1);
    }

    /** {@code count} inputs over {@code parallel} connections at once, each worker from its own sub-seed. */
    public FuzzReport run(long seed, int count, int parallel) throws IOException {
        FuzzReport report = new FuzzReport("mqtt");
        Workers.run(seed, count, parallel, (k, subSeed, share) -> worker(k, subSeed, share, report));
        report.finish();
        return report;
    }

    private void worker(int worker, long seed, int count, FuzzReport report) throws IOException {
        Mutator m = new Mutator(seed);
        // Client ids of their own per worker: a shared one would take the other worker's session over.
        String prefix = worker == 0 ? "fuzz-" : "fuzz-w" + worker + "-";
        Connection c = null;
        int packetId = 1;
        try {
            for (int i = 0; i < count; i++) {
                String name = "seed " + seed + " input " + i;
                if (m.nextInt(7) == 0) {
                    // A damaged CONNECT on a connection of its own.
                    boolean v5 = m.nextInt(2) == 0;
                    byte[] connect = m.mutate(connect(v5, m.pick(new String[] {token, gatewayToken, m.token()}),
                            prefix + m.nextInt(100), m), 4096);
                    try (Connection fresh = new Connection(v5)) {
                        // A CONNECT asking for a tiny maximum packet size gets no answer at all: do not wait long.
                        fresh.socket.setSoTimeout(1_000);
                        exchange(fresh, connect, name + ": " + FuzzReport.show(connect), Input.of(connect, true), report, true);
                    }
                    continue;
                }
                if (c == null || !c.open) {
                    if (c != null) {
                        c.close();
                    }
                    c = open(m.nextInt(2) == 0, m.nextInt(3) == 0 ? gatewayToken : token, prefix, m, report);
                    if (c == null) {
                        continue;
                    }
                }
                packetId = packetId % 65535 + 1;
                int kind = m.nextInt(10);
                byte[] input = switch (kind) {
                    case 0, 1 -> reframed(publish(c.v5, m.pick(TOPICS), 1, packetId, m.json().getBytes(StandardCharsets.UTF_8)), m);
                    case 2 -> subscribe(c.v5, packetId, m);
                    case 3 -> reframed(subscribe(c.v5, packetId, m), m);
                    default -> publish(c.v5, m.nextInt(10) == 0 ? m.token() : m.pick(TOPICS), m.nextInt(2), packetId,
                            m.json().getBytes(StandardCharsets.UTF_8));
                };
                exchange(c, input, name + ": " + FuzzReport.show(input), Input.of(input, kind <= 1 || kind == 3), report, false);
            }
        } finally {
            if (c != null) {
                c.close();
            }
        }
    }

    /**
     * What the fuzzer knows of an input it sent: its packet type, whether it was damaged, and the packet
     * id whose acknowledgement must come (a QoS 1 or 2 PUBLISH as framed; -1 for none). Acknowledgements
     * are asynchronous (the server answers PINGREQ at once, a PUBACK once the data is stored), so for
     * such a PUBLISH the PUBACK, not the PINGRESP, ends the input's answers.
     */
    record Input(int type, boolean damaged, int awaitedAck) {

        static Input of(byte[] packet, boolean damaged) {
            int first = packet[0] & 0xff;
            int type = first >> 4;
            int qos = (first >> 1) & 3;
            int ack = -1;
            if (type == 3 && (qos == 1 || qos == 2)) {
                int i = 1;
                while (i < packet.length && (packet[i] & 0x80) != 0) {
                    i++;
                }
                int at = i + 1;
                if (at + 2 <= packet.length) {
                    int topicLength = (packet[at] & 0xff) << 8 | (packet[at + 1] & 0xff);
                    int id = at + 2 + topicLength;
                    if (id + 2 <= packet.length) {
                        ack = (packet[id] & 0xff) << 8 | (packet[id + 1] & 0xff);
                    }
                }
            }
            return new Input(type, damaged, ack);
        }

        String describe() {
            String[] names = {"type 0", "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC", "PUBREL", "PUBCOMP",
                    "SUBSCRIBE", "SUBACK", "UNSUBSCRIBE", "UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT", "AUTH"};
            return names[type] + (damaged ? " damaged" : "");
        }
    }

    private Connection open(boolean v5, String user, String prefix, Mutator m, FuzzReport report) throws IOException {
        Connection c = new Connection(v5);
        c.out.write(connect(v5, user, prefix + m.nextInt(1_000_000), null));
        c.out.flush();
        try {
            int[] header = new int[1];
            byte[] body = read(c.in, header);
            if (header[0] >> 4 == 2 && body.length >= 2 && body[1] == 0) {
                return c;
            }
            report.answer("CONNACK refused " + (body.length >= 2 ? body[1] : -1));
        } catch (IOException e) {
            report.answer("closed before CONNACK");
        }
        c.close();
        return null;
    }

    /**
     * Sends the input and a PINGREQ, then classifies everything that comes back until PINGRESP (and, for a
     * PUBLISH that asks for one, its acknowledgement) or the close.
     */
    private void exchange(Connection c, byte[] input, String name, Input what, FuzzReport report, boolean last) {
        report.sent();
        try {
            c.out.write(input);
            c.out.write(new byte[] {(byte) 0xc0, 0});
            c.out.flush();
            if (last) {
                // A damaged CONNECT may announce more bytes than it has: the end of the stream tells the server.
                c.socket.shutdownOutput();
            }
        } catch (IOException e) {
            report.answer("closed");
            c.open = false;
            return;
        }
        boolean pong = false;
        boolean acked = what.awaitedAck() < 0;
        boolean answered = false;
        try {
            while (!(pong && acked)) {
                int[] header = new int[1];
                byte[] body = read(c.in, header);
                int type = header[0] >> 4;
                if (type == 13) {
                    pong = true; // PINGRESP: every synchronous answer to the input came before it
                    continue;
                }
                if ((type == 4 || type == 5) && body.length >= 2
                        && ((body[0] & 0xff) << 8 | (body[1] & 0xff)) == what.awaitedAck()) {
                    acked = true;
                }
                answered = true;
                classify(c.v5, type, body, name, report);
                if (type == 14) {
                    c.close();
                    return;
                }
            }
            if (!answered) {
                // The server handled the input (its PINGRESP came) and said nothing: what MQTT prescribes for
                // a QoS 0 PUBLISH it accepted.
                report.answer("handled, no answer: " + what.describe());
            }
        } catch (SocketTimeoutException e) {
            report.answer("no answer: " + what.describe() + (pong ? ", PINGRESP but no acknowledgement" : ", no PINGRESP"));
            c.close();
        } catch (IOException e) {
            report.answer(answered ? "closed after the answer" : "closed");
            c.open = false;
        }
    }

    private static void classify(boolean v5, int type, byte[] body, String name, FuzzReport report) {
        switch (type) {
            case 2 -> { // CONNACK
                int rc = body.length >= 2 ? body[1] & 0xff : -1;
                if (!v5 && rc == 3 || v5 && (rc == 0x80 || rc == 0x83 || rc == 0x88 || rc == 0x89)) {
                    report.serverError("CONNACK " + rc, name);
                } else {
                    report.answer("CONNACK " + rc);
                }
            }
            case 4, 5 -> { // PUBACK, PUBREC
                int rc = v5 && body.length >= 3 ? body[2] & 0xff : 0;
                reason(type == 4 ? "PUBACK" : "PUBREC", rc, name, report);
            }
            case 9 -> report.answer("SUBACK"); // failures there are the client's filters
            case 11 -> report.answer("UNSUBACK");
            case 14 -> reason("DISCONNECT", body.length >= 1 ? body[0] & 0xff : 0, name, report);
            case 3 -> report.answer("PUBLISH to the device");
            default -> report.answer("packet type " + type);
        }
    }

    private static void reason(String packet, int rc, String name, FuzzReport report) {
        if (rc == 0x80 || rc == 0x83) {
            report.serverError(packet + " 0x" + Integer.toHexString(rc), name);
        } else {
            report.answer(packet + " 0x" + Integer.toHexString(rc));
        }
    }

    /**
     * The packet with its variable header and payload damaged and its flags sometimes flipped, framed
     * again with the right remaining length, so the server reads exactly this packet (a damaged length
     * would make it wait for bytes that never come).
     */
    private static byte[] reframed(byte[] packet, Mutator m) {
        int i = 1;
        while ((packet[i] & 0x80) != 0) {
            i++;
        }
        byte[] body = m.mutate(java.util.Arrays.copyOfRange(packet, i + 1, packet.length), 8192);
        int first = packet[0] & 0xff;
        if (m.nextInt(4) == 0) {
            first ^= 1 << m.nextInt(4);
        }
        return packet(first, body);
    }

    /** Reads one packet; {@code header[0]} gets its first byte. */
    private static byte[] read(InputStream in, int[] header) throws IOException {
        int first = in.read();
        if (first < 0) {
            throw new EOFException();
        }
        header[0] = first;
        int length = 0;
        for (int shift = 0; ; shift += 7) {
            int b = in.read();
            if (b < 0 || shift > 21) {
                throw new EOFException();
            }
            length |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
        }
        return in.readNBytes(length);
    }

    // ---- packets

    private static byte[] packet(int firstByte, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(firstByte);
        int len = body.length;
        do {
            int b = len & 0x7f;
            len >>>= 7;
            out.write(len > 0 ? b | 0x80 : b);
        } while (len > 0);
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static void string(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b.length >> 8);
        out.write(b.length);
        out.writeBytes(b);
    }

    /** A CONNECT with the access token as user name; {@code m} non-null adds random v5 properties. */
    static byte[] connect(boolean v5, String user, String clientId, Mutator m) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        string(b, "MQTT");
        b.write(v5 ? 5 : 4);
        b.write(0x82); // user name, clean session
        b.write(0);
        b.write(60);
        if (v5) {
            byte[] props = m == null ? new byte[0] : properties(m);
            b.write(props.length);
            b.writeBytes(props);
        }
        string(b, clientId);
        string(b, user);
        return packet(0x10, b.toByteArray());
    }

    private static byte[] properties(Mutator m) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        int n = m.nextInt(4);
        for (int i = 0; i < n; i++) {
            switch (m.nextInt(5)) {
                case 0 -> { // session expiry interval
                    p.write(0x11);
                    p.writeBytes(new byte[] {(byte) m.nextInt(256), (byte) m.nextInt(256), (byte) m.nextInt(256), (byte) m.nextInt(256)});
                }
                case 1 -> { // receive maximum
                    p.write(0x21);
                    p.writeBytes(new byte[] {(byte) m.nextInt(256), (byte) m.nextInt(256)});
                }
                case 2 -> { // user property
                    p.write(0x26);
                    string(p, m.token());
                    string(p, m.token());
                }
                case 3 -> { // maximum packet size
                    p.write(0x27);
                    p.writeBytes(new byte[] {0, 0, (byte) m.nextInt(256), (byte) m.nextInt(256)});
                }
                default -> p.write(m.nextInt(256)); // an unknown identifier
            }
        }
        return p.toByteArray();
    }

    static byte[] publish(boolean v5, String topic, int qos, int packetId, byte[] payload) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        string(b, topic);
        if (qos > 0) {
            b.write(packetId >> 8);
            b.write(packetId);
        }
        if (v5) {
            b.write(0);
        }
        b.writeBytes(payload);
        return packet(0x30 | (qos << 1), b.toByteArray());
    }

    private static byte[] subscribe(boolean v5, int packetId, Mutator m) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(packetId >> 8);
        b.write(packetId);
        if (v5) {
            b.write(0);
        }
        int n = 1 + m.nextInt(3);
        for (int i = 0; i < n; i++) {
            string(b, m.nextInt(5) == 0 ? m.token() : m.pick(FILTERS));
            b.write(m.nextInt(4) == 0 ? m.nextInt(256) : m.nextInt(3));
        }
        return packet(0x82, b.toByteArray());
    }
}
