package io.mote.server.it.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.mote.fuzz.CoapCodec;
import io.mote.server.it.Api;
import io.mote.server.it.LogWatch;
import io.mote.server.it.TestServer;
import io.mote.server.it.lwm2m.Profiles;

/**
 * A registered client's Send (POST /dp) whose values do not fit their resources' types: a number for the
 * String resource Manufacturer (/3/0/0), a timestamp beyond a long. Leshan's node exception escaped as a
 * 5.00 with an ERROR and a stack trace per datagram (found by the fuzzer); it is 4.00 now, and the same
 * client's valid Send right after is stored.
 */
class Lwm2mMalformedSendTest {

    private final TestServer server = TestServer.shared();

    @Test
    void aValueOfTheWrongTypeIs400AndTheNextSendIsStored() throws Exception {
        Api tenant = server.api().newTenant();
        Profiles.Lwm2mDevice device = Profiles.batteryLevelDevice(tenant, "send", false);
        String endpoint = device.endpoint();
        String deviceId = device.id();
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.setSoTimeout(2_000);
            int mid = 1;
            List<CoapCodec.Option> reg = new ArrayList<>(CoapCodec.path("rd"));
            reg.add(CoapCodec.Option.uint(CoapCodec.CONTENT_FORMAT, 40));
            for (String q : new String[] {"ep=" + endpoint, "lt=300", "lwm2m=1.1"}) {
                reg.add(CoapCodec.Option.text(CoapCodec.URI_QUERY, q));
            }
            assertThat(exchange(s, CoapCodec.encode(CoapCodec.CON, CoapCodec.POST, mid, new byte[] {1}, reg,
                    "</3/0>".getBytes(StandardCharsets.UTF_8)), mid)).isEqualTo("2.01");
            try (LogWatch log = LogWatch.watch()) {
                for (String body : new String[] {
                        "[{\"bn\":\"/3/0/\",\"n\":\"0\",\"v\":621474836480}]",
                        "[{\"bn\":\"/3/0/\",\"n\":\"0\",\"v\":123456789012345678901234567890}]",
                        "[{\"bn\":\"/3/0/\",\"n\":\"0\",\"v\":1,\"t\":1e400}]"}) {
                    mid++;
                    assertThat(exchange(s, send(mid, body), mid)).as(body).isEqualTo("4.00");
                }
                assertThat(log.stackTraces()).isEmpty();
            }
            mid++;
            assertThat(exchange(s, send(mid, "[{\"bn\":\"/3/0/\",\"n\":\"9\",\"v\":42}]"), mid)).isEqualTo("2.04");
        }
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> tenant.get("/api/plugins/telemetry/DEVICE/"
                + deviceId + "/values/timeseries?keys=batteryLevel").ok().toString().contains("42"));
    }

    private static byte[] send(int mid, String senml) {
        List<CoapCodec.Option> o = new ArrayList<>(CoapCodec.path("dp"));
        o.add(CoapCodec.Option.uint(CoapCodec.CONTENT_FORMAT, 110));
        return CoapCodec.encode(CoapCodec.CON, CoapCodec.POST, mid, new byte[] {2}, o, senml.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends {@code datagram} and returns the code of the answer with its message id (the server's own requests aside). */
    private String exchange(DatagramSocket s, byte[] datagram, int mid) throws Exception {
        s.send(new DatagramPacket(datagram, datagram.length, InetAddress.getLoopbackAddress(), server.lwm2mPort()));
        long until = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < until) {
            byte[] buf = new byte[2048];
            DatagramPacket in = new DatagramPacket(buf, buf.length);
            try {
                s.receive(in);
            } catch (SocketTimeoutException e) {
                break;
            }
            CoapCodec.Message m = CoapCodec.decode(buf, in.getLength());
            if (m != null && m.mid() == mid && (m.type() == CoapCodec.ACK || m.type() == CoapCodec.RST)) {
                return m.codeText();
            }
        }
        return "no answer";
    }
}
