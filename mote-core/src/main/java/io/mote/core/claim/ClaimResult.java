package io.mote.core.claim;

import io.mote.common.entity.Device;

/** A claim's outcome: {@code {"device":{..},"response":"SUCCESS"}}; the device only on success. */
public record ClaimResult(Device device, ClaimResponse response) {
}
