package io.mote.cluster.codec;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import io.mote.common.kv.AttributeKvEntry;
import io.mote.common.kv.KvEntry;
import io.mote.common.kv.TsKvEntry;
import io.mote.transport.api.DeviceInfo;

/** Writes a message body in the cluster's compact binary form (big-endian, strings as UTF-8). */
public final class Out {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    private final DataOutputStream out = new DataOutputStream(bytes);

    public byte[] toBytes() {
        return bytes.toByteArray();
    }

    public Out bool(boolean v) {
        return io(() -> out.writeBoolean(v));
    }

    public Out i32(int v) {
        return io(() -> out.writeInt(v));
    }

    public Out i64(long v) {
        return io(() -> out.writeLong(v));
    }

    /** Null-safe. */
    public Out str(String s) {
        if (s == null) {
            return i32(-1);
        }
        return bin(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Null-safe. */
    public Out bin(byte[] b) {
        if (b == null) {
            return i32(-1);
        }
        i32(b.length);
        return io(() -> out.write(b));
    }

    /** Null-safe. */
    public Out uuid(UUID id) {
        bool(id != null);
        if (id != null) {
            i64(id.getMostSignificantBits());
            i64(id.getLeastSignificantBits());
        }
        return this;
    }

    /** Null-safe: a null collection stays distinct from an empty one. */
    public Out strs(Collection<String> list) {
        if (list == null) {
            return i32(-1);
        }
        i32(list.size());
        list.forEach(this::str);
        return this;
    }

    public Out device(DeviceInfo d) {
        bool(d != null);
        if (d != null) {
            uuid(d.tenantId()).uuid(d.deviceId()).str(d.deviceName()).str(d.deviceType()).uuid(d.deviceProfileId())
                    .bool(d.gateway());
        }
        return this;
    }

    public Out kv(KvEntry kv) {
        str(kv.key()).i32(kv.type().ordinal());
        switch (kv.type()) {
            case BOOLEAN -> bool((Boolean) kv.value());
            case LONG -> i64((Long) kv.value());
            case DOUBLE -> io(() -> out.writeDouble((Double) kv.value()));
            default -> str((String) kv.value());
        }
        return this;
    }

    public Out kvs(List<KvEntry> list) {
        i32(list.size());
        list.forEach(this::kv);
        return this;
    }

    public Out tsKvs(List<TsKvEntry> list) {
        i32(list.size());
        for (TsKvEntry e : list) {
            i64(e.ts()).kv(e.kv());
        }
        return this;
    }

    public Out attrs(List<AttributeKvEntry> list) {
        i32(list.size());
        for (AttributeKvEntry e : list) {
            i64(e.lastUpdateTs()).kv(e.kv());
        }
        return this;
    }

    private interface Io {
        void run() throws IOException;
    }

    private Out io(Io w) {
        try {
            w.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }
}
