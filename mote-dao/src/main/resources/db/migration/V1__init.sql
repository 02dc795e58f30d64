-- Mote schema, version 1: accounts, devices and their profiles and credentials, telemetry, attributes.

CREATE TABLE tenant (
    id              uuid PRIMARY KEY,
    created_time    bigint       NOT NULL,
    title           varchar(255) NOT NULL,
    region          varchar(255),
    country         varchar(255),
    state           varchar(255),
    city            varchar(255),
    address         varchar(1024),
    address2        varchar(1024),
    zip             varchar(255),
    phone           varchar(255),
    email           varchar(255),
    additional_info text
);

CREATE TABLE customer (
    id              uuid PRIMARY KEY,
    created_time    bigint       NOT NULL,
    tenant_id       uuid         NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    title           varchar(255) NOT NULL,
    country         varchar(255),
    state           varchar(255),
    city            varchar(255),
    address         varchar(1024),
    address2        varchar(1024),
    zip             varchar(255),
    phone           varchar(255),
    email           varchar(255),
    additional_info text,
    CONSTRAINT customer_title_unq UNIQUE (tenant_id, title)
);

CREATE TABLE tb_user (
    id              uuid PRIMARY KEY,
    created_time    bigint       NOT NULL,
    tenant_id       uuid REFERENCES tenant (id) ON DELETE CASCADE,
    customer_id     uuid REFERENCES customer (id) ON DELETE CASCADE,
    email           varchar(255) NOT NULL,
    authority       varchar(32)  NOT NULL,
    first_name      varchar(255),
    last_name       varchar(255),
    phone           varchar(255),
    additional_info text,
    CONSTRAINT tb_user_email_unq UNIQUE (email)
);

CREATE TABLE user_credentials (
    user_id        uuid PRIMARY KEY REFERENCES tb_user (id) ON DELETE CASCADE,
    enabled        boolean NOT NULL,
    password_hash  varchar(255),
    activate_token varchar(255) UNIQUE
);

CREATE TABLE api_key (
    id              uuid PRIMARY KEY,
    created_time    bigint       NOT NULL,
    user_id         uuid         NOT NULL REFERENCES tb_user (id) ON DELETE CASCADE,
    description     varchar(1024),
    value_hash      varchar(128) NOT NULL UNIQUE,
    expiration_time bigint       NOT NULL DEFAULT 0,
    enabled         boolean      NOT NULL DEFAULT true
);

CREATE TABLE device_profile (
    id                     uuid PRIMARY KEY,
    created_time           bigint       NOT NULL,
    tenant_id              uuid         NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    name                   varchar(255) NOT NULL,
    description            text,
    type                   varchar(32)  NOT NULL,
    transport_type         varchar(32)  NOT NULL,
    provision_type         varchar(64)  NOT NULL,
    profile_data           text         NOT NULL,
    is_default             boolean      NOT NULL DEFAULT false,
    provision_device_key   varchar(255) UNIQUE,
    firmware_id            uuid,
    software_id            uuid,
    default_rule_chain_id  uuid,
    default_queue_name     varchar(255),
    image                  text,
    default_dashboard_id   uuid,
    CONSTRAINT device_profile_name_unq UNIQUE (tenant_id, name)
);
CREATE UNIQUE INDEX device_profile_one_default ON device_profile (tenant_id) WHERE is_default;

CREATE TABLE device (
    id                uuid PRIMARY KEY,
    created_time      bigint       NOT NULL,
    tenant_id         uuid         NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    customer_id       uuid,
    name              varchar(255) NOT NULL,
    type              varchar(255) NOT NULL,
    label             varchar(255),
    device_profile_id uuid         NOT NULL REFERENCES device_profile (id),
    device_data       text,
    firmware_id       uuid,
    software_id       uuid,
    additional_info   text,
    CONSTRAINT device_name_unq UNIQUE (tenant_id, name)
);
CREATE INDEX device_tenant_created ON device (tenant_id, created_time);
CREATE INDEX device_customer ON device (tenant_id, customer_id);
CREATE INDEX device_profile_ref ON device (device_profile_id);

CREATE TABLE device_credentials (
    id                uuid PRIMARY KEY,
    created_time      bigint       NOT NULL,
    device_id         uuid         NOT NULL UNIQUE REFERENCES device (id) ON DELETE CASCADE,
    credentials_type  varchar(32)  NOT NULL,
    credentials_id    varchar(1024) NOT NULL UNIQUE,
    credentials_value text
);

-- Telemetry and attribute keys are stored as small integers.
CREATE TABLE key_dictionary (
    key_id serial PRIMARY KEY,
    key    varchar(255) NOT NULL UNIQUE
);

CREATE TABLE ts_kv (
    entity_id uuid    NOT NULL,
    key       integer NOT NULL,
    ts        bigint  NOT NULL,
    bool_v    boolean,
    str_v     text,
    long_v    bigint,
    dbl_v     double precision,
    json_v    text,
    PRIMARY KEY (entity_id, key, ts)
);

CREATE TABLE ts_kv_latest (
    entity_id uuid    NOT NULL,
    key       integer NOT NULL,
    ts        bigint  NOT NULL,
    bool_v    boolean,
    str_v     text,
    long_v    bigint,
    dbl_v     double precision,
    json_v    text,
    PRIMARY KEY (entity_id, key)
);

CREATE TABLE attribute_kv (
    entity_id      uuid     NOT NULL,
    scope          smallint NOT NULL,
    key            integer  NOT NULL,
    bool_v         boolean,
    str_v          text,
    long_v         bigint,
    dbl_v          double precision,
    json_v         text,
    last_update_ts bigint   NOT NULL,
    PRIMARY KEY (entity_id, scope, key)
);

-- Server-wide settings, such as the key that signs access tokens.
CREATE TABLE admin_settings (
    key   varchar(255) PRIMARY KEY,
    value text NOT NULL
);
