package io.mote.fuzz;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Locale;

/** HTTP/1.1 over a raw socket, as the fuzzers need it: any bytes out, one response at a time back. */
final class HttpWire {

    private HttpWire() {
    }

    static final class Conn implements AutoCloseable {
        final Socket socket;
        final OutputStream out;
        final InputStream in;

        Conn(InetSocketAddress target) throws IOException {
            socket = new Socket();
            socket.connect(target, 10_000);
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream());
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // gone already
            }
        }
    }

    /** A response: {@code code} -1 when the status line is not HTTP's; {@code close} when the server ends the connection. */
    record Response(int code, String contentType, byte[] body, boolean close) {
    }

    /** The next final response (interim 1xx ones skipped), or null when the server closed first. */
    static Response read(InputStream in, boolean head) throws IOException {
        while (true) {
            String status = line(in);
            if (status == null) {
                return null;
            }
            String[] parts = status.split(" ");
            int code = parts.length > 1 && parts[1].matches("\\d{3}") ? Integer.parseInt(parts[1]) : -1;
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            String type = "";
            for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
                String lower = h.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true;
                } else if (lower.startsWith("content-type:")) {
                    type = lower.substring(13).trim();
                }
            }
            if (code >= 100 && code < 200) {
                continue; // an interim answer (100 Continue): the final one follows
            }
            byte[] body = new byte[0];
            if (head || code == 204 || code == 304) {
                // nothing follows the headers
            } else if (chunked) {
                java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
                for (long n = Long.parseLong(line(in).trim(), 16); n > 0; n = Long.parseLong(line(in).trim(), 16)) {
                    b.writeBytes(in.readNBytes((int) n));
                    line(in);
                }
                line(in);
                body = b.toByteArray();
            } else if (length > 0) {
                body = in.readNBytes((int) length);
            }
            return new Response(code, type, body, close || code < 0);
        }
    }

    static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int b = in.read(); ; b = in.read()) {
            if (b < 0) {
                if (s.length() == 0) {
                    return null;
                }
                throw new EOFException();
            }
            if (b == '\n') {
                int n = s.length();
                return n > 0 && s.charAt(n - 1) == '\r' ? s.substring(0, n - 1) : s.toString();
            }
            s.append((char) b);
        }
    }
}
