-- ts_kv becomes partitioned, so expired data is dropped a whole partition at a time instead of deleted row by
-- row. First level: LIST by ttl, the points' time to live in seconds rounded up to the partition length
-- (0 = kept forever), so points of different TTLs never share a partition. Second level: RANGE by ts. The
-- partitions themselves are created by the server (TsPartitions): ahead of time and on demand, with the
-- partition length of its settings. The primary key must hold the partition keys; a point is still stored
-- once per (entity, key, ts) as long as it is sent again with the same TTL.
ALTER TABLE ts_kv RENAME TO ts_kv_before_v8;
ALTER TABLE ts_kv_before_v8 DROP CONSTRAINT ts_kv_pkey;

CREATE TABLE ts_kv (
    entity_id uuid    NOT NULL,
    key       integer NOT NULL,
    ttl       integer NOT NULL DEFAULT 0,
    ts        bigint  NOT NULL,
    bool_v    boolean,
    str_v     text,
    long_v    bigint,
    dbl_v     double precision,
    json_v    text,
    PRIMARY KEY (entity_id, key, ts, ttl)
) PARTITION BY LIST (ttl);

CREATE TABLE ts_kv_0 PARTITION OF ts_kv FOR VALUES IN (0) PARTITION BY RANGE (ts);

-- Existing rows keep no TTL: the old table becomes the forever class's partition for every ts up to its
-- newest (no copy; attaching builds its index). Later points get partitions of their own.
DO $$
DECLARE
    newest bigint;
BEGIN
    SELECT max(ts) INTO newest FROM ts_kv_before_v8;
    IF newest IS NULL THEN
        DROP TABLE ts_kv_before_v8;
    ELSE
        ALTER TABLE ts_kv_before_v8 ADD COLUMN ttl integer NOT NULL DEFAULT 0;
        EXECUTE format('ALTER TABLE ts_kv_0 ATTACH PARTITION ts_kv_before_v8 FOR VALUES FROM (MINVALUE) TO (%s)',
                newest + 1);
    END IF;
END $$;

-- The tenant's default TTL of its time series (ThingsBoard's tenant-profile field defaultStorageTtlDays);
-- null or 0: the server's mote.ts.default-ttl-days.
ALTER TABLE tenant ADD COLUMN default_storage_ttl_days integer;
