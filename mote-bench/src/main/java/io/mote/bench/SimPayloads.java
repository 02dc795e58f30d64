package io.mote.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The content formats a simulated LwM2M client answers a Read or Observe of one resource in, written by hand
 * (a few bytes each) so the generator needs no Leshan encoder per client: plain text, TLV, SenML JSON,
 * SenML CBOR and the LwM2M 1.0 JSON. A value is a long (integer resources) or a double (float resources).
 */
final class SimPayloads {

    static final int TEXT = 0;
    static final int LINK = 40;
    static final int SENML_JSON = 110;
    static final int SENML_CBOR = 112;
    static final int TLV = 11542;
    static final int OMA_JSON = 11543;

    private SimPayloads() {
    }

    /** Whether a client of this LwM2M version answers in this format. */
    static boolean supported(int format, String lwm2mVersion) {
        return switch (format) {
            case TEXT, TLV -> true;
            case OMA_JSON -> lwm2mVersion.equals("1.0");
            case SENML_JSON, SENML_CBOR -> !lwm2mVersion.equals("1.0");
            default -> false;
        };
    }

    /** {@code path} like "3/0/9" (no leading slash); {@code resourceId} its last segment. */
    static byte[] encode(int format, String path, int resourceId, Number value) {
        boolean isFloat = value instanceof Double;
        return switch (format) {
            case TEXT -> value.toString().getBytes(StandardCharsets.US_ASCII);
            case TLV -> tlv(resourceId, isFloat ? doubleBytes(value.doubleValue()) : longBytes(value.longValue()));
            case SENML_JSON -> ("[{\"bn\":\"/" + path + "\",\"v\":" + value + "}]").getBytes(StandardCharsets.US_ASCII);
            case OMA_JSON -> {
                String base = path.substring(0, path.lastIndexOf('/') + 1);
                yield ("{\"bn\":\"/" + base + "\",\"e\":[{\"n\":\"" + resourceId + "\",\"v\":" + value + "}]}")
                        .getBytes(StandardCharsets.US_ASCII);
            }
            case SENML_CBOR -> senmlCbor("/" + path, value);
            default -> throw new IllegalArgumentException("format " + format);
        };
    }

    /** One resource-with-value TLV entry (OMA-TS-LightweightM2M-V1_0 6.4.3). */
    private static byte[] tlv(int id, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 5);
        boolean wideId = id > 255;
        int type = 0b1100_0000 | (wideId ? 0b0010_0000 : 0);
        if (value.length <= 7) {
            out.write(type | value.length);
        } else {
            out.write(type | 0b0000_1000);
        }
        if (wideId) {
            out.write(id >> 8);
        }
        out.write(id & 0xFF);
        if (value.length > 7) {
            out.write(value.length);
        }
        out.writeBytes(value);
        return out.toByteArray();
    }

    /** The shortest two's-complement big-endian form of 1, 2, 4 or 8 bytes. */
    private static byte[] longBytes(long v) {
        int n = v == (byte) v ? 1 : v == (short) v ? 2 : v == (int) v ? 4 : 8;
        byte[] b = new byte[n];
        for (int i = n - 1; i >= 0; i--) {
            b[i] = (byte) v;
            v >>= 8;
        }
        return b;
    }

    private static byte[] doubleBytes(double d) {
        long bits = Double.doubleToLongBits(d);
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) bits;
            bits >>= 8;
        }
        return b;
    }

    /** [{-2 (base name): path, 2 (value): number}] in CBOR (RFC 8428 section 6). */
    private static byte[] senmlCbor(String path, Number value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(path.length() + 16);
        out.write(0x81); // array of one record
        out.write(0xA2); // map of two pairs
        out.write(0x21); // -2: bn
        byte[] name = path.getBytes(StandardCharsets.US_ASCII);
        if (name.length < 24) {
            out.write(0x60 | name.length);
        } else {
            out.write(0x78);
            out.write(name.length);
        }
        out.writeBytes(name);
        out.write(0x02); // 2: v
        if (value instanceof Double d) {
            out.write(0xFB);
            out.writeBytes(doubleBytes(d));
        } else {
            long v = value.longValue();
            int major = v < 0 ? 0x20 : 0x00;
            long u = v < 0 ? -1 - v : v;
            if (u < 24) {
                out.write(major | (int) u);
            } else if (u < 256) {
                out.write(major | 24);
                out.write((int) u);
            } else if (u < 65536) {
                out.write(major | 25);
                out.write((int) (u >> 8));
                out.write((int) u & 0xFF);
            } else {
                out.write(major | 27);
                out.writeBytes(longBytes8(u));
            }
        }
        return out.toByteArray();
    }

    private static byte[] longBytes8(long v) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) v;
            v >>= 8;
        }
        return b;
    }
}
