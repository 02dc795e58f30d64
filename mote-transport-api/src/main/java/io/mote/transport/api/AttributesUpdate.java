package io.mote.transport.api;

import java.util.List;

import io.mote.common.kv.AttributeKvEntry;

/** A change of a device's shared attributes: new or changed values, and the keys that were deleted. */
public record AttributesUpdate(List<AttributeKvEntry> updated, List<String> deleted) {
}
