package io.mote.transport.lwm2m;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import io.mote.common.kv.KvEntry;
import io.mote.common.kv.TsKvEntry;
import io.mote.transport.api.DeviceInfo;
import io.mote.transport.api.TransportService;

/**
 * One device's communication log, stored as its telemetry key {@code transportLog} through the ordinary
 * (batched) telemetry path, while the profile's {@code clientLwM2mSettings.transportLog} is not false.
 * Lines get distinct, increasing timestamps so none overwrites another.
 */
final class TransportLog {

    static final String KEY = "transportLog";

    private final TransportService core;
    private final BooleanSupplier enabled;
    private final AtomicLong lastTs = new AtomicLong();
    private volatile DeviceInfo device;

    TransportLog(TransportService core, DeviceInfo device, BooleanSupplier enabled) {
        this.core = core;
        this.device = device;
        this.enabled = enabled;
    }

    void device(DeviceInfo device) {
        this.device = device;
    }

    void log(String line) {
        if (!enabled.getAsBoolean()) {
            return;
        }
        long now = System.currentTimeMillis();
        long ts = lastTs.updateAndGet(prev -> Math.max(prev + 1, now));
        core.postTransportLog(device, List.of(new TsKvEntry(ts, KvEntry.ofString(KEY, line)))).exceptionally(e -> null);
    }
}
