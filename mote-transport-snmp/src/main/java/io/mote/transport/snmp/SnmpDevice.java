package io.mote.transport.snmp;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

import org.snmp4j.Target;
import org.snmp4j.smi.Address;

import io.mote.transport.api.DeviceInfo;
import io.mote.transport.api.TransportLog;
import io.mote.transport.api.DeviceSession;
import io.mote.transport.snmp.config.SnmpDeviceConfig;
import io.mote.transport.snmp.config.SnmpProfileConfig;
import io.mote.transport.snmp.poll.SnmpRefusals;

/**
 * One SNMP device as the transport polls it: its configuration (replaced whole on a change), whether its
 * agent answers, its session while it does, and its scheduled polls.
 */
public final class SnmpDevice {

    /** What the last request showed of the agent; a change is logged once. */
    public enum Reachability { UNKNOWN, ANSWERING, NOT_ANSWERING, AUTHENTICATION_FAILED }

    /** The parts of a configuration that change together. */
    public record Settings(DeviceInfo info, SnmpProfileConfig profile, SnmpDeviceConfig config,
                           Target<Address> target) {
    }

    volatile Settings settings;
    /** Variable bindings per GET; halved when the agent answers tooBig. */
    private volatile int oidLimit;
    Reachability reachability = Reachability.UNKNOWN;
    DeviceSession session;
    /** A v3 engine discovery or probe for this device is under way: no second one is queued meanwhile. */
    public final java.util.concurrent.atomic.AtomicBoolean discovering = new java.util.concurrent.atomic.AtomicBoolean();
    private final SnmpRefusals refusals = new SnmpRefusals();
    /** The scheduled polls; guarded by the device. */
    public final List<ScheduledFuture<?>> polls = new ArrayList<>();

    private final TransportLog transportLog;

    SnmpDevice(Settings settings, int oidLimit, TransportLog transportLog) {
        this.settings = settings;
        this.oidLimit = oidLimit;
        this.transportLog = transportLog;
    }

    /** The device's transportLog lines, each with its own timestamp (a refusal and the answer that follows
     *  it often fall in the same millisecond). */
    public TransportLog transportLog() {
        return transportLog;
    }

    public Settings settings() {
        return settings;
    }

    public DeviceInfo info() {
        return settings.info();
    }

    /** Whether the last request failed (no answer, or the credentials refused). */
    public synchronized boolean failing() {
        return reachability == Reachability.NOT_ANSWERING || reachability == Reachability.AUTHENTICATION_FAILED;
    }

    /** OIDs the agent refused lately, left out of the polls. */
    public SnmpRefusals refusals() {
        return refusals;
    }

    public int oidLimit() {
        return oidLimit;
    }

    void resetOidLimit(int limit) {
        oidLimit = limit;
    }

    /** The agent answered tooBig: fewer bindings per request from now on (at least one). */
    public void halveOidLimit(int triedWith) {
        oidLimit = Math.max(1, Math.min(oidLimit, triedWith / 2));
    }
}
