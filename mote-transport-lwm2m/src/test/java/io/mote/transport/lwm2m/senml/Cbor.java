package io.mote.transport.lwm2m.senml;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Writes CBOR items with the exact encoding a test asks for (integer major types, float widths). */
final class Cbor {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static Cbor array(int n) {
        Cbor c = new Cbor();
        c.head(4, n);
        return c;
    }

    Cbor map(int n) {
        head(5, n);
        return this;
    }

    /** An integer, major type 0 when non-negative, 1 when negative. */
    Cbor integer(long v) {
        if (v >= 0) {
            head(0, v);
        } else {
            head(1, -1 - v);
        }
        return this;
    }

    Cbor text(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        head(3, b.length);
        out.writeBytes(b);
        return this;
    }

    Cbor bytes(byte[] b) {
        head(2, b.length);
        out.writeBytes(b);
        return this;
    }

    Cbor bool(boolean v) {
        out.write(v ? 0xf5 : 0xf4);
        return this;
    }

    /** A half-precision float (IEEE 754 binary16); only values it holds exactly. */
    Cbor half(float v) {
        out.write(0xf9);
        int bits = Float.floatToIntBits(v);
        int sign = (bits >>> 16) & 0x8000;
        int exp = ((bits >>> 23) & 0xff) - 127 + 15;
        int h = v == 0 ? sign : sign | (exp << 10) | ((bits >>> 13) & 0x3ff);
        out.write((h >> 8) & 0xff);
        out.write(h & 0xff);
        return this;
    }

    Cbor single(float v) {
        out.write(0xfa);
        out.writeBytes(ByteBuffer.allocate(4).putFloat(v).array());
        return this;
    }

    Cbor dbl(double v) {
        out.write(0xfb);
        out.writeBytes(ByteBuffer.allocate(8).putDouble(v).array());
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    private void head(int major, long v) {
        int m = major << 5;
        if (v < 24) {
            out.write(m | (int) v);
        } else if (v < 0x100) {
            out.write(m | 24);
            out.write((int) v);
        } else if (v < 0x10000) {
            out.write(m | 25);
            out.writeBytes(ByteBuffer.allocate(2).putShort((short) v).array());
        } else if (v < 0x100000000L) {
            out.write(m | 26);
            out.writeBytes(ByteBuffer.allocate(4).putInt((int) v).array());
        } else {
            out.write(m | 27);
            out.writeBytes(ByteBuffer.allocate(8).putLong(v).array());
        }
    }
}
