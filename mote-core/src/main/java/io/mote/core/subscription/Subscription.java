package io.mote.core.subscription;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

import io.mote.common.kv.AttributeScope;
import io.mote.common.kv.TsKvEntry;

/**
 * A live subscription of an application to an entity's time series or attributes. {@code keys} null
 * means every key; {@code scope} null means every attribute scope. Attribute values reach the sink as
 * entries stamped with their last update time.
 */
public record Subscription(UUID entityId, Kind kind, AttributeScope scope, Set<String> keys,
                           Consumer<List<TsKvEntry>> sink) {

    public enum Kind { TIMESERIES, ATTRIBUTES }

    boolean wants(String key) {
        return keys == null || keys.contains(key);
    }
}
