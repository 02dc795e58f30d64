package io.mote.server.it.lwm2m;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** One SenML CBOR record written byte by byte, so a test chooses the integer major type and float width. */
final class SenmlCbor {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** {@code [{-2: bn, -3: bt, 0: n, 2: value}]}, leaving out a null bt or n. */
    static byte[] record(String bn, Long bt, String n, Consumer<SenmlCbor> value) {
        SenmlCbor c = new SenmlCbor();
        c.head(4, 1);
        c.head(5, 2 + (bt != null ? 1 : 0) + (n != null ? 1 : 0));
        c.integer(-2).text(bn);
        if (bt != null) {
            c.integer(-3).integer(bt);
        }
        if (n != null) {
            c.integer(0).text(n);
        }
        c.integer(2);
        value.accept(c);
        return c.out.toByteArray();
    }

    /** Major type 0 for non-negative values, 1 for negative ones. */
    SenmlCbor integer(long v) {
        if (v >= 0) {
            head(0, v);
        } else {
            head(1, -1 - v);
        }
        return this;
    }

    SenmlCbor text(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        head(3, b.length);
        out.writeBytes(b);
        return this;
    }

    /** binary16; for normal values that it holds exactly. */
    SenmlCbor half(float v) {
        int bits = Float.floatToIntBits(v);
        int h = ((bits >>> 16) & 0x8000) | ((((bits >>> 23) & 0xff) - 127 + 15) << 10) | ((bits >>> 13) & 0x3ff);
        out.write(0xf9);
        out.write((h >> 8) & 0xff);
        out.write(h & 0xff);
        return this;
    }

    SenmlCbor single(float v) {
        out.write(0xfa);
        out.writeBytes(ByteBuffer.allocate(4).putFloat(v).array());
        return this;
    }

    SenmlCbor dbl(double v) {
        out.write(0xfb);
        out.writeBytes(ByteBuffer.allocate(8).putDouble(v).array());
        return this;
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
        } else {
            out.write(m | 26);
            out.writeBytes(ByteBuffer.allocate(4).putInt((int) v).array());
        }
    }
}
