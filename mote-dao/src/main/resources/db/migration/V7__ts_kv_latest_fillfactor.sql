-- Every data point rewrites its key's ts_kv_latest row. With room left in each page the new row version
-- goes into the same page and no index entry is added (a HOT update), so the table and its primary key
-- stay the size of one row per device and key instead of growing with every write until vacuumed.
ALTER TABLE ts_kv_latest SET (fillfactor = 50);
