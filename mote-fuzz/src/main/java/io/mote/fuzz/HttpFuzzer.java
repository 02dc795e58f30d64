package io.mote.fuzz;

import java.io.BufferedInputStream;
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
 * HTTP device API inputs over raw TCP (keep-alive): every {@code /api/v1/{token}/...} resource and
 * {@code /api/v1/provision} with odd methods, queries, content types and charsets, and mutated bodies; a
 * few percent with the whole request (line and headers too) damaged byte by byte, each on a connection
 * of its own. 5xx answers are the errors.
 */
public final class HttpFuzzer {

    private static final String[] RESOURCES = {"telemetry", "attributes", "attributes?clientKeys=%s&sharedKeys=%s",
            "rpc?timeout=%s", "rpc/%s", "rpc", "claim", "firmware?title=%s&version=%s&size=%s&chunk=%s",
            "software?title=%s&version=%s", "telemetry/%s", "attributes/updates?timeout=%s", "%s"};
    private static final String[] CONTENT_TYPES = {"application/json", "application/json", "application/json; charset=UTF-8",
            "application/json; charset=ISO-8859-1", "application/json; charset=UTF-16", "application/json; charset=nope",
            "text/plain", "application/x-protobuf", "application/octet-stream", "", ";;", "application/json; charset="};
    private static final String[] METHODS = {"POST", "POST", "POST", "GET", "GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"};
    /**
     * Long-poll timeouts that end at once or are refused: a fuzz input must not hold the connection (none,
     * 0 or a negative value would wait the server's default minute).
     */
    private static final String[] TIMEOUTS = {"1", "2", "x", "1.5", "99999999999999999999", "%00", "1e3", "0x10"};

    private final InetSocketAddress target;
    private final String token;

    public HttpFuzzer(InetSocketAddress target, String token) {
        this.target = target;
        this.token = token;
    }

    private static final class Conn implements AutoCloseable {
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

    public FuzzReport run(long seed, int count) throws IOException {
        FuzzReport report = new FuzzReport("http");
        Mutator m = new Mutator(seed);
        Conn c = null;
        try {
            for (int i = 0; i < count; i++) {
                byte[] request = request(m);
                boolean damaged = m.nextInt(25) == 0;
                if (damaged) {
                    request = m.mutate(request, 16384);
                }
                String text = new String(request, StandardCharsets.ISO_8859_1);
                boolean coding = text.contains("Transfer-Encoding:");
                String name = "seed " + seed + " input " + i + ": " + FuzzReport.show(request);
                report.sent();
                if (damaged) {
                    try (Conn fresh = new Conn(target)) {
                        // A damaged request may have become a long poll of the default minute: not worth waiting for.
                        fresh.socket.setSoTimeout(5_000);
                        fresh.out.write(request);
                        fresh.out.flush();
                        fresh.socket.shutdownOutput();
                        answer(fresh, name, coding, report);
                    } catch (IOException e) {
                        report.answer("closed");
                    }
                    continue;
                }
                if (c == null) {
                    c = new Conn(target);
                }
                try {
                    c.out.write(request);
                    c.out.flush();
                    if (!answer(c, name, coding, report)) {
                        c.close();
                        c = null;
                    }
                } catch (IOException e) {
                    report.answer("closed");
                    c.close();
                    c = null;
                }
            }
        } finally {
            if (c != null) {
                c.close();
            }
        }
        report.finish();
        return report;
    }

    private byte[] request(Mutator m) {
        String method = m.pick(METHODS);
        String resource = m.pick(RESOURCES);
        int holes = resource.split("%s", -1).length - 1;
        Object[] args = new Object[holes];
        for (int i = 0; i < holes; i++) {
            args[i] = resource.contains("timeout") ? m.pick(TIMEOUTS) : m.token().replace(" ", "%20");
        }
        String tok = switch (m.nextInt(12)) {
            case 0 -> m.token().replace(" ", "%20");
            case 1 -> token + "%2F..";
            default -> token;
        };
        if (resource.equals("rpc") && !method.equals("POST")) {
            resource = "rpc?timeout=1"; // GET without a timeout is a long poll of the server's default minute
        }
        String path = m.nextInt(15) == 0 ? "/api/v1/provision" : "/api/v1/" + tok + "/" + String.format(resource, args);
        byte[] body = m.nextInt(6) == 0 ? new byte[0] : m.json().getBytes(StandardCharsets.ISO_8859_1);
        StringBuilder head = new StringBuilder(method).append(' ').append(path.replace(" ", "%20").replace("\n", "%0A"))
                .append(" HTTP/1.1\r\nHost: localhost\r\n");
        String ct = m.pick(CONTENT_TYPES);
        if (!ct.isEmpty()) {
            head.append("Content-Type: ").append(ct).append("\r\n");
        }
        if (m.nextInt(10) == 0) {
            head.append(m.pick(new String[] {"Accept: */*", "Content-Encoding: gzip", "Transfer-Encoding: identity",
                    "Expect: 100-continue", "X-Authorization: Bearer x", "Accept-Charset: nope"})).append("\r\n");
        }
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** Reads one response and classifies it; false when the connection cannot be used again. */
    private static boolean answer(Conn c, String name, boolean coding, FuzzReport report) {
        try {
            String status = line(c.in);
            if (status == null) {
                report.answer("closed");
                return false;
            }
            String[] parts = status.split(" ");
            int code = parts.length > 1 && parts[1].matches("\\d{3}") ? Integer.parseInt(parts[1]) : -1;
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            for (String h = line(c.in); h != null && !h.isEmpty(); h = line(c.in)) {
                String lower = h.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true;
                }
            }
            if (code >= 100 && code < 200) {
                return answer(c, name, coding, report); // an interim answer (100 Continue): the final one follows
            }
            boolean noBody = name.contains(": HEAD ") || code == 204 || code == 304;
            if (noBody) {
                // nothing follows the headers
            } else if (chunked) {
                for (long n = Long.parseLong(line(c.in).trim(), 16); n > 0; n = Long.parseLong(line(c.in).trim(), 16)) {
                    c.in.readNBytes((int) n);
                    line(c.in);
                }
                line(c.in);
            } else if (length > 0) {
                c.in.readNBytes((int) length);
            }
            if (code == 501 && coding) {
                // RFC 9112 6.1: a transfer coding the server does not implement is answered 501.
                report.answer("501 unknown transfer coding");
            } else if (code == 505) {
                // RFC 9110 15.6.6: a damaged request line naming an HTTP version the server does not speak.
                report.answer("505 HTTP version not supported");
            } else if (code >= 500) {
                report.serverError("HTTP " + code, name);
            } else {
                report.answer(code < 0 ? "not HTTP" : (code / 100) + "xx");
            }
            return !close && code >= 0;
        } catch (SocketTimeoutException e) {
            report.answer("no answer");
            return false;
        } catch (IOException | RuntimeException e) {
            report.answer("closed");
            return false;
        }
    }

    private static String line(InputStream in) throws IOException {
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
