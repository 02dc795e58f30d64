package io.mote.transport.api;

import java.util.UUID;

/** The update package assigned to a device, as a transport needs it to serve a download. */
public record OtaPackageRef(UUID id, OtaPackageType type, String title, String version, long size,
                            String checksumAlgorithm, String checksum) {
}
