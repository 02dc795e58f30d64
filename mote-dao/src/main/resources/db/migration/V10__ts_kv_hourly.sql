-- Hourly rollups of ts_kv, so an aggregation over a long range adds one row per hour instead of every point.
-- One row per (entity, key, hour, TTL class) with data: the count of every value, and count, sum, minimum
-- and maximum of the longs and of the doubles apart (an answer of longs alone stays a long). Kept by the
-- server (TsRollups): an hour is rolled up from ts_kv once its partition has closed; a later change to an
-- hour already rolled up (a late point, a point overwritten, a delete) marks it in ts_rollup_dirty, and
-- queries read such an hour from ts_kv until it is rolled up again. Expired partitions take their rollups.
CREATE TABLE ts_kv_hourly (
    entity_id uuid             NOT NULL,
    key       integer          NOT NULL,
    hour      bigint           NOT NULL,
    ttl       integer          NOT NULL,
    cnt       bigint           NOT NULL,
    lcnt      bigint           NOT NULL,
    dcnt      bigint           NOT NULL,
    lsum      numeric,
    lmin      bigint,
    lmax      bigint,
    dsum      double precision,
    dmin      double precision,
    dmax      double precision,
    PRIMARY KEY (entity_id, key, hour, ttl)
);
-- A chunk rolled up again and an expired partition delete their rows by hour.
CREATE INDEX ts_kv_hourly_hour ON ts_kv_hourly (hour, ttl);

-- Hours of a series changed after they were rolled up, waiting to be rolled up again.
CREATE TABLE ts_rollup_dirty (
    entity_id uuid    NOT NULL,
    key       integer NOT NULL,
    hour      bigint  NOT NULL,
    PRIMARY KEY (entity_id, key, hour)
);

-- rolled: every hour in [0, rolled) is rolled up. pending: the end of the chunk being rolled up (>= rolled);
-- a change to a point older than pending marks its hour. Both start at 0: the server rolls up whatever
-- ts_kv already holds, a partition at a time, queries reading ts_kv meanwhile.
CREATE TABLE ts_rollup_state (
    id      integer PRIMARY KEY CHECK (id = 1),
    rolled  bigint  NOT NULL,
    pending bigint  NOT NULL
);
INSERT INTO ts_rollup_state VALUES (1, 0, 0);
