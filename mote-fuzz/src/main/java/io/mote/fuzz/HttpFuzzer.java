package io.mote.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import io.mote.fuzz.HttpWire.Conn;

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

    public FuzzReport run(long seed, int count) throws IOException {
        return run(seed, count, 1);
    }

    /** {@code count} inputs over {@code parallel} connections at once, each worker from its own sub-seed. */
    public FuzzReport run(long seed, int count, int parallel) throws IOException {
        FuzzReport report = new FuzzReport("http");
        Workers.run(seed, count, parallel, (k, subSeed, share) -> worker(subSeed, share, report));
        report.finish();
        return report;
    }

    private void worker(long seed, int count, FuzzReport report) throws IOException {
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
                    boolean incomplete = incomplete(text);
                    try (Conn fresh = new Conn(target)) {
                        // A damaged request may have become a long poll of the default minute: not worth waiting
                        // for. One the generator knows to be cut short (headers without their end, a body shorter
                        // than its Content-Length) ends with the stream: the server sees the end at once.
                        fresh.socket.setSoTimeout(incomplete ? 2_000 : 5_000);
                        fresh.out.write(request);
                        fresh.out.flush();
                        fresh.socket.shutdownOutput();
                        answer(fresh, name, coding, incomplete, report);
                    } catch (IOException e) {
                        report.answer(incomplete ? "incomplete request, closed" : "closed");
                    }
                    continue;
                }
                if (c == null) {
                    c = new Conn(target);
                }
                try {
                    c.out.write(request);
                    c.out.flush();
                    if (!answer(c, name, coding, false, report)) {
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
    }

    /** Whether a (damaged) request lacks the end of its headers or some of the body its Content-Length announces. */
    static boolean incomplete(String request) {
        int end = request.indexOf("\r\n\r\n");
        if (end < 0) {
            return true;
        }
        for (String h : request.substring(0, end).split("\r\n")) {
            int colon = h.indexOf(':');
            if (colon > 0 && h.substring(0, colon).trim().equalsIgnoreCase("Content-Length")) {
                try {
                    return Long.parseLong(h.substring(colon + 1).trim()) > request.length() - end - 4;
                } catch (NumberFormatException e) {
                    return false; // not a length: the server refuses the request
                }
            }
        }
        return false;
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
    private static boolean answer(Conn c, String name, boolean coding, boolean incomplete, FuzzReport report) {
        try {
            HttpWire.Response r = HttpWire.read(c.in, name.contains(": HEAD "));
            if (r == null) {
                report.answer(incomplete ? "incomplete request, closed" : "closed");
                return false;
            }
            int code = r.code();
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
            return !r.close();
        } catch (SocketTimeoutException e) {
            report.answer(incomplete ? "incomplete request, no answer" : "no answer");
            return false;
        } catch (IOException | RuntimeException e) {
            report.answer(incomplete ? "incomplete request, closed" : "closed");
            return false;
        }
    }
}
