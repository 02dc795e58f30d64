package io.mote.transport.snmp;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snmp4j.MessageDispatcherImpl;
import org.snmp4j.Snmp;
import org.snmp4j.mp.MPv1;
import org.snmp4j.mp.MPv2c;
import org.snmp4j.mp.MPv3;
import org.snmp4j.security.USM;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.transport.DefaultUdpTransportMapping;
import org.snmp4j.util.MultiThreadedMessageDispatcher;
import org.snmp4j.util.ThreadPool;
import tools.jackson.databind.JsonNode;

import io.mote.common.entity.TransportType;
import io.mote.common.json.Json;
import io.mote.common.kv.KvEntry;
import io.mote.common.kv.TsKvEntry;
import io.mote.transport.api.DeviceChangeListener;
import io.mote.transport.api.DeviceInfo;
import io.mote.transport.api.TransportConfiguration;
import io.mote.transport.api.TransportDevice;
import io.mote.transport.api.TransportLog;
import io.mote.transport.api.TransportService;
import io.mote.transport.snmp.SnmpDevice.Reachability;
import io.mote.transport.snmp.config.SnmpDeviceConfig;
import io.mote.transport.snmp.config.SnmpProfileConfig;
import io.mote.transport.snmp.poll.SnmpPoller;
import io.mote.transport.snmp.poll.SnmpRequests;
import io.mote.transport.snmp.trap.TrapReceiver;

/**
 * The SNMP transport: Mote is the manager. It learns its devices from the core (every device of an SNMP
 * profile, then every change), polls them ({@link SnmpPoller}), writes shared attributes and serves RPC
 * ({@link SnmpCommands}) and receives traps ({@link TrapReceiver}). A device whose agent answers has a
 * session (so it is active); one that stops answering loses it.
 */
public class SnmpTransport implements DeviceChangeListener {

    private static final Logger log = LoggerFactory.getLogger(SnmpTransport.class);

    private final TransportService transport;
    private final SnmpTransportSettings settings;
    private final Map<UUID, SnmpDevice> devices = new ConcurrentHashMap<>();
    private ScheduledExecutorService scheduler;
    private ExecutorService discovery;
    private ThreadPool workers;
    private Snmp snmp;
    private USM usm;
    private MPv3 mpv3;
    private SnmpPoller poller;
    private SnmpCommands commands;
    private TrapReceiver traps;

    public SnmpTransport(TransportService transport, SnmpTransportSettings settings) {
        this.transport = transport;
        this.settings = settings;
    }

    public void start() throws IOException {
        SnmpSecurity.protocols();
        workers = ThreadPool.create("snmp-worker", Math.max(1, settings.workerThreads()));
        MultiThreadedMessageDispatcher dispatcher = new MultiThreadedMessageDispatcher(workers, new MessageDispatcherImpl());
        usm = new USM(SnmpSecurity.protocols(), new OctetString(MPv3.createLocalEngineID()), 0);
        dispatcher.addMessageProcessingModel(new MPv1());
        dispatcher.addMessageProcessingModel(new MPv2c());
        mpv3 = new MPv3(usm);
        dispatcher.addMessageProcessingModel(mpv3);
        String bind = settings.bindAddress() == null || settings.bindAddress().isBlank() ? "0.0.0.0" : settings.bindAddress();
        snmp = new Snmp(dispatcher, new DefaultUdpTransportMapping(new UdpAddress(bind + "/0")));
        snmp.listen();
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "snmp-poll");
            t.setDaemon(true);
            return t;
        });
        discovery = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "snmp-discovery");
            t.setDaemon(true);
            return t;
        });
        SnmpRequests requests = new SnmpRequests(snmp, mpv3, usm, discovery, Math.max(1, settings.maxInflight()));
        commands = new SnmpCommands(this, requests);
        poller = new SnmpPoller(this, requests, scheduler);
        if (settings.trapPort() >= 0) {
            traps = new TrapReceiver(this, bind, settings.trapPort(), Math.max(1, settings.workerThreads()));
            traps.start();
            log.info("SNMP trap listener on udp {}:{}", bind, traps.port());
        }
        transport.onDeviceChanges(this);
        loadDevices();
    }

    /** Loads the devices to poll; the core may not answer yet (a transport node started first): tried again. */
    private void loadDevices() {
        transport.devicesOfTransport(TransportType.SNMP).whenComplete((list, e) -> {
            if (e != null) {
                log.warn("SNMP devices could not be loaded, trying again in 10 s: {}", e.toString());
                if (!scheduler.isShutdown()) {
                    scheduler.schedule(this::loadDevices, 10, java.util.concurrent.TimeUnit.SECONDS);
                }
            } else {
                list.forEach(this::apply);
                log.info("SNMP transport polls {} device(s)", devices.size());
            }
        });
    }

    public void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            discovery.shutdownNow();
        }
        devices.values().forEach(d -> closeSession(d, "SNMP transport stopped"));
        devices.clear();
        if (traps != null) {
            traps.stop();
        }
        try {
            if (snmp != null) {
                snmp.close();
            }
        } catch (IOException e) {
            log.debug("SNMP close: {}", e.toString());
        }
        if (workers != null) {
            workers.cancel();
        }
    }

    /** The port the trap listener is bound to (-1 without one). */
    public int trapPort() {
        return traps == null ? -1 : traps.port();
    }

    /** Traps from senders that are no known device (by address and community / user), dropped. */
    public long unknownTraps() {
        return traps == null ? 0 : traps.unknown();
    }

    /** Traps and informs of known devices, mapped. */
    public long traps() {
        return traps == null ? 0 : traps.received();
    }

    /** Packets on the trap port SNMP4J could not take (undecodable, unknown user, wrong digest…). */
    public long malformedTraps() {
        return traps == null ? 0 : traps.malformed();
    }

    public long skippedPolls() {
        return poller == null ? 0 : poller.skipped();
    }

    /** GET requests sent by the poller. */
    public long polls() {
        return poller == null ? 0 : poller.polls();
    }

    public int deviceCount() {
        return devices.size();
    }

    public TransportService transport() {
        return transport;
    }

    USM usm() {
        return usm;
    }

    SnmpDevice device(UUID id) {
        return devices.get(id);
    }

    /** Known devices whose agent is at the host, for the trap listener. */
    public Collection<SnmpDevice> devicesAt(String host) {
        return devices.values().stream().filter(d -> host.equals(d.settings.config().host())
                || host.equals(resolved(d))).collect(Collectors.toList());
    }

    private static String resolved(SnmpDevice d) {
        return SnmpSecurity.host(d.settings.target().getAddress());
    }

    // ---- the core's device changes ----

    @Override
    public void deviceSaved(DeviceInfo device) {
        transport.transportConfiguration(device).whenComplete((tc, e) -> {
            if (e == null) {
                apply(new TransportDevice(device, tc));
            }
        });
    }

    @Override
    public void deviceDeleted(UUID deviceId) {
        remove(deviceId, "Device deleted");
    }

    @Override
    public void profileSaved(UUID profileId) {
        transport.devicesOfTransport(TransportType.SNMP).whenComplete((list, e) -> {
            if (e != null) {
                return;
            }
            Set<UUID> ofProfile = list.stream().filter(td -> profileId.equals(td.device().deviceProfileId()))
                    .map(td -> td.device().deviceId()).collect(Collectors.toSet());
            // Devices whose profile is no longer SNMP are dropped, the others take the new configuration.
            devices.values().stream().filter(d -> profileId.equals(d.info().deviceProfileId())
                    && !ofProfile.contains(d.info().deviceId())).toList()
                    .forEach(d -> remove(d.info().deviceId(), "Device profile is no longer SNMP"));
            list.stream().filter(td -> ofProfile.contains(td.device().deviceId())).forEach(this::apply);
        });
    }

    /** Takes a device's (new) configuration: polls are rescheduled, the next one uses it. */
    private void apply(TransportDevice td) {
        TransportConfiguration tc = td.configuration();
        JsonNode profileJson = Json.parse(tc.profile());
        if (!"SNMP".equals(profileJson.path("type").asString(""))) {
            remove(td.device().deviceId(), "Device profile is no longer SNMP");
            return;
        }
        SnmpDeviceConfig config;
        SnmpProfileConfig profile;
        try {
            config = SnmpDeviceConfig.parse(tc.device());
            profile = SnmpProfileConfig.parse(tc.profile());
            if (config.host() == null || config.protocolVersion() == null) {
                throw new IllegalArgumentException("no host or protocol version");
            }
        } catch (RuntimeException e) {
            log.warn("SNMP device {} is not polled: its configuration is incomplete ({})", td.device().deviceName(),
                    e.getMessage());
            remove(td.device().deviceId(), "Configuration incomplete");
            return;
        }
        SnmpDevice.Settings s;
        try {
            if (config.v3()) {
                OctetString engine = mpv3.getEngineID(SnmpSecurity.address(config));
                SnmpSecurity.addUser(usm, config, engine == null ? null : engine.getValue());
            }
            s = new SnmpDevice.Settings(td.device(), profile, config,
                    SnmpSecurity.target(config, profile.timeoutMs(), profile.retries()));
        } catch (RuntimeException e) {
            log.warn("SNMP device {} is not polled: {}", td.device().deviceName(), e.getMessage());
            remove(td.device().deviceId(), "Configuration incomplete");
            return;
        }
        SnmpDevice d = devices.compute(td.device().deviceId(), (id, old) -> {
            if (old == null) {
                return new SnmpDevice(s, settings.maxOidsPerRequest(), new TransportLog(transport, s.info(), () -> true));
            }
            old.settings = s;
            old.transportLog().device(s.info());
            old.resetOidLimit(settings.maxOidsPerRequest());
            old.refusals().clear();
            return old;
        });
        if (traps != null && config.v3()) {
            traps.addUser(config);
        }
        poller.schedule(d);
    }

    private void remove(UUID deviceId, String reason) {
        SnmpDevice d = devices.remove(deviceId);
        if (d != null) {
            poller.cancel(d);
            closeSession(d, reason);
        }
    }

    // ---- reachability: the session is the device's connectivity ----

    /** The agent answered: the device gets a session (active) if it had none. */
    public void answered(SnmpDevice d) {
        synchronized (d) {
            if (d.reachability == Reachability.ANSWERING || !devices.containsKey(d.info().deviceId())) {
                return;
            }
            if (d.reachability != Reachability.UNKNOWN) {
                log.info("SNMP device {} ({}) answers again", d.info().deviceName(), d.settings.config());
            }
            d.reachability = Reachability.ANSWERING;
            d.session = transport.openSession(d.info(), commands.listener(d));
            d.session.subscribeToAttributes(true);
            d.session.subscribeToRpc(true);
        }
        log(d, "SNMP agent answers");
    }

    /** The agent did not answer after the retries, or refused the credentials: the session ends (inactive). */
    public void failed(SnmpDevice d, Reachability why, String detail) {
        synchronized (d) {
            if (d.reachability == why) {
                return;
            }
            d.reachability = why;
            log.warn("SNMP device {} ({}): {}", d.info().deviceName(), d.settings.config(), detail);
            closeSession(d, detail);
        }
        transport.reportUnreachable(d.info());
        log(d, detail);
    }

    private void closeSession(SnmpDevice d, String reason) {
        synchronized (d) {
            if (d.session != null) {
                d.session.close();
                d.session = null;
            }
        }
    }

    /** Stores a poll's or a trap's values through the batched path; a core that pushes back loses this sample. */
    public void store(SnmpDevice d, List<TsKvEntry> telemetry, List<KvEntry> attributes) {
        var f = telemetry != null ? transport.postTelemetry(d.info(), telemetry) : transport.postAttributes(d.info(), attributes);
        f.whenComplete((v, e) -> {
            if (e != null) {
                log.debug("SNMP device {}: values not stored: {}", d.info().deviceName(), e.toString());
            }
        });
    }

    /** A line in the device's transportLog time series. */
    public void log(SnmpDevice d, String line) {
        d.transportLog().log(line);
    }
}
