package io.mote.core.ota;

import java.util.Optional;
import java.util.UUID;

import org.springframework.stereotype.Service;

import io.mote.transport.api.DeviceInfo;
import io.mote.transport.api.OtaPackageRef;
import io.mote.transport.api.OtaPackageType;

/** OTA packages: upload, checksums, assignment to profiles and devices, download. */
@Service
public class OtaPackageService {

    /** The package of this type assigned to the device (its own wins over its profile's). */
    public Optional<OtaPackageRef> assigned(DeviceInfo device, OtaPackageType type) {
        return Optional.empty();
    }

    /** Bytes [offset, offset + length) of the package's file. */
    public byte[] data(UUID packageId, long offset, int length) {
        return new byte[0];
    }
}
