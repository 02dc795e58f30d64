package io.mote.server.it.mqtt;

import static io.mote.server.it.mqtt.MqttTestClients.publish;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import org.junit.jupiter.api.Test;

import io.mote.server.it.Api;
import io.mote.server.it.TestServer;

/**
 * Byte-level misbehaviour that no client library produces: the server closes the offending connection
 * and goes on serving everyone else.
 */
class MqttRawPacketTest {

    private final Api anon = TestServer.shared().api();

    @Test
    void publishBeforeConnectClosesTheConnection() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("raw-pub");
        byte[] topic = "v1/devices/me/telemetry".getBytes(StandardCharsets.US_ASCII);
        byte[] payload = "{\"sneaky\":1}".getBytes(StandardCharsets.US_ASCII);
        // PUBLISH, QoS 0: fixed header, topic length + topic, payload.
        byte[] packet = new byte[2 + 2 + topic.length + payload.length];
        packet[0] = 0x30;
        packet[1] = (byte) (2 + topic.length + payload.length);
        packet[2] = 0;
        packet[3] = (byte) topic.length;
        System.arraycopy(topic, 0, packet, 4, topic.length);
        System.arraycopy(payload, 0, packet, 4 + topic.length, payload.length);

        assertClosedAfter(packet);
        assertServerStillServes(d);
        assertThat(d.tenant().get("/api/plugins/telemetry/DEVICE/" + d.id() + "/values/timeseries?keys=sneaky").ok()
                .has("sneaky")).isFalse();
    }

    @Test
    void malformedPacketsCloseTheConnection() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("raw-bad");
        // Not MQTT at all.
        assertClosedAfter("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        // A CONNECT naming an unknown protocol.
        assertClosedAfter(new byte[]{0x10, 0x0c, 0x00, 0x04, 'X', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3c, 0x00, 0x00});
        // A remaining length whose continuation bit never ends (more than four length bytes).
        assertClosedAfter(new byte[]{0x10, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01});
        // A CONNECT whose declared client id runs past the end of the packet: malformed, closed at once.
        assertClosedAfter(new byte[]{0x10, 0x0e, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3c, 0x00, 0x40, 'a', 'b'});
        assertServerStillServes(d);
    }

    /**
     * A PUBLISH whose topic length runs past the packet's remaining length (found by the fuzzer): Netty's
     * decoder read the PINGREQ that followed as part of the topic and waited for more, leaving the client
     * unanswered until its keep-alive ran out. It is malformed: MQTT 5 gets DISCONNECT 0x81, both are closed.
     */
    @Test
    void aLengthInsideAPacketPastItsEndDisconnectsAtOnce() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("raw-inner-length");
        for (int version : new int[] {4, 5}) {
            try (Socket s = new Socket("127.0.0.1", MqttTestClients.port())) {
                s.setSoTimeout(20_000);
                OutputStream out = s.getOutputStream();
                out.write(connect(version, d.token()));
                out.flush();
                byte[] connack = s.getInputStream().readNBytes(version == 5 ? 2 : 4);
                assertThat(connack[0] & 0xff).isEqualTo(0x20);
                if (version == 5) {
                    s.getInputStream().readNBytes(connack[1] & 0xff);
                } else {
                    assertThat(connack[3]).as("accepted").isEqualTo((byte) 0);
                }
                // PUBLISH QoS 0, remaining length 6, topic length 0x0100: 256 bytes of topic claimed, 4 there.
                out.write(new byte[] {0x30, 0x06, 0x01, 0x00, 'a', '/', 'b', 'c'});
                out.write(new byte[] {(byte) 0xc0, 0x00}); // PINGREQ
                out.flush();
                byte[] answer;
                try {
                    answer = s.getInputStream().readAllBytes();
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("MQTT " + version + ": the server kept the connection open", e);
                }
                if (version == 5) {
                    assertThat(answer.length).isGreaterThanOrEqualTo(3);
                    assertThat(answer[0] & 0xff).as("DISCONNECT").isEqualTo(0xe0);
                    assertThat(answer[2] & 0xff).as("reason: malformed packet").isEqualTo(0x81);
                } else {
                    assertThat(answer).as("MQTT 3.1.1: closed without a PINGRESP").isEmpty();
                }
            }
        }
        assertServerStillServes(d);
    }

    /** A CONNECT (clean session, keep-alive 60 s) with the access token as user name. */
    private static byte[] connect(int version, String token) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.writeBytes(new byte[] {0, 4, 'M', 'Q', 'T', 'T', (byte) version, (byte) 0x82, 0, 60});
        if (version == 5) {
            b.write(0);
        }
        byte[] id = ("raw-" + version + "-" + System.nanoTime()).getBytes(StandardCharsets.US_ASCII);
        b.writeBytes(new byte[] {0, (byte) id.length});
        b.writeBytes(id);
        byte[] user = token.getBytes(StandardCharsets.US_ASCII);
        b.writeBytes(new byte[] {0, (byte) user.length});
        b.writeBytes(user);
        byte[] body = b.toByteArray();
        byte[] packet = new byte[2 + body.length];
        packet[0] = 0x10;
        packet[1] = (byte) body.length;
        System.arraycopy(body, 0, packet, 2, body.length);
        return packet;
    }

    /**
     * Sends the bytes on a fresh connection and expects the server to close it. It may first refuse with
     * a CONNACK (as MQTT 3.1.1 prescribes for a bad protocol), but never accept.
     */
    private static void assertClosedAfter(byte[] bytes) throws IOException {
        try (Socket s = new Socket("127.0.0.1", MqttTestClients.port())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(bytes);
            out.flush();
            byte[] answer;
            try {
                answer = s.getInputStream().readAllBytes();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the server kept the connection open", e);
            } catch (IOException reset) {
                return;
            }
            if (answer.length > 0) {
                assertThat(answer[0] & 0xff).as("only a CONNACK may answer").isEqualTo(0x20);
                assertThat(answer.length).isGreaterThanOrEqualTo(4);
                assertThat(answer[3]).as("CONNACK return code: a refusal").isNotEqualTo((byte) 0);
            }
        }
    }

    private static void assertServerStillServes(Api.TestDevice d) {
        Mqtt5BlockingClient c = MqttTestClients.v5Token(d.token());
        publish(c, "v1/devices/me/telemetry", "{\"still\":1}");
        c.disconnect();
        assertThat(d.tenant().get("/api/plugins/telemetry/DEVICE/" + d.id() + "/values/timeseries?keys=still").ok()
                .has("still")).isTrue();
    }
}
