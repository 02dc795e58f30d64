package io.mote.common.kv;

/** The value types a telemetry or attribute entry can hold. */
public enum DataType {
    STRING, BOOLEAN, LONG, DOUBLE, JSON
}
