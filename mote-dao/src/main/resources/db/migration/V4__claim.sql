-- Device claiming: a device's request to be claimed, kept until a user claims it (one use) or it expires.
CREATE TABLE device_claim (
    device_id       uuid PRIMARY KEY REFERENCES device (id) ON DELETE CASCADE,
    secret_key      varchar(255) NOT NULL,
    expiration_time bigint       NOT NULL
);
