package io.mote.common.kv;

/** An attribute value and the time it was last written. */
public record AttributeKvEntry(KvEntry kv, long lastUpdateTs) {
    public String key() {
        return kv.key();
    }
}
