package io.mote.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Just enough of RFC 7252's message format to build requests and read answers, malformed ones included. */
public final class CoapCodec {

    public static final int CON = 0;
    public static final int NON = 1;
    public static final int ACK = 2;
    public static final int RST = 3;

    public static final int GET = 1;
    public static final int POST = 2;
    public static final int PUT = 3;
    public static final int DELETE = 4;

    public static final int OBSERVE = 6;
    public static final int URI_PATH = 11;
    public static final int CONTENT_FORMAT = 12;
    public static final int URI_QUERY = 15;
    public static final int ACCEPT = 17;
    public static final int BLOCK2 = 23;
    public static final int BLOCK1 = 27;
    public static final int SIZE1 = 60;
    public static final int LOCATION_PATH = 8;

    private CoapCodec() {
    }

    public record Option(int number, byte[] value) {
        public static Option text(int number, String value) {
            return new Option(number, value.getBytes(StandardCharsets.UTF_8));
        }

        public static Option uint(int number, long value) {
            int len = value == 0 ? 0 : value < 0x100 ? 1 : value < 0x10000 ? 2 : value < 0x1000000 ? 3 : 4;
            byte[] b = new byte[len];
            for (int i = 0; i < len; i++) {
                b[len - 1 - i] = (byte) (value >>> (8 * i));
            }
            return new Option(number, b);
        }
    }

    /** A message; options are sorted by number as the format requires. */
    public static byte[] encode(int type, int code, int mid, byte[] token, List<Option> options, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x40 | (type << 4) | token.length);
        out.write(code);
        out.write(mid >> 8);
        out.write(mid);
        out.writeBytes(token);
        List<Option> sorted = new ArrayList<>(options);
        sorted.sort(Comparator.comparingInt(Option::number));
        int last = 0;
        for (Option o : sorted) {
            int delta = o.number() - last;
            last = o.number();
            int len = o.value().length;
            out.write((nibble(delta) << 4) | nibble(len));
            extended(out, delta);
            extended(out, len);
            out.writeBytes(o.value());
        }
        if (payload != null && payload.length > 0) {
            out.write(0xff);
            out.writeBytes(payload);
        }
        return out.toByteArray();
    }

    private static int nibble(int v) {
        return v < 13 ? v : v < 269 ? 13 : 14;
    }

    private static void extended(ByteArrayOutputStream out, int v) {
        if (v >= 269) {
            out.write((v - 269) >> 8);
            out.write(v - 269);
        } else if (v >= 13) {
            out.write(v - 13);
        }
    }

    public static List<Option> path(String path) {
        List<Option> o = new ArrayList<>();
        for (String seg : path.split("/")) {
            if (!seg.isEmpty()) {
                o.add(Option.text(URI_PATH, seg));
            }
        }
        return o;
    }

    /** The parts of an answer the fuzzers look at; null when it is too short to be a message. */
    public record Message(int type, int code, int mid, byte[] token, List<Option> options) {
        public String codeText() {
            return (code >> 5) + "." + String.format("%02d", code & 0x1f);
        }

        public boolean isRequest() {
            return code >= 1 && code < 32;
        }

        public boolean isResponse() {
            return code >= 64;
        }

        public String locationPath() {
            StringBuilder s = new StringBuilder();
            for (Option o : options) {
                if (o.number() == LOCATION_PATH) {
                    s.append('/').append(new String(o.value(), StandardCharsets.UTF_8));
                }
            }
            return s.toString();
        }
    }

    public static Message decode(byte[] b, int length) {
        if (length < 4 || (b[0] & 0xc0) != 0x40) {
            return null;
        }
        int tkl = b[0] & 0x0f;
        if (tkl > 8 || 4 + tkl > length) {
            return null;
        }
        byte[] token = java.util.Arrays.copyOfRange(b, 4, 4 + tkl);
        List<Option> options = new ArrayList<>();
        int i = 4 + tkl;
        int number = 0;
        while (i < length && (b[i] & 0xff) != 0xff) {
            int delta = (b[i] & 0xff) >> 4;
            int len = b[i] & 0x0f;
            i++;
            if (delta == 13) {
                delta = 13 + (b[i++] & 0xff);
            } else if (delta == 14) {
                delta = 269 + ((b[i] & 0xff) << 8 | (b[i + 1] & 0xff));
                i += 2;
            }
            if (len == 13) {
                len = 13 + (b[i++] & 0xff);
            } else if (len == 14) {
                len = 269 + ((b[i] & 0xff) << 8 | (b[i + 1] & 0xff));
                i += 2;
            }
            if (delta == 15 || len == 15 || i + len > length) {
                break;
            }
            number += delta;
            options.add(new Option(number, java.util.Arrays.copyOfRange(b, i, i + len)));
            i += len;
        }
        return new Message((b[0] >> 4) & 0x03, b[1] & 0xff, (b[2] & 0xff) << 8 | (b[3] & 0xff), token, options);
    }
}
