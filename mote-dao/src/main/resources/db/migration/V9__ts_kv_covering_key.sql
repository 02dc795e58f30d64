-- Aggregations read only ts, long_v and dbl_v of one key's range: with both values in the primary key's
-- leaf entries they are answered by an index-only scan, never touching the table (half the pages read at
-- 10 million points). This replaces the primary key rather than adding an index, so a write still updates
-- one index. The key columns are unchanged (V8's, which end with the partition key ttl), so the writer's
-- ON CONFLICT (entity_id, key, ts, ttl) still finds it; the parent's key is rebuilt on every partition.
DO $$
DECLARE
    pk text;
BEGIN
    SELECT conname INTO pk FROM pg_constraint WHERE conrelid = 'ts_kv'::regclass AND contype = 'p';
    IF pk IS NOT NULL THEN
        EXECUTE format('ALTER TABLE ts_kv DROP CONSTRAINT %I', pk);
    END IF;
END $$;
ALTER TABLE ts_kv ADD CONSTRAINT ts_kv_pkey PRIMARY KEY (entity_id, key, ts, ttl) INCLUDE (long_v, dbl_v);
