package io.mote.server.it.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.mote.server.it.TestServer;

/**
 * The HTTP connector's deadlines, with raw sockets: a connection that sends nothing is closed after the
 * header timeout, one idle after a request after the idle timeout, while normal clients are served.
 */
class HttpDeadlinesTest {

    private final TestServer server = TestServer.shared();

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
        s.setSoTimeout(500);
        return s;
    }

    /** True once the server has closed the connection (end of stream or reset). */
    private static boolean closedByServer(Socket s) {
        try {
            InputStream in = s.getInputStream();
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private String plainGet(String path) throws IOException {
        try (Socket s = connect()) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void aConnectionThatSendsNothingIsClosed() throws Exception {
        try (Socket s = connect()) {
            assertThat(plainGet("/actuator/health")).startsWith("HTTP/1.1 200");
            long start = System.nanoTime();
            boolean closed = false;
            while (!closed && System.nanoTime() - start < 60_000_000_000L) {
                closed = closedByServer(s);
            }
            assertThat(closed).isTrue();
        }
    }
}
