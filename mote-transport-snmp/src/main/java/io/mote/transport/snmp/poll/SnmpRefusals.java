package io.mote.transport.snmp.poll;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.snmp4j.smi.OID;

import io.mote.transport.snmp.config.SnmpMapping;

/**
 * The OIDs a device's agent refused with an error status naming them (noSuchName and the like). They are
 * left out of the polls until {@link #RETRY_AFTER_MS} has passed (an agent may gain a table row or a
 * module later), and forgotten when the device's configuration changes.
 */
public final class SnmpRefusals {

    public static final long RETRY_AFTER_MS = 10 * 60_000L;

    private final Map<OID, Long> until = new ConcurrentHashMap<>();

    /** Leaves the OID out from now on; true when it was not refused already (worth a transportLog line). */
    public boolean refuse(OID oid) {
        Long before = until.put(oid, System.currentTimeMillis() + RETRY_AFTER_MS);
        return before == null || before < System.currentTimeMillis();
    }

    /** The mappings to poll now: the configured ones without those refused lately. */
    public List<SnmpMapping> without(List<SnmpMapping> mappings) {
        if (until.isEmpty()) {
            return mappings;
        }
        long now = System.currentTimeMillis();
        List<SnmpMapping> left = new ArrayList<>(mappings.size());
        for (SnmpMapping m : mappings) {
            Long t = until.get(m.oid());
            if (t == null || t < now) {
                left.add(m);
            }
        }
        return left;
    }

    public void clear() {
        until.clear();
    }
}
