-- The resource library: LwM2M object models (DDF XML) and, later, other files. A system resource
-- (tenant_id = the null UUID) serves every tenant; a tenant's resource with the same key overrides it.
CREATE TABLE resource (
    id             uuid PRIMARY KEY,
    created_time   bigint       NOT NULL,
    tenant_id      uuid         NOT NULL,
    title          varchar(255) NOT NULL,
    resource_type  varchar(32)  NOT NULL,
    resource_key   varchar(255) NOT NULL,
    search_text    varchar(512),
    file_name      varchar(255),
    etag           varchar(64),
    object_id      integer,
    object_version varchar(16),
    data           bytea        NOT NULL,
    CONSTRAINT resource_unq_key UNIQUE (tenant_id, resource_type, resource_key)
);
CREATE INDEX resource_tenant_type ON resource (tenant_id, resource_type);
