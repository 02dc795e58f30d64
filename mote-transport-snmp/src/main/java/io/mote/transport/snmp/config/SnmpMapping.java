package io.mote.transport.snmp.config;

import org.snmp4j.smi.OID;

import io.mote.common.kv.DataType;

/** One {@code {"oid","key","dataType"}} of a communication config. */
public record SnmpMapping(OID oid, String key, DataType dataType) {
}
