package io.mote.transport.lwm2m.ota;

import io.mote.transport.api.OtaPackageType;

/**
 * The LwM2M object an update goes through, with its resources and how its state and result read: Firmware
 * Update (5) for firmware, Software Management (9) for software.
 */
enum UpdateObject {

    /** Object 5: Package 0, Package URI 1, Update 2, State 3, Update Result 5, PkgVersion 7. */
    FIRMWARE(OtaPackageType.FIRMWARE, 5, "fw_", 0, 1, 2, 3, 5, 7) {
        @Override
        Phase phase(long state) {
            return switch ((int) state) {
                case 1 -> Phase.DOWNLOADING;
                case 2 -> Phase.VERIFIED; // Downloaded: the client entered it after checking the package
                case 3 -> Phase.UPDATING;
                default -> Phase.IDLE;
            };
        }

        @Override
        boolean succeeded(long result) {
            return result == 1;
        }

        @Override
        boolean failed(long result) {
            return result >= 2;
        }

        @Override
        String resultText(long result) {
            return switch ((int) result) {
                case 0 -> "Initial value";
                case 1 -> "Firmware updated successfully";
                case 2 -> "Not enough flash memory for the new firmware package";
                case 3 -> "Out of RAM during downloading process";
                case 4 -> "Connection lost during downloading process";
                case 5 -> "Integrity check failure for new downloaded package";
                case 6 -> "Unsupported package type";
                case 7 -> "Invalid URI";
                case 8 -> "Firmware update failed";
                case 9 -> "Unsupported protocol";
                case 10 -> "Firmware update cancelled";
                case 11 -> "Firmware update deferred";
                default -> "Update Result " + result;
            };
        }

        @Override
        boolean connectionLost(long result) {
            return result == 4;
        }
    },

    /** Object 9: Package 2, Package URI 3, Install 4, Update State 7, Update Result 9, PkgVersion 1. */
    SOFTWARE(OtaPackageType.SOFTWARE, 9, "sw_", 2, 3, 4, 7, 9, 1) {
        @Override
        Phase phase(long state) {
            return switch ((int) state) {
                case 1 -> Phase.DOWNLOADING;
                case 2 -> Phase.DOWNLOADED;
                case 3 -> Phase.VERIFIED; // Delivered: downloaded and its integrity verified
                case 4 -> Phase.INSTALLED;
                default -> Phase.IDLE;
            };
        }

        @Override
        boolean succeeded(long result) {
            return result == 2;
        }

        @Override
        boolean failed(long result) {
            return result >= 4;
        }

        @Override
        String resultText(long result) {
            return switch ((int) result) {
                case 0 -> "Initial value";
                case 1 -> "Downloading";
                case 2 -> "Software successfully installed";
                case 3 -> "Successfully downloaded and package integrity verified";
                case 4 -> "Not enough storage for the new software package";
                case 5 -> "Out of memory during downloading process";
                case 6 -> "Connection lost during downloading process";
                case 7 -> "Package integrity check failure";
                case 8 -> "Unsupported package type";
                case 9 -> "Invalid URI";
                case 10 -> "Device defined update error";
                case 11 -> "Software installation failure";
                case 12 -> "Uninstallation failure";
                default -> "Update Result " + result;
            };
        }

        @Override
        boolean connectionLost(long result) {
            return result == 6;
        }
    };

    /** Where the client's own state machine stands, in the terms common to both objects. */
    enum Phase { IDLE, DOWNLOADING, DOWNLOADED, VERIFIED, UPDATING, INSTALLED }

    final OtaPackageType type;
    final int objectId;
    /** Prefix of the telemetry keys: {@code fw_state}, {@code current_fw_version}… */
    final String prefix;
    final int packageResource;
    final int packageUriResource;
    final int updateResource;
    final int stateResource;
    final int resultResource;
    final int versionResource;

    UpdateObject(OtaPackageType type, int objectId, String prefix, int packageResource, int packageUriResource,
                 int updateResource, int stateResource, int resultResource, int versionResource) {
        this.type = type;
        this.objectId = objectId;
        this.prefix = prefix;
        this.packageResource = packageResource;
        this.packageUriResource = packageUriResource;
        this.updateResource = updateResource;
        this.stateResource = stateResource;
        this.resultResource = resultResource;
        this.versionResource = versionResource;
    }

    static UpdateObject of(OtaPackageType type) {
        return type == OtaPackageType.FIRMWARE ? FIRMWARE : SOFTWARE;
    }

    String path(int resource) {
        return "/" + objectId + "/0/" + resource;
    }

    /**
     * The telemetry key counting the transfers of the update under way ({@code fw_attempt}), recorded with each
     * DOWNLOADING so that retries stay bounded across a restart of Mote.
     */
    String attemptKey() {
        return prefix + "attempt";
    }

    abstract Phase phase(long state);

    /** The Update Result says the update or install succeeded. */
    abstract boolean succeeded(long result);

    /** The Update Result is an error. */
    abstract boolean failed(long result);

    /** The Update Result as the object's definition words it. */
    abstract String resultText(long result);

    /** The error is a broken-off download, worth another try. */
    abstract boolean connectionLost(long result);
}
