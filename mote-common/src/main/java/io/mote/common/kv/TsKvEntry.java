package io.mote.common.kv;

/** A key-value entry at a point in time (milliseconds since the epoch). */
public record TsKvEntry(long ts, KvEntry kv) {
    public String key() {
        return kv.key();
    }
}
