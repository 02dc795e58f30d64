package io.mote.transport.snmp.config;

import java.util.List;

import org.snmp4j.smi.OID;

/** One entry of a profile's {@code communicationConfigs}; {@code queryingFrequencyMs} is 0 for specs that do not poll. */
public record CommunicationConfig(SnmpSpec spec, long queryingFrequencyMs, List<SnmpMapping> mappings) {

    public SnmpMapping byKey(String key) {
        for (SnmpMapping m : mappings) {
            if (m.key().equals(key)) {
                return m;
            }
        }
        return null;
    }

    public SnmpMapping byOid(OID oid) {
        for (SnmpMapping m : mappings) {
            if (m.oid().equals(oid)) {
                return m;
            }
        }
        return null;
    }
}
