package io.mote.server.it.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.mote.fuzz.CoapCodec;
import io.mote.server.it.Api;
import io.mote.server.it.LogWatch;
import io.mote.server.it.TestServer;
import io.mote.server.it.lwm2m.Profiles;

/**
 * Registrations from peers nobody knows, written byte by byte over UDP: malformed ones are answered 4.00,
 * unknown endpoints too (as Leshan answers a declined registration), and a flood of either costs a few rate-limited lines and no stack trace.
 */
class Lwm2mRegisterInputTest {

    private static final int BAD_REQUEST = 4 << 5;

    private final TestServer server = TestServer.shared();

    /** A confirmable POST /rd (or /rd/{id}) with the given query, in link format; answers the response code. */
    static int register(DatagramSocket socket, int port, int mid, List<String> path, List<String> query) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x41); // CON, token length 1
        out.write(0x02); // POST
        out.write(mid >> 8);
        out.write(mid & 0xFF);
        out.write(mid & 0xFF); // token
        int last = 0;
        for (String p : path) {
            last = option(out, 11, last, p.getBytes(StandardCharsets.UTF_8));
        }
        last = option(out, 12, last, new byte[] {40}); // application/link-format
        for (String q : query) {
            last = option(out, 15, last, q.getBytes(StandardCharsets.UTF_8));
        }
        out.write(0xFF);
        out.write("</1/0>,</3/0>".getBytes(StandardCharsets.UTF_8));
        byte[] d = out.toByteArray();
        socket.send(new DatagramPacket(d, d.length, InetAddress.getLoopbackAddress(), port));
        byte[] buf = new byte[2048];
        while (true) {
            DatagramPacket in = new DatagramPacket(buf, buf.length);
            socket.receive(in);
            int answeredMid = ((buf[2] & 0xFF) << 8) | (buf[3] & 0xFF);
            int type = (buf[0] >> 4) & 0x3;
            if (answeredMid == (mid & 0xFFFF) && buf[1] != 0) {
                return buf[1] & 0xFF;
            }
            if (type == 2 && buf[1] == 0) {
                continue; // an empty ACK; the answer follows separately
            }
        }
    }

    private static int option(ByteArrayOutputStream out, int number, int previous, byte[] value) {
        int delta = number - previous;
        int len = value.length;
        out.write((delta << 4) | (len < 13 ? len : 13));
        if (len >= 13) {
            out.write(len - 13);
        }
        out.write(value, 0, len);
        return number;
    }

    @Test
    void malformedRegistrationsAre400WithoutStackTraces() throws Exception {
        try (LogWatch log = LogWatch.watch(); DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.setSoTimeout(20_000);
            int port = server.lwm2mPort();
            List<List<String>> queries = List.of(
                    List.of("ep=unknown-" + UUID.randomUUID(), "lt=x"),
                    List.of("ep=unknown-" + UUID.randomUUID(), "lt=-5"),
                    List.of("ep=unknown-" + UUID.randomUUID(), "lt=99999999999999999999"),
                    List.of("ep=unknown-" + UUID.randomUUID(), "b=XYZ"),
                    List.of("ep=", "lt=60"),
                    List.of("lt=60"));
            int mid = 1;
            for (int round = 0; round < 10; round++) {
                for (List<String> q : queries) {
                    assertThat(register(s, port, mid++, List.of("rd"), q)).as(q.toString()).isEqualTo(BAD_REQUEST);
                }
            }
            // An Update of a registration with a bad lifetime is refused the same way.
            assertThat(register(s, port, mid++, List.of("rd", "nope"), List.of("lt=x"))).isEqualTo(BAD_REQUEST);
            assertThat(log.stackTraces()).isEmpty();
            // 61 refusals, rate-limited: a handful of lines, not one (or 26) per datagram.
            List<String> lines = new ArrayList<>(log.lines("io.mote"));
            lines.addAll(log.lines("org.eclipse"));
            assertThat(lines.size()).as(String.join("\n", lines)).isLessThanOrEqualTo(12);
        }
    }

    @Test
    void unknownEndpointsAre400AndRateLimited() throws Exception {
        try (LogWatch log = LogWatch.watch(); DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.setSoTimeout(20_000);
            int port = server.lwm2mPort();
            for (int i = 1; i <= 50; i++) {
                assertThat(register(s, port, i, List.of("rd"), List.of("ep=stranger-" + UUID.randomUUID(), "lt=60")))
                        .isEqualTo(BAD_REQUEST);
            }
            assertThat(log.stackTraces()).isEmpty();
            List<String> lines = new ArrayList<>(log.lines("io.mote"));
            lines.addAll(log.lines("org.eclipse"));
            assertThat(lines.size()).as(String.join("\n", lines)).isLessThanOrEqualTo(12);
        }
    }

    /**
     * A Send from a registered client in a format without timestamped values (CBOR, TLV, text, none) is a
     * 4.15 (4.00 without a format), not Leshan's 5.00 and stack trace (found by FuzzTest).
     */
    @Test
    void sendsInFormatsWithoutTimestampsAre4xxWithoutStackTraces() throws Exception {
        Api tenant = server.api().newTenant();
        String endpoint = Profiles.batteryLevelDevice(tenant, "send-guard", false).endpoint();
        try (LogWatch log = LogWatch.watch(); DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.setSoTimeout(20_000);
            int port = server.lwm2mPort();
            assertThat(register(s, port, 1, List.of("rd"), List.of("ep=" + endpoint, "lt=60", "lwm2m=1.1", "b=U")))
                    .isEqualTo(2 << 5 | 1);
            byte[] senml = "[{\"bn\":\"/3/0/\",\"n\":\"9\",\"v\":50}]".getBytes(StandardCharsets.UTF_8);
            int mid = 2;
            for (int format : new int[] {60, 11542, 0, 50, -1}) {
                List<CoapCodec.Option> o = new ArrayList<>(CoapCodec.path("dp"));
                if (format >= 0) {
                    o.add(CoapCodec.Option.uint(CoapCodec.CONTENT_FORMAT, format));
                }
                int code = answer(s, port, CoapCodec.encode(CoapCodec.CON, CoapCodec.POST, mid, new byte[] {1}, o, senml), mid);
                assertThat(code).as("Send in format " + format).isEqualTo(format < 0 ? BAD_REQUEST : 4 << 5 | 15);
                mid++;
            }
            // SenML JSON is still stored.
            List<CoapCodec.Option> o = new ArrayList<>(CoapCodec.path("dp"));
            o.add(CoapCodec.Option.uint(CoapCodec.CONTENT_FORMAT, 110));
            assertThat(answer(s, port, CoapCodec.encode(CoapCodec.CON, CoapCodec.POST, mid, new byte[] {1}, o, senml), mid))
                    .isEqualTo(2 << 5 | 4);
            assertThat(log.stackTraces()).isEmpty();
        }
    }

    /** Sends a datagram and answers the code of the response with its message ID (server requests skipped). */
    private static int answer(DatagramSocket s, int port, byte[] d, int mid) throws Exception {
        s.send(new DatagramPacket(d, d.length, InetAddress.getLoopbackAddress(), port));
        byte[] buf = new byte[2048];
        while (true) {
            DatagramPacket in = new DatagramPacket(buf, buf.length);
            s.receive(in);
            CoapCodec.Message m = CoapCodec.decode(buf, in.getLength());
            if (m != null && m.mid() == mid && m.code() != 0) {
                return m.code();
            }
        }
    }
}
