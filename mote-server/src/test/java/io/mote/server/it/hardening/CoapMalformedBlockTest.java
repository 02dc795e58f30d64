package io.mote.server.it.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mote.fuzz.CoapCodec;
import io.mote.server.it.Api;
import io.mote.server.it.LogWatch;
import io.mote.server.it.TestServer;

/**
 * A Block1 request whose payload is larger than its block size: Californium's parser threw, logged an
 * ERROR with a stack trace per datagram and left it unanswered (found by FuzzTest); now it is 4.00, on
 * the CoAP device API and on the LwM2M server and bootstrap ports alike (they share the checked parser).
 */
class CoapMalformedBlockTest {

    private final TestServer server = TestServer.shared();

    @Test
    void aBlockLargerThanItsSizeIs400WithoutAStackTrace() throws Exception {
        Api.TestDevice d = server.api().newTenantWithDevice("coap-block");
        assertOversizedBlockIs400(server.coapPort(), "api/v1/" + d.token() + "/telemetry", 50);
    }

    @Test
    void onTheLwm2mPortsToo() throws Exception {
        assertOversizedBlockIs400(server.lwm2mPort(), "rd", 40);
        assertOversizedBlockIs400(server.lwm2mBootstrapPort(), "bs", 40);
    }

    private static void assertOversizedBlockIs400(int port, String path, int contentFormat) throws Exception {
        try (LogWatch log = LogWatch.watch(); DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.setSoTimeout(20_000);
            for (int mid = 1; mid <= 5; mid++) {
                List<CoapCodec.Option> o = new ArrayList<>(CoapCodec.path(path));
                o.add(CoapCodec.Option.uint(CoapCodec.CONTENT_FORMAT, contentFormat));
                o.add(CoapCodec.Option.uint(CoapCodec.BLOCK1, 0x08)); // block 0, more, 16 bytes
                byte[] payload = ("{\"v\":\"" + "x".repeat(100) + "\"}").getBytes(StandardCharsets.UTF_8);
                CoapCodec.Message m = exchange(s, port,
                        CoapCodec.encode(CoapCodec.CON, CoapCodec.POST, mid, new byte[] {(byte) mid}, o, payload));
                assertThat(m.mid()).isEqualTo(mid);
                assertThat(m.codeText()).as("answer on port " + port).isEqualTo("4.00");
            }
            assertThat(log.stackTraces()).isEmpty();
        }
    }

    /**
     * A Block1 upload announcing its size in Size1 with more than the 4 bytes CoAP allows, or with a 4-byte
     * size beyond 2 GB: Californium read it as a negative int and failed allocating the upload's buffer,
     * with a WARN and two stack traces per datagram, unanswered (found by the fuzzer). More than 4 bytes
     * (leading zeros aside) is a bad option (4.02); a size the server will never take is 4.13.
     */
    @Test
    void aSize1BeyondWhatCoapOrTheServerTakesIsRefused() throws Exception {
        Api.TestDevice d = server.api().newTenantWithDevice("coap-size1");
        for (int port : new int[] {server.coapPort(), server.lwm2mPort()}) {
            String path = port == server.coapPort() ? "api/v1/" + d.token() + "/telemetry" : "rd";
            assertSize1Answer(port, path, new byte[] {0x7f, (byte) 0xff, 0, 0, 0, 0, 0, 1}, "4.02");
            assertSize1Answer(port, path, new byte[] {(byte) 0xb9, 0x3c, 0x53, 0x61}, "4.13");
            assertSize1Answer(port, path, new byte[] {0, 0, 0, 0, (byte) 0x80, 0, 0, 0}, "4.13");
        }
    }

    private static void assertSize1Answer(int port, String path, byte[] size1, String expected) throws Exception {
        try (LogWatch log = LogWatch.watch(); DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.setSoTimeout(20_000);
            List<CoapCodec.Option> o = new ArrayList<>(CoapCodec.path(path));
            o.add(CoapCodec.Option.uint(CoapCodec.CONTENT_FORMAT, 50));
            o.add(CoapCodec.Option.uint(CoapCodec.BLOCK1, 0x0a)); // block 0, more, 64 bytes
            o.add(new CoapCodec.Option(CoapCodec.SIZE1, size1));
            CoapCodec.Message m = exchange(s, port, CoapCodec.encode(CoapCodec.CON, CoapCodec.POST, 9, new byte[] {9}, o,
                    "x".repeat(64).getBytes(StandardCharsets.UTF_8)));
            assertThat(m.codeText()).as("Size1 of " + size1.length + " bytes on port " + port).isEqualTo(expected);
            assertThat(log.lines("org.eclipse")).as("Californium log lines").isEmpty();
            assertThat(log.stackTraces()).isEmpty();
        }
    }

    /** Sends {@code datagram} to {@code port} and decodes the answer. */
    private static CoapCodec.Message exchange(DatagramSocket s, int port, byte[] datagram) throws Exception {
        s.send(new DatagramPacket(datagram, datagram.length, InetAddress.getLoopbackAddress(), port));
        byte[] buf = new byte[2048];
        DatagramPacket in = new DatagramPacket(buf, buf.length);
        s.receive(in);
        CoapCodec.Message m = CoapCodec.decode(buf, in.getLength());
        assertThat(m).isNotNull();
        return m;
    }

    /** A Send (POST /dp) in SenML with no payload: Leshan's decoder failed and answered 5.00 (found by the fuzzer). */
    @Test
    void anEmptyLwm2mSendIs400() throws Exception {
        try (LogWatch log = LogWatch.watch(); DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.setSoTimeout(20_000);
            for (int format : new int[] {110, 112}) {
                List<CoapCodec.Option> o = new ArrayList<>(CoapCodec.path("dp"));
                o.add(CoapCodec.Option.uint(CoapCodec.CONTENT_FORMAT, format));
                CoapCodec.Message m = exchange(s, server.lwm2mPort(),
                        CoapCodec.encode(CoapCodec.CON, CoapCodec.POST, format, new byte[] {0x3d}, o, new byte[0]));
                assertThat(m.codeText()).as("empty Send in format " + format).isEqualTo("4.00");
            }
            assertThat(log.stackTraces()).isEmpty();
        }
    }

    /**
     * A NUL in an access token (CoAP) or a key (HTTP): PostgreSQL text cannot hold it, and the database's
     * error was a 5.00 / 500 with a stack trace (found by the fuzzer). Unknown token 4.xx, invalid key 400.
     */
    @Test
    void aNulInATokenOrAKeyIsRefusedNotAServerError() throws Exception {
        Api.TestDevice d = server.api().newTenantWithDevice("nul");
        try (LogWatch log = LogWatch.watch(); DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.setSoTimeout(20_000);
            List<CoapCodec.Option> o = new ArrayList<>(CoapCodec.path("api/v1/a\u0000b/telemetry"));
            o.add(CoapCodec.Option.uint(CoapCodec.CONTENT_FORMAT, 50));
            CoapCodec.Message m = exchange(s, server.coapPort(), CoapCodec.encode(CoapCodec.CON, CoapCodec.POST, 7,
                    new byte[] {7}, o, "{\"v\":1}".getBytes(StandardCharsets.UTF_8)));
            assertThat(m.codeText()).startsWith("4.");
            Api.Res r = server.api().post("/api/v1/" + d.token() + "/telemetry", "{\"a\\u0000b\":1}");
            assertThat(r.status()).isEqualTo(400);
            assertThat(log.stackTraces()).isEmpty();
        }
    }
}
