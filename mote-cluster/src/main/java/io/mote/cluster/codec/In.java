package io.mote.cluster.codec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.mote.common.kv.AttributeKvEntry;
import io.mote.common.kv.DataType;
import io.mote.common.kv.KvEntry;
import io.mote.common.kv.TsKvEntry;
import io.mote.transport.api.DeviceInfo;

/** Reads what {@link Out} wrote; a truncated or corrupt body throws {@link IllegalArgumentException}. */
public final class In {

    private static final DataType[] TYPES = DataType.values();

    private final ByteBuffer buf;

    public In(byte[] body) {
        this.buf = ByteBuffer.wrap(body == null ? new byte[0] : body);
    }

    public boolean bool() {
        return guard(() -> buf.get() != 0);
    }

    public int i32() {
        return guard(buf::getInt);
    }

    public long i64() {
        return guard(buf::getLong);
    }

    public double f64() {
        return guard(buf::getDouble);
    }

    public String str() {
        byte[] b = bin();
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    public byte[] bin() {
        int n = i32();
        if (n < 0) {
            return null;
        }
        if (n > buf.remaining()) {
            throw new IllegalArgumentException("truncated message");
        }
        byte[] b = new byte[n];
        buf.get(b);
        return b;
    }

    public UUID uuid() {
        return bool() ? new UUID(i64(), i64()) : null;
    }

    public List<String> strs() {
        int n = count();
        if (n < 0) {
            return null;
        }
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(str());
        }
        return out;
    }

    public DeviceInfo device() {
        if (!bool()) {
            return null;
        }
        return new DeviceInfo(uuid(), uuid(), str(), str(), uuid(), bool());
    }

    public KvEntry kv() {
        String key = str();
        int t = i32();
        if (t < 0 || t >= TYPES.length) {
            throw new IllegalArgumentException("unknown data type " + t);
        }
        DataType type = TYPES[t];
        Object value = switch (type) {
            case BOOLEAN -> bool();
            case LONG -> i64();
            case DOUBLE -> f64();
            default -> str();
        };
        return new KvEntry(key, type, value);
    }

    public List<KvEntry> kvs() {
        int n = count();
        List<KvEntry> out = new ArrayList<>(Math.max(0, n));
        for (int i = 0; i < n; i++) {
            out.add(kv());
        }
        return out;
    }

    public List<TsKvEntry> tsKvs() {
        int n = count();
        List<TsKvEntry> out = new ArrayList<>(Math.max(0, n));
        for (int i = 0; i < n; i++) {
            long ts = i64();
            out.add(new TsKvEntry(ts, kv()));
        }
        return out;
    }

    public List<AttributeKvEntry> attrs() {
        int n = count();
        List<AttributeKvEntry> out = new ArrayList<>(Math.max(0, n));
        for (int i = 0; i < n; i++) {
            long ts = i64();
            out.add(new AttributeKvEntry(kv(), ts));
        }
        return out;
    }

    /** A list's length, checked against what is left so a corrupt length cannot allocate much. */
    private int count() {
        int n = i32();
        if (n > buf.remaining()) {
            throw new IllegalArgumentException("corrupt list length " + n);
        }
        return n;
    }

    private interface Read<T> {
        T get();
    }

    private static <T> T guard(Read<T> r) {
        try {
            return r.get();
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated message");
        }
    }
}
