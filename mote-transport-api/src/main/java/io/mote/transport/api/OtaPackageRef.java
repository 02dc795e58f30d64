package io.mote.transport.api;

import java.util.UUID;

/**
 * The update package assigned to a device, as a transport needs it to serve a download. A package with a
 * {@code url} is downloaded from there: it has no file here ({@code size} 0).
 */
public record OtaPackageRef(UUID id, OtaPackageType type, String title, String version, long size,
                            String checksumAlgorithm, String checksum, String fileName, String contentType,
                            String url) {

    /** Whether the package's file is stored here, so {@code otaData} can serve it. */
    public boolean hasData() {
        return url == null;
    }
}
