package io.mote.core.state;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

import io.mote.common.id.EntityType;
import io.mote.common.kv.AttributeKvEntry;
import io.mote.common.kv.AttributeScope;
import io.mote.common.kv.KvEntry;
import io.mote.core.session.DeviceSessionRegistry;
import io.mote.core.subscription.SubscriptionService;
import io.mote.core.telemetry.AttributesService;
import io.mote.dao.AttributesDao;
import io.mote.dao.AttributesDao.EntityAttribute;
import io.mote.transport.api.DeviceInfo;

/**
 * Each device's connectivity state, kept as the server-scope attributes ThingsBoard keeps: {@code active},
 * {@code lastConnectTime}, {@code lastDisconnectTime}, {@code lastActivityTime}, {@code inactivityAlarmTime}.
 *
 * <p>Connecting, disconnecting and a change of {@code active} are written at once (on the core executor).
 * Activity (every message through the transport seam) only updates a field in memory; a flusher writes the
 * devices whose {@code lastActivityTime} moved in one batch every {@code mote.state.flush-interval} ms, and
 * turns {@code active} false for devices silent for longer than their {@code inactivityTimeout} (the
 * device's server attribute of that name, else {@code mote.state.default-inactivity-timeout}).
 */
@Service
public class DeviceStateService implements DeviceSessionRegistry.ConnectionListener {

    private static final Logger log = LoggerFactory.getLogger(DeviceStateService.class);

    public static final String ACTIVE = "active";
    public static final String LAST_CONNECT_TIME = "lastConnectTime";
    public static final String LAST_DISCONNECT_TIME = "lastDisconnectTime";
    public static final String LAST_ACTIVITY_TIME = "lastActivityTime";
    public static final String INACTIVITY_ALARM_TIME = "inactivityAlarmTime";
    public static final String INACTIVITY_TIMEOUT = "inactivityTimeout";

    /** One device's state in memory; fields are written by transport threads and read by the flusher. */
    private static final class State {
        volatile long lastActivity;
        volatile long flushedActivity;
        volatile boolean active;
        volatile long timeout;
    }

    private final AttributesService attributes;
    private final AttributesDao dao;
    private final SubscriptionService subscriptions;
    private final ExecutorService executor;
    private final long defaultTimeout;
    private final Map<UUID, State> states = new ConcurrentHashMap<>();
    /** Devices deleted recently, with the time: their disconnect is not written. */
    private final Map<UUID, Long> deleted = new ConcurrentHashMap<>();
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "device-state-flush");
        t.setDaemon(true);
        return t;
    });

    public DeviceStateService(AttributesService attributes, AttributesDao dao, SubscriptionService subscriptions,
                              DeviceSessionRegistry sessions, @Qualifier("coreExecutor") ExecutorService executor,
                              @Value("${mote.state.default-inactivity-timeout:600000}") long defaultTimeout,
                              @Value("${mote.state.flush-interval:5000}") long flushInterval) {
        this.attributes = attributes;
        this.dao = dao;
        this.subscriptions = subscriptions;
        this.executor = executor;
        this.defaultTimeout = defaultTimeout;
        load();
        sessions.addConnectionListener(this);
        attributes.onServerAttributesChanged(this::serverAttributesChanged);
        flusher.scheduleWithFixedDelay(this::flush, flushInterval, flushInterval, TimeUnit.MILLISECONDS);
    }

    /** Devices that were active when the server stopped: they turn inactive when their timeout runs out. */
    private void load() {
        Map<UUID, KvEntry> timeouts = dao.findByKey(AttributeScope.SERVER_SCOPE, INACTIVITY_TIMEOUT);
        Map<UUID, KvEntry> activity = dao.findByKey(AttributeScope.SERVER_SCOPE, LAST_ACTIVITY_TIME);
        dao.findByKey(AttributeScope.SERVER_SCOPE, ACTIVE).forEach((id, kv) -> {
            if (Boolean.TRUE.equals(kv.value())) {
                State s = new State();
                s.active = true;
                KvEntry last = activity.get(id);
                s.lastActivity = last != null && last.value() instanceof Long l ? l : System.currentTimeMillis();
                s.flushedActivity = s.lastActivity;
                states.put(id, s);
            }
        });
        timeouts.forEach((id, kv) -> {
            Double v = kv.numericValue();
            if (v != null && v > 0) {
                states.computeIfAbsent(id, k -> new State()).timeout = v.longValue();
            }
        });
    }

    // ---- events ----

    /** The device did something (a message, a registration update, an answer): cheap, in memory. */
    public void onActivity(UUID deviceId) {
        long now = System.currentTimeMillis();
        State s = states.computeIfAbsent(deviceId, k -> newState(k));
        s.lastActivity = Math.max(s.lastActivity, now);
        if (!s.active) {
            s.active = true;
            s.flushedActivity = now;
            write(deviceId, List.of(KvEntry.ofBoolean(ACTIVE, true), KvEntry.ofLong(LAST_ACTIVITY_TIME, now)));
        }
    }

    @Override
    public void connected(DeviceInfo device) {
        long now = System.currentTimeMillis();
        State s = states.computeIfAbsent(device.deviceId(), k -> newState(k));
        s.lastActivity = Math.max(s.lastActivity, now);
        s.flushedActivity = now;
        s.active = true;
        write(device.deviceId(), List.of(KvEntry.ofBoolean(ACTIVE, true), KvEntry.ofLong(LAST_CONNECT_TIME, now),
                KvEntry.ofLong(LAST_ACTIVITY_TIME, now)));
    }

    @Override
    public void disconnected(UUID deviceId) {
        if (deleted.containsKey(deviceId)) {
            return;
        }
        // As in ThingsBoard, a disconnected device stays active until its inactivity timeout runs out.
        write(deviceId, List.of(KvEntry.ofLong(LAST_DISCONNECT_TIME, System.currentTimeMillis())));
    }

    /**
     * The transport knows the device is unreachable now (an SNMP agent that no longer answers): it turns
     * inactive at once instead of after its inactivity timeout.
     */
    public void onUnreachable(UUID deviceId) {
        State s = states.get(deviceId);
        if (s == null || !s.active || deleted.containsKey(deviceId)) {
            return;
        }
        s.active = false;
        write(deviceId, List.of(KvEntry.ofBoolean(ACTIVE, false),
                KvEntry.ofLong(INACTIVITY_ALARM_TIME, System.currentTimeMillis())));
    }

    @Override
    public void deleted(UUID deviceId) {
        states.remove(deviceId);
        deleted.put(deviceId, System.currentTimeMillis());
    }

    /** Whether the device counts as active now. */
    public boolean isActive(UUID deviceId) {
        State s = states.get(deviceId);
        return s != null && s.active;
    }

    private State newState(UUID deviceId) {
        State s = new State();
        // A device first seen since the start: its own timeout is read on the executor, the default serves meanwhile.
        executor.execute(() -> readTimeout(deviceId));
        return s;
    }

    private void serverAttributesChanged(UUID deviceId, Collection<String> keys) {
        if (keys.contains(INACTIVITY_TIMEOUT)) {
            readTimeout(deviceId);
        }
    }

    private void readTimeout(UUID deviceId) {
        try {
            List<AttributeKvEntry> found = attributes.find(deviceId, AttributeScope.SERVER_SCOPE, List.of(INACTIVITY_TIMEOUT));
            Double v = found.isEmpty() ? null : found.get(0).kv().numericValue();
            State s = states.get(deviceId);
            if (s != null) {
                s.timeout = v != null && v > 0 ? v.longValue() : 0;
            }
        } catch (RuntimeException e) {
            log.debug("inactivityTimeout of device {} not read: {}", deviceId, e.toString());
        }
    }

    private void write(UUID deviceId, List<KvEntry> kvs) {
        executor.execute(() -> {
            if (deleted.containsKey(deviceId)) {
                return;
            }
            try {
                attributes.saveQuietly(EntityType.DEVICE, deviceId, AttributeScope.SERVER_SCOPE, kvs);
            } catch (RuntimeException e) {
                log.warn("State of device {} not saved: {}", deviceId, e.toString());
            }
        });
    }

    // ---- the flusher ----

    /** Writes moved {@code lastActivityTime}s and expired activity in one batch. */
    void flush() {
        try {
            long now = System.currentTimeMillis();
            List<EntityAttribute> rows = new ArrayList<>();
            // What the rows write, applied to the states only once the write succeeded: a failed flush is
            // tried again by the next one.
            List<Runnable> written = new ArrayList<>();
            for (Map.Entry<UUID, State> e : states.entrySet()) {
                if (deleted.containsKey(e.getKey())) {
                    continue;
                }
                State s = e.getValue();
                long last = s.lastActivity;
                if (last > s.flushedActivity) {
                    rows.add(new EntityAttribute(e.getKey(), KvEntry.ofLong(LAST_ACTIVITY_TIME, last)));
                    written.add(() -> s.flushedActivity = Math.max(s.flushedActivity, last));
                }
                long timeout = s.timeout > 0 ? s.timeout : defaultTimeout;
                if (s.active && now - last > timeout) {
                    rows.add(new EntityAttribute(e.getKey(), KvEntry.ofBoolean(ACTIVE, false)));
                    rows.add(new EntityAttribute(e.getKey(), KvEntry.ofLong(INACTIVITY_ALARM_TIME, now)));
                    // Memory follows what was written; activity meanwhile turns the device active again.
                    written.add(() -> s.active = false);
                }
            }
            deleted.values().removeIf(t -> now - t > 60_000);
            if (rows.isEmpty()) {
                return;
            }
            dao.saveEach(AttributeScope.SERVER_SCOPE, rows, now);
            written.forEach(Runnable::run);
            Map<UUID, List<AttributeKvEntry>> byDevice = new java.util.LinkedHashMap<>();
            rows.forEach(r -> byDevice.computeIfAbsent(r.entityId(), k -> new ArrayList<>())
                    .add(new AttributeKvEntry(r.kv(), now)));
            byDevice.forEach((id, kvs) -> subscriptions.onAttributes(id, AttributeScope.SERVER_SCOPE, kvs));
        } catch (RuntimeException e) {
            log.warn("Device state flush failed: {}", e.toString());
        }
    }

    @PreDestroy
    public void stop() {
        flusher.shutdownNow();
        flush();
    }
}
