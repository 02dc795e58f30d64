package io.mote.core.query;

import java.util.Map;

import io.mote.common.id.EntityId;

/**
 * One entity of an entity data query's answer, in ThingsBoard's JSON: {@code latest} maps a key type
 * ({@code ENTITY_FIELD}, {@code TIME_SERIES}, ...) to the asked keys' values; {@code timeseries} stays empty
 * (Mote's query has no time window).
 */
public record EntityData(EntityId entityId, Map<String, Map<String, TsValue>> latest,
                         Map<String, TsValue[]> timeseries) {

    /** A value as text with its timestamp; a key without a value has ts 0 and the value "". */
    public record TsValue(long ts, String value) {
        static final TsValue EMPTY = new TsValue(0, "");
    }
}
