package io.mote.transport.lwm2m.ota;

import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.mote.transport.api.OtaPackageRef;
import io.mote.transport.api.TransportService;

/**
 * Package files held in memory while updates use them: a push and a Package URI download need the whole
 * file, and the devices updated to one package at once share one copy, read from the core once.
 */
final class PackageCache {

    /** What one read through the seam asks for. */
    private static final int READ = 4 * 1024 * 1024;

    private record Entry(CompletableFuture<byte[]> data, int users) {
    }

    private final TransportService core;
    private final Map<UUID, Entry> entries = new ConcurrentHashMap<>();

    PackageCache(TransportService core) {
        this.core = core;
    }

    /** The package's bytes; each call must be matched by a {@link #release}. */
    CompletableFuture<byte[]> acquire(OtaPackageRef pkg) {
        return entries.compute(pkg.id(), (id, e) -> e == null ? new Entry(load(pkg), 1)
                : new Entry(e.data(), e.users() + 1)).data();
    }

    void release(UUID packageId) {
        entries.computeIfPresent(packageId, (id, e) -> e.users() <= 1 ? null : new Entry(e.data(), e.users() - 1));
    }

    /** Packages held now (for the benchmarks' memory accounting). */
    int size() {
        return entries.size();
    }

    private CompletableFuture<byte[]> load(OtaPackageRef pkg) {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(pkg.size(), Integer.MAX_VALUE - 8));
        return next(pkg, out).thenApply(v -> out.toByteArray());
    }

    private CompletableFuture<Void> next(OtaPackageRef pkg, ByteArrayOutputStream out) {
        long offset = out.size();
        if (offset >= pkg.size()) {
            return CompletableFuture.completedFuture(null);
        }
        return core.otaData(pkg.id(), offset, (int) Math.min(READ, pkg.size() - offset)).thenCompose(bytes -> {
            if (bytes.length == 0) {
                return CompletableFuture.failedFuture(new IllegalStateException(
                        "the package file ends at " + offset + " bytes, not " + pkg.size()));
            }
            out.write(bytes, 0, bytes.length);
            return next(pkg, out);
        });
    }
}
