package io.mote.transport.api;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import io.mote.common.kv.KvEntry;
import io.mote.common.kv.TsKvEntry;

/**
 * One device's communication log, stored as its telemetry key {@code transportLog} through the ordinary
 * (batched) telemetry path while {@code enabled} says so (for LwM2M, the profile's
 * {@code clientLwM2mSettings.transportLog}). Lines get distinct, increasing timestamps: two lines in the same
 * millisecond would otherwise share a key and the later one would overwrite the earlier.
 */
public final class TransportLog {

    public static final String KEY = "transportLog";

    private final TransportService core;
    private final BooleanSupplier enabled;
    private final AtomicLong lastTs = new AtomicLong();
    private volatile DeviceInfo device;

    public TransportLog(TransportService core, DeviceInfo device, BooleanSupplier enabled) {
        this.core = core;
        this.device = device;
        this.enabled = enabled;
    }

    public void device(DeviceInfo device) {
        this.device = device;
    }

    public void log(String line) {
        if (!enabled.getAsBoolean()) {
            return;
        }
        long now = System.currentTimeMillis();
        long ts = lastTs.updateAndGet(prev -> Math.max(prev + 1, now));
        core.postTransportLog(device, List.of(new TsKvEntry(ts, KvEntry.ofString(KEY, line)))).exceptionally(e -> null);
    }
}
