-- OTA update packages (firmware and software) and their files.

CREATE TABLE ota_package (
    id                 uuid PRIMARY KEY,
    created_time       bigint        NOT NULL,
    tenant_id          uuid          NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    device_profile_id  uuid          NOT NULL REFERENCES device_profile (id) ON DELETE CASCADE,
    type               varchar(32)   NOT NULL,
    title              varchar(255)  NOT NULL,
    version            varchar(255)  NOT NULL,
    tag                varchar(255),
    url                varchar(1024),
    has_data           boolean       NOT NULL DEFAULT false,
    file_name          varchar(255),
    content_type       varchar(255),
    checksum_algorithm varchar(32),
    checksum           varchar(1024),
    data_size          bigint,
    external_id        uuid,
    additional_info    text,
    CONSTRAINT ota_package_tenant_type_title_version_unq UNIQUE (tenant_id, type, title, version)
);
CREATE INDEX ota_package_profile_type ON ota_package (device_profile_id, type);

-- A package's file in fixed-size chunks (the application's chunk size; the last one may be shorter),
-- so that uploads and downloads stream and a byte range reads only the chunks it covers. Stored
-- uncompressed (firmware images rarely compress), which lets substring() fetch a slice of a chunk
-- without reading all of it.
CREATE TABLE ota_package_data (
    package_id uuid    NOT NULL REFERENCES ota_package (id) ON DELETE CASCADE,
    chunk_no   integer NOT NULL,
    data       bytea   NOT NULL,
    PRIMARY KEY (package_id, chunk_no)
);
ALTER TABLE ota_package_data ALTER COLUMN data SET STORAGE EXTERNAL;

-- Until now nothing could check these references: drop any that a client stored, then let the
-- database keep them valid (an assigned package cannot be deleted).
UPDATE device SET firmware_id = NULL, software_id = NULL WHERE firmware_id IS NOT NULL OR software_id IS NOT NULL;
UPDATE device_profile SET firmware_id = NULL, software_id = NULL
 WHERE firmware_id IS NOT NULL OR software_id IS NOT NULL;
ALTER TABLE device ADD CONSTRAINT device_firmware_fk FOREIGN KEY (firmware_id) REFERENCES ota_package (id);
ALTER TABLE device ADD CONSTRAINT device_software_fk FOREIGN KEY (software_id) REFERENCES ota_package (id);
ALTER TABLE device_profile ADD CONSTRAINT device_profile_firmware_fk FOREIGN KEY (firmware_id) REFERENCES ota_package (id);
ALTER TABLE device_profile ADD CONSTRAINT device_profile_software_fk FOREIGN KEY (software_id) REFERENCES ota_package (id);
CREATE INDEX device_firmware ON device (firmware_id) WHERE firmware_id IS NOT NULL;
CREATE INDEX device_software ON device (software_id) WHERE software_id IS NOT NULL;
CREATE INDEX device_profile_no_firmware ON device (device_profile_id, id) WHERE firmware_id IS NULL;
CREATE INDEX device_profile_no_software ON device (device_profile_id, id) WHERE software_id IS NULL;
