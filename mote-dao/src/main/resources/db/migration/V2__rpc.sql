-- Persistent server-side RPC: stored until delivered and answered, expired, or timed out.
CREATE TABLE rpc (
    id              uuid PRIMARY KEY,
    created_time    bigint      NOT NULL,
    tenant_id       uuid        NOT NULL,
    device_id       uuid        NOT NULL REFERENCES device (id) ON DELETE CASCADE,
    request_id      integer     NOT NULL,
    expiration_time bigint      NOT NULL,
    request         text        NOT NULL,
    response        text,
    status          varchar(32) NOT NULL,
    additional_info text,
    status_history  text        NOT NULL DEFAULT '[]'
);
CREATE INDEX rpc_device_status ON rpc (device_id, status);
CREATE INDEX rpc_device_created ON rpc (device_id, created_time);
CREATE INDEX rpc_open_expiration ON rpc (expiration_time) WHERE status IN ('QUEUED', 'SENT', 'DELIVERED');
