package io.mote.transport.api;

import java.util.List;

import io.mote.common.kv.AttributeKvEntry;

/** The client-side and shared attributes a device asked for. */
public record DeviceAttributes(List<AttributeKvEntry> client, List<AttributeKvEntry> shared) {
}
