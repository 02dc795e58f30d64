-- ThingsBoard's optimistic locking of devices: each save increments the version; a save that carries
-- an outdated version is refused.
ALTER TABLE device ADD COLUMN version bigint NOT NULL DEFAULT 1;
