package io.mote.transport.api;

/** Firmware or software: the two kinds of over-the-air update package. */
public enum OtaPackageType {
    FIRMWARE, SOFTWARE
}
