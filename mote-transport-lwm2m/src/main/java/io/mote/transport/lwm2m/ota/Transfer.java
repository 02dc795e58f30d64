package io.mote.transport.lwm2m.ota;

/**
 * How the package reaches the client: pushed into the Package resource, pulled from a Package URI, or pushed
 * into Object 19 (firmware strategy 3).
 */
interface Transfer {

    /** Starts moving the package; the outcome comes back through the update's callbacks. */
    void start(OtaUpdate update, byte[] data);

    /** The update ended or moved on: release what the transfer holds. */
    default void end() {
    }

    static Transfer of(int strategy, PackageResource resource, String base) {
        return switch (strategy) {
            case 2 -> new PackageUriTransfer(resource, base);
            case 3 -> new DataContainerTransfer();
            default -> new PushTransfer();
        };
    }
}
