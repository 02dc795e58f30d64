package io.mote.transport.lwm2m.ota;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.eclipse.leshan.core.node.LwM2mNode;
import org.eclipse.leshan.core.node.LwM2mSingleResource;
import org.eclipse.leshan.core.request.DownlinkRequest;
import org.eclipse.leshan.core.request.ExecuteRequest;
import org.eclipse.leshan.core.request.ObserveRequest;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.response.LwM2mResponse;
import org.eclipse.leshan.core.response.ReadResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mote.common.kv.KvEntry;
import io.mote.common.kv.TsKvEntry;
import io.mote.transport.api.OtaPackageRef;

/**
 * One device's firmware or software update: the package moved by its {@link Transfer}, the client's State
 * and Update Result observed, Update (or Install) executed once the client reports the package downloaded
 * and verified, and UPDATED recorded only when the version the client then reports is the package's.
 * Every step is recorded as ThingsBoard's {@code fw_state} / {@code sw_state} telemetry. A step that makes no
 * progress within the transfer timeout is retried (a broken-off transfer) or failed, so no update stays stuck.
 *
 * <p>Callbacks come from Leshan threads and the core; the methods are synchronized on the update.
 */
final class OtaUpdate {

    private static final Logger log = LoggerFactory.getLogger(OtaUpdate.class);

    private final OtaUpdates owner;
    private final UpdateObject object;
    private final OtaPackageRef pkg;
    private final Transfer transfer;
    private volatile OtaClient client;
    private UpdateState state = UpdateState.QUEUED;
    private final boolean info;
    private int attempts;
    private boolean ended;
    private java.util.concurrent.CompletableFuture<byte[]> data;
    private ScheduledFuture<?> deadline;
    /** Timestamp of the last recorded state: each state gets its own, so none overwrites another. */
    private long lastTs;

    /**
     * @param info          write the package's metadata into Object 19 before each transfer
     * @param priorAttempts transfers this update made before a restart of Mote (they count against the retries)
     */
    OtaUpdate(OtaUpdates owner, UpdateObject object, OtaPackageRef pkg, Transfer transfer, OtaClient client,
              boolean info, int priorAttempts) {
        this.owner = owner;
        this.object = object;
        this.pkg = pkg;
        this.transfer = transfer;
        this.client = client;
        this.info = info;
        this.attempts = priorAttempts;
        // The core stored QUEUED when the package was assigned, which may be this very millisecond:
        // the first state this update records comes strictly later, so it does not overwrite QUEUED.
        this.lastTs = System.currentTimeMillis();
    }

    UpdateObject object() {
        return object;
    }

    OtaPackageRef pkg() {
        return pkg;
    }

    OtaClient client() {
        return client;
    }

    synchronized UpdateState state() {
        return state;
    }

    synchronized boolean ended() {
        return ended;
    }

    /** Starts the update, unless the client sleeps: then it waits for {@link #awake}. */
    synchronized void start() {
        if (ended || state != UpdateState.QUEUED) {
            return;
        }
        if (client.asleep()) {
            client.log(what() + " waits for the client to wake up");
            return;
        }
        record(UpdateState.INITIATED, null);
        observe(object.stateResource);
        observe(object.resultResource);
        readVersion(version -> {
            if (pkg.version().equals(version)) {
                updated(version); // the client runs the package's version already
            } else if (attempts > owner.settings().retries()) {
                fail("the transfer broke off " + attempts + " times, the last by a restart of Mote: no retries left");
            } else {
                transfer();
            }
        });
    }

    /** The client woke up (or registered again): go on with a queued update, or look where a running one stands. */
    synchronized void awake(OtaClient now) {
        client = now;
        if (ended) {
            return;
        }
        if (state == UpdateState.QUEUED) {
            start();
            return;
        }
        observe(object.stateResource);
        observe(object.resultResource);
        read(object.resultResource, this::result);
        read(object.stateResource, this::clientState);
    }

    private synchronized void transfer() {
        if (ended) {
            return;
        }
        attempts++;
        record(UpdateState.DOWNLOADING, null, KvEntry.ofLong(object.attemptKey(), attempts));
        arm();
        if (data == null) {
            data = owner.packages().acquire(pkg); // released when the update ends
        }
        data.whenComplete((bytes, e) -> {
            synchronized (this) {
                if (ended) {
                    return;
                }
                if (e != null) {
                    fail("the package could not be read: " + e.getMessage());
                } else if (info) {
                    writeInfo(bytes);
                } else {
                    transfer.start(this, bytes);
                }
            }
        });
    }

    /**
     * {@code useObject19ForOtaInfo}: the metadata goes into its Object 19 instance first; the transfer follows
     * whatever the client answered (a refusal is logged: the metadata is a courtesy, the package is the update).
     */
    private void writeInfo(byte[] bytes) {
        int instance = DataContainer.infoInstance(object);
        DataContainer.write(client, instance, DataContainer.info(pkg, bytes), timeoutMs(), r -> {
            if (!r.isSuccess()) {
                client.log(what() + ": the client refused the package metadata in " + DataContainer.path(instance)
                        + ": " + r.getCode().getName() + (r.getErrorMessage() == null ? "" : " " + r.getErrorMessage()));
            }
            startTransfer(bytes);
        }, e -> {
            client.log(what() + ": writing the package metadata into " + DataContainer.path(instance) + " failed: "
                    + e.getMessage());
            startTransfer(bytes);
        });
    }

    private synchronized void startTransfer(byte[] bytes) {
        if (!ended && state == UpdateState.DOWNLOADING) {
            transfer.start(this, bytes);
        }
    }

    long timeoutMs() {
        return owner.settings().transferTimeoutMs();
    }

    // ---- what the client reports ----

    /** A value of State or Update Result, from a notification or a read. */
    synchronized void notified(int resource, LwM2mNode node) {
        if (!(node instanceof LwM2mSingleResource r) || !(r.getValue() instanceof Number n)) {
            return;
        }
        if (resource == object.stateResource) {
            clientState(n.longValue());
        } else if (resource == object.resultResource) {
            result(n.longValue());
        }
    }

    private synchronized void clientState(long value) {
        if (ended) {
            return;
        }
        switch (object.phase(value)) {
            case DOWNLOADING -> arm();
            case DOWNLOADED -> {
                if (state == UpdateState.DOWNLOADING) {
                    record(UpdateState.DOWNLOADED, null);
                    arm();
                }
            }
            case VERIFIED -> {
                if (state == UpdateState.DOWNLOADING || state == UpdateState.DOWNLOADED) {
                    transfer.end();
                    if (state == UpdateState.DOWNLOADING) {
                        record(UpdateState.DOWNLOADED, null);
                    }
                    record(UpdateState.VERIFIED, null);
                    execute();
                }
            }
            case UPDATING -> arm();
            case INSTALLED -> {
                if (state == UpdateState.UPDATING || state == UpdateState.VERIFIED) {
                    verify();
                }
            }
            case IDLE -> {
                if (state == UpdateState.UPDATING) {
                    read(object.resultResource, this::result); // back to idle: the result says how it went
                }
            }
        }
    }

    private synchronized void result(long value) {
        if (ended) {
            return;
        }
        if (object.failed(value)) {
            String reason = object.resultText(value) + " (Update Result " + value + ")";
            if (object.connectionLost(value) && state == UpdateState.DOWNLOADING) {
                brokeOff(reason);
            } else if (state != UpdateState.QUEUED && state != UpdateState.INITIATED) {
                fail(reason);
            }
        } else if (object.succeeded(value) && state == UpdateState.UPDATING) {
            verify();
        }
    }

    // ---- what the transfer reports ----

    /** The Write of the package succeeded: the client holds it; its State says whether it accepted it. */
    synchronized void delivered() {
        if (!ended) {
            read(object.stateResource, this::clientState);
        }
    }

    /** The client answered the transfer with an error: no use trying again. */
    synchronized void refused(String reason) {
        fail(reason);
    }

    /** The transfer broke off (timeout, lost connection): tried again while retries are left. */
    synchronized void brokeOff(String reason) {
        if (ended) {
            return;
        }
        if (attempts <= owner.settings().retries()) {
            client.log(what() + ": " + reason + "; trying again (" + attempts + " of "
                    + (owner.settings().retries() + 1) + ")");
            transfer();
        } else {
            fail(reason + " after " + attempts + " attempts");
        }
    }

    // ---- the update itself ----

    private void execute() {
        arm();
        send(new ExecuteRequest(object.path(object.updateResource)), r -> {
            synchronized (this) {
                if (ended) {
                    return;
                }
                if (!r.isSuccess()) {
                    fail("the client refused to " + (object == UpdateObject.FIRMWARE ? "update" : "install") + ": "
                            + r.getCode().getName() + (r.getErrorMessage() == null ? "" : " " + r.getErrorMessage()));
                } else if (state == UpdateState.VERIFIED) {
                    record(UpdateState.UPDATING, null);
                    arm();
                }
            }
        }, e -> brokeOff("the " + (object == UpdateObject.FIRMWARE ? "Update" : "Install") + " request failed: "
                + e.getMessage()));
    }

    /** The client says the update succeeded: UPDATED only when it now reports the package's exact version. */
    private void verify() {
        readVersion(version -> {
            if (pkg.version().equals(version) && object == UpdateObject.SOFTWARE) {
                SoftwareLifecycle.activate(client, owner.settings().transferTimeoutMs(), () -> updated(version));
            } else if (pkg.version().equals(version)) {
                updated(version);
            } else {
                fail("the client reports version " + (version == null ? "none" : "'" + version + "'")
                        + " after the update, not '" + pkg.version() + "'");
            }
        });
    }

    private synchronized void updated(String version) {
        if (ended) {
            return;
        }
        List<TsKvEntry> kv = new ArrayList<>();
        long now = lastTs = Math.max(System.currentTimeMillis(), lastTs + 1);
        kv.add(new TsKvEntry(now, KvEntry.ofString("current_" + object.prefix + "title", pkg.title())));
        kv.add(new TsKvEntry(now, KvEntry.ofString("current_" + object.prefix + "version", version)));
        owner.core().postTelemetry(client.device(), kv);
        record(UpdateState.UPDATED, null);
        end();
    }

    synchronized void fail(String reason) {
        if (ended) {
            return;
        }
        log.info("LwM2M {} update of device {} to {} {} failed: {}", object.type.name().toLowerCase(),
                client.device().deviceId(), pkg.title(), pkg.version(), reason);
        record(UpdateState.FAILED, reason);
        end();
    }

    /** Stops without a word: another package was assigned, or this one unassigned. */
    synchronized void cancel(String why) {
        if (!ended) {
            client.log(what() + " cancelled: " + why);
            end();
        }
    }

    /** The step now under way has the transfer timeout to show progress. */
    private void arm() {
        if (deadline != null) {
            deadline.cancel(false);
        }
        UpdateState at = state;
        int attempt = attempts;
        long timeout = owner.settings().transferTimeoutMs();
        deadline = owner.scheduler().schedule(() -> {
            synchronized (this) {
                if (ended || state != at || attempts != attempt) {
                    return;
                }
                String reason = "no progress from the client for " + timeout / 1000 + " s while " + state;
                if (state == UpdateState.DOWNLOADING) {
                    brokeOff(reason);
                } else {
                    fail(reason);
                }
            }
        }, timeout, TimeUnit.MILLISECONDS);
    }

    private void end() {
        ended = true;
        if (deadline != null) {
            deadline.cancel(false);
        }
        transfer.end();
        if (data != null) {
            data = null;
            owner.packages().release(pkg.id());
        }
        owner.ended(this);
    }

    // ---- talking to the client and the core ----

    private void record(UpdateState next, String error, KvEntry... more) {
        state = next;
        long now = lastTs = Math.max(System.currentTimeMillis(), lastTs + 1);
        List<TsKvEntry> kv = new ArrayList<>(2 + more.length);
        kv.add(new TsKvEntry(now, KvEntry.ofString(object.prefix + "state", next.name())));
        if (error != null) {
            kv.add(new TsKvEntry(now, KvEntry.ofString(object.prefix + "error", error)));
        }
        for (KvEntry e : more) {
            kv.add(new TsKvEntry(now, e));
        }
        client.log(what() + ": " + next + (error == null ? "" : " (" + error + ")"));
        owner.core().postTelemetry(client.device(), kv).exceptionally(e -> {
            log.debug("OTA state of device {} not stored: {}", client.device().deviceId(), e.toString());
            return null;
        });
    }

    private String what() {
        return (object == UpdateObject.FIRMWARE ? "Firmware" : "Software") + " update to " + pkg.title() + " "
                + pkg.version();
    }

    <T extends LwM2mResponse> void send(DownlinkRequest<T> request, Consumer<T> onResponse, Consumer<Exception> onError) {
        client.send(request, timeoutMs(), onResponse, onError);
    }

    private void observe(int resource) {
        String path = object.path(resource);
        send(new ObserveRequest(path), r -> {
            if (r.isSuccess()) {
                notified(resource, r.getContent());
            }
        }, e -> { });
    }

    private void read(int resource, java.util.function.LongConsumer onValue) {
        send(new ReadRequest(object.path(resource)), (ReadResponse r) -> {
            if (r.isSuccess() && r.getContent() instanceof LwM2mSingleResource s && s.getValue() instanceof Number n) {
                onValue.accept(n.longValue());
            }
        }, e -> { });
    }

    /**
     * The version the client runs: for firmware Device's Firmware Version (/3/0/3), else Object 5's
     * PkgVersion (/5/0/7), whichever the client has; for software Object 9's PkgVersion (/9/0/1).
     */
    private void readVersion(Consumer<String> onVersion) {
        String first = object == UpdateObject.FIRMWARE ? "/3/0/3" : object.path(object.versionResource);
        String second = object == UpdateObject.FIRMWARE ? object.path(object.versionResource) : null;
        readString(first, v -> {
            if ((v == null || v.isEmpty()) && second != null) {
                readString(second, onVersion);
            } else {
                onVersion.accept(v);
            }
        });
    }

    private void readString(String path, Consumer<String> onValue) {
        send(new ReadRequest(path), (ReadResponse r) -> onValue.accept(
                r.isSuccess() && r.getContent() instanceof LwM2mSingleResource s ? String.valueOf(s.getValue()) : null),
                e -> onValue.accept(null));
    }
}
