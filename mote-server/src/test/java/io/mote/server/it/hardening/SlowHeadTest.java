package io.mote.server.it.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.mote.server.it.Api;
import io.mote.server.it.TestServer;

/**
 * A client trickling its request head (HTTP request line and headers, an MQTT CONNECT) a byte at a time,
 * well within every per-read timeout, is still cut off by a deadline on the whole head, while other
 * clients are served. The test server runs with a 3 s HTTP header deadline; MQTT with its default 10 s
 * connect timeout.
 */
class SlowHeadTest {

    /** Bytes a trickling client would send at most; far more than fit in either deadline. */
    private static final int TRICKLE = 150;
    private static final int PAUSE_MS = 300;

    private final TestServer server = TestServer.shared();

    /** What a trickle ended with: how many bytes were sent before the server closed, and what it answered. */
    private record Outcome(int sent, boolean closed, String answer) {
    }

    /** Sends {@code head}, then one byte of {@code filler} every {@value #PAUSE_MS} ms until closed. */
    private static Outcome trickle(int port, byte[] head, byte filler, Runnable meanwhile) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(PAUSE_MS);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(head);
            out.flush();
            StringBuilder answer = new StringBuilder();
            for (int sent = 0; sent < TRICKLE; sent++) {
                try {
                    out.write(filler);
                    out.flush();
                } catch (IOException e) {
                    return new Outcome(sent, true, answer.toString());
                }
                if (sent == 3) {
                    meanwhile.run();
                }
                try {
                    int b = in.read();
                    while (b >= 0) {
                        answer.append((char) b);
                        b = in.available() > 0 ? in.read() : -2;
                    }
                    if (b == -1) {
                        return new Outcome(sent, true, answer.toString());
                    }
                } catch (SocketTimeoutException e) {
                    // still open: go on trickling
                } catch (IOException e) {
                    return new Outcome(sent, true, answer.toString());
                }
            }
            return new Outcome(TRICKLE, false, answer.toString());
        }
    }

    private String plainGet(String path) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void httpHeadersTrickledAByteAtATimeAreCutOff() throws Exception {
        String[] served = new String[1];
        Outcome o = trickle(server.port(),
                "GET /actuator/health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII),
                (byte) 'a', () -> served[0] = plainGet("/actuator/health"));
        assertThat(served[0]).as("a normal client meanwhile").startsWith("HTTP/1.1 200");
        assertThat(o.closed()).as("closed before the trickle ended").isTrue();
        assertThat(o.sent()).isLessThan(TRICKLE);
        assertThat(o.answer()).doesNotContain("200");
        // The server still serves after cutting the slow client off.
        assertThat(plainGet("/actuator/health")).startsWith("HTTP/1.1 200");
    }

    @Test
    void httpRequestLineTrickledIsCutOffToo() throws Exception {
        Outcome o = trickle(server.port(), "GET /".getBytes(StandardCharsets.US_ASCII), (byte) 'a', () -> { });
        assertThat(o.closed()).isTrue();
        assertThat(o.sent()).isLessThan(TRICKLE);
    }

    /** A long poll waits longer than the deadline once its head is complete: it is answered, not cut off. */
    @Test
    void aLongPollOutlastingTheDeadlineIsAnswered() throws Exception {
        Api.TestDevice d = server.api().newTenantWithDevice("slow-head-poll");
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(server.api().base() + "/api/v1/" + d.token() + "/rpc?timeout=5000"))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(408);
    }

    @Test
    void mqttConnectTrickledAByteAtATimeIsCutOff() throws Exception {
        // A CONNECT announcing 127 bytes, whose bytes then come one at a time: the decoder waits for all of
        // them, and every byte resets a per-read timeout.
        Outcome o = trickle(server.mqttPort(), new byte[]{0x10, 0x7f}, (byte) 'a', () -> { });
        assertThat(o.closed()).as("closed before the CONNECT was complete").isTrue();
        assertThat(o.sent()).isLessThan(0x7f);
        assertThat(o.answer()).isEmpty();
    }
}
