package io.mote.dao;

/** How time-series values are combined per interval; NONE returns raw values. */
public enum Aggregation {
    NONE, MIN, MAX, AVG, SUM, COUNT
}
