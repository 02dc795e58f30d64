package io.mote.transport.lwm2m;

import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.google.common.collect.Interner;
import com.google.common.collect.Interners;
import org.eclipse.leshan.core.endpoint.Protocol;
import org.eclipse.leshan.core.observation.CompositeObservation;
import org.eclipse.leshan.core.observation.Observation;
import org.eclipse.leshan.core.observation.SingleObservation;
import org.eclipse.leshan.core.peer.LwM2mPeer;
import org.eclipse.leshan.core.request.RegisterRequest;
import org.eclipse.leshan.core.request.SendRequest;
import org.eclipse.leshan.core.request.UplinkRequest;
import org.eclipse.leshan.core.response.ObserveCompositeResponse;
import org.eclipse.leshan.core.response.ObserveResponse;
import org.eclipse.leshan.core.node.TimestampedLwM2mNodes;
import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.LeshanServerBuilder;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.leshan.server.californium.endpoint.CaliforniumServerEndpointsProvider;
import org.eclipse.leshan.server.californium.endpoint.coap.CoapServerEndpointFactoryBuilder;
import org.eclipse.leshan.server.californium.endpoint.coap.CoapServerProtocolProvider;
import org.eclipse.leshan.server.californium.endpoint.coaps.CoapsServerProtocolProvider;
import org.eclipse.leshan.server.observation.ObservationListener;
import org.eclipse.leshan.server.queue.PresenceListener;
import org.eclipse.leshan.server.registration.InMemoryRegistrationStore;
import org.eclipse.leshan.server.registration.Registration;
import org.eclipse.leshan.server.registration.RegistrationListener;
import org.eclipse.leshan.server.registration.RegistrationUpdate;
import org.eclipse.leshan.server.security.Authorization;
import org.eclipse.leshan.server.security.Authorizer;
import org.eclipse.leshan.server.send.SendListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mote.common.log.RateLimitedLog;

import io.mote.common.entity.CredentialsType;
import io.mote.transport.api.AuthenticatedDevice;
import io.mote.transport.api.DeviceInfo;
import io.mote.transport.api.Drain;
import io.mote.transport.api.TransportService;
import io.mote.transport.dtls.CheckedUdpDataParser;
import io.mote.transport.dtls.DtlsRefusals;
import io.mote.transport.lwm2m.ota.OtaSettings;
import io.mote.transport.lwm2m.ota.OtaUpdates;
import io.mote.transport.lwm2m.security.Lwm2mPeerCheck;
import io.mote.transport.lwm2m.security.Lwm2mSecurity;
import io.mote.transport.lwm2m.senml.SenmlDecoders;

/**
 * The LwM2M server: Eclipse Leshan on plain CoAP and, with {@link Lwm2mSecurity}, on DTLS. A client
 * registers with its endpoint name; {@link Lwm2mPeerCheck} finds its device from the endpoint and how it
 * authenticated (NO_SEC on the plain port only; PSK, RPK, X.509 over DTLS); anything else is refused (4.03). Each registration becomes a device session ({@link Lwm2mClient}) that maps the device profile
 * onto reads, observations and writes, and carries RPC commands to the client.
 */
public class Lwm2mTransport {

    private static final Logger log = LoggerFactory.getLogger(Lwm2mTransport.class);
    private static final RateLimitedLog refusals = new RateLimitedLog(log);

    static final String TENANT = "tenantId";
    private static final Interner<String> SHARED_IDS = Interners.newWeakInterner();
    static final String DEVICE = "deviceId";
    static final String NAME = "deviceName";
    static final String TYPE = "deviceType";
    static final String PROFILE = "deviceProfileId";

    private final TransportService transport;
    private final Lwm2mTransportProperties props;
    private final Lwm2mModelCache models;
    private final Map<String, Lwm2mClient> clients = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.LongAdder notifications = new java.util.concurrent.atomic.LongAdder();
    private final Lwm2mSecurity security;
    private final Lwm2mPeerCheck check;
    private LeshanServer server;
    private final OtaUpdates ota;
    /** Values handed to the core and not yet stored, waited for on shutdown before the core stops. */
    private final Drain drain = new Drain();

    public Lwm2mTransport(TransportService transport, Lwm2mTransportProperties props) {
        this(transport, props, null);
    }

    /** With {@code security}, a DTLS endpoint on {@code props.securePort()} too (PSK, RPK, X.509). */
    public Lwm2mTransport(TransportService transport, Lwm2mTransportProperties props, Lwm2mSecurity security) {
        this(transport, props, security, OtaSettings.DEFAULT);
    }

    /** With the settings of firmware and software updates. */
    public Lwm2mTransport(TransportService transport, Lwm2mTransportProperties props, Lwm2mSecurity security,
                          OtaSettings ota) {
        this.ota = new OtaUpdates(transport, ota);
        this.transport = transport;
        this.props = props;
        this.models = new Lwm2mModelCache(transport, props.coreTimeoutMs());
        this.security = security;
        this.check = security != null ? security.check()
                : new Lwm2mPeerCheck(transport, DtlsRefusals.NONE, props.coreTimeoutMs());
    }

    public synchronized void start() {
        CaliforniumServerEndpointsProvider.Builder endpoints =
                new CaliforniumServerEndpointsProvider.Builder(new CoapServerProtocolProvider(),
                        new CoapsServerProtocolProvider());
        // Duplicate detection keeps every answered exchange for the exchange lifetime (247 s): a Package URI
        // download of 1 MiB is 1,024 answered Block2 exchanges, so 100 downloads kept ~300 MB of block answers
        // for four minutes, and 10,000 clients notifying every few seconds kept 64 notifications each (~2.5 KB
        // apiece, 1.6 GB). A client retransmits only its latest messages (one confirmable in flight), so the
        // last 16 of each peer suffice.
        endpoints.setConfiguration(c -> {
            c.set(CoapConfig.DEDUPLICATOR, CoapConfig.DEDUPLICATOR_PEERS_MARK_AND_SWEEP);
            c.set(CoapConfig.PEERS_MARK_AND_SWEEP_MESSAGES, 16);
        });
        InetSocketAddress address = props.host() == null || props.host().isBlank()
                ? new InetSocketAddress(props.port()) : new InetSocketAddress(props.host(), props.port());
        // Californium's own parser logs an ERROR with a stack trace per datagram for a Block1 larger than its
        // block size and leaves it unanswered; the checked one answers 4.00 and logs nothing.
        endpoints.addEndpoint(new CoapServerEndpointFactoryBuilder().setURI(address)
                .setCoapEndpointConfig(CheckedUdpDataParser::install).build());
        LeshanServerBuilder builder = new LeshanServerBuilder();
        if (security != null) {
            endpoints.addEndpoint(security.serverEndpoint(props.host() == null || props.host().isBlank()
                    ? new InetSocketAddress(props.securePort()) : new InetSocketAddress(props.host(), props.securePort())));
            builder.setSecurityStore(Lwm2mSecurity.securityStore());
        }
        CaliforniumServerEndpointsProvider provider = endpoints.build();
        builder.setEndpointsProviders(provider);
        builder.setRegistrationStore(new InMemoryRegistrationStore());
        builder.setAuthorizer(new EndpointAuthorizer());
        builder.setObjectModelProvider(models);
        builder.setDecoder(SenmlDecoders.decoder());
        builder.setClientAwakeTimeProvider(r -> {
            Lwm2mClient c = clients.get(r.getEndpoint());
            return (int) (c != null ? c.awakeTimeMs() : props.awakeTimeMs());
        });
        server = builder.build();
        provider.getCoapServer().add(ota.resource()); // Package URI downloads on the LwM2M ports
        ota.start();
        RegisterGuard.install(provider.getCoapServer(), this::lookUpEndpoint);
        SendGuard.install(provider.getCoapServer());
        server.getPresenceService().addListener(new PresenceListener() {
            @Override
            public void onAwake(Registration registration) {
                Lwm2mClient c = client(registration);
                if (c != null) {
                    c.awake();
                }
            }

            @Override
            public void onSleeping(Registration registration) {
                Lwm2mClient c = client(registration);
                if (c != null) {
                    c.log("Client went to sleep (queue mode)");
                }
            }
        });
        server.getRegistrationService().addListener(new Registrations());
        server.getObservationService().addListener(new Observations());
        server.getSendService().addListener(new Sends());
        server.start();
        log.info("LwM2M server listening on UDP port {}{}", port(),
                security != null ? ", DTLS on port " + securePort() : "");
    }

    /**
     * Stops the endpoints (nothing new is received or acknowledged), waits for the values already
     * acknowledged (notifications, Send) to be stored by the core, then ends the sessions; the core stops
     * after this.
     */
    public synchronized void stop() {
        if (server != null) {
            server.stop();
            if (!drain.close(10_000)) {
                log.warn("LwM2M transport stopping with {} values not yet stored after 10 s", drain.inFlight());
            }
            clients.values().forEach(Lwm2mClient::close);
            clients.clear();
            server.destroy();
            server = null;
            ota.stop();
        }
    }

    /** The bound CoAP port. */
    public int port() {
        return server.getEndpoint(Protocol.COAP).getURI().getPort();
    }

    /** The bound DTLS port, or -1 without security. */
    public int securePort() {
        var secure = server.getEndpoint(Protocol.COAPS);
        return secure == null ? -1 : secure.getURI().getPort();
    }

    LeshanServer server() {
        return server;
    }

    OtaUpdates ota() {
        return ota;
    }

    TransportService core() {
        return transport;
    }

    /** What stores values counts them here until the core has them, so a stop can wait for them. */
    Drain drain() {
        return drain;
    }

    Lwm2mTransportProperties props() {
        return props;
    }

    Lwm2mModelCache models() {
        return models;
    }

    /** Notifications and Send requests received since the start. */
    public long notificationCount() {
        return notifications.sum();
    }

    /** The number of registered clients with a session. */
    public int clientCount() {
        return clients.size();
    }

    static UUID tenantOf(Registration r) {
        String t = r.getApplicationData() == null ? null : r.getApplicationData().get(TENANT);
        return t == null ? null : UUID.fromString(t);
    }

    static DeviceInfo deviceOf(Registration r) {
        Map<String, String> d = r.getApplicationData();
        return new DeviceInfo(UUID.fromString(d.get(TENANT)), UUID.fromString(d.get(DEVICE)), d.get(NAME), d.get(TYPE),
                UUID.fromString(d.get(PROFILE)));
    }

    /**
     * An endpoint's credentials and, for a known one, its tenant's models, both from the core without
     * blocking, ahead of Leshan's synchronous authorizer (bounded by the core time-out).
     */
    private CompletableFuture<Optional<AuthenticatedDevice>> lookUpEndpoint(String endpoint) {
        return transport.authenticate(CredentialsType.LWM2M_CREDENTIALS, endpoint)
                .thenCompose(found -> found.isEmpty() ? CompletableFuture.completedFuture(found)
                        : models.load(found.get().device().tenantId()).handle((lib, e) -> found))
                .orTimeout(props.coreTimeoutMs(), TimeUnit.MILLISECONDS);
    }

    /** Admits a registration only for an endpoint that is a device's LwM2M credentials id. */
    private final class EndpointAuthorizer implements Authorizer {
        @Override
        public Authorization isAuthorized(UplinkRequest<?> request, Registration registration, LwM2mPeer sender) {
            if (!(request instanceof RegisterRequest register)) {
                return registration == null
                        || !Lwm2mPeerCheck.sameIdentity(registration.getClientTransportData(), sender)
                        ? Authorization.declined() : Authorization.approved(registration.getApplicationData());
            }
            String endpoint = register.getEndpointName();
            try {
                // Leshan's authorizer is synchronous; the look-up is served from the credentials cache, and the
                // wait is bounded so a slow core refuses the registration rather than holding the thread.
                Optional<AuthenticatedDevice> looked = RegisterGuard.lookedUp(endpoint);
                Lwm2mPeerCheck.Verdict verdict = check.check(endpoint, sender, looked);
                if (!verdict.approved()) {
                    return Authorization.declined();
                }
                DeviceInfo d = verdict.device().device();
                models.load(d.tenantId()).get(props.coreTimeoutMs(), TimeUnit.MILLISECONDS);
                // Leshan keeps these strings with every registration: the tenant's and profile's are shared.
                return Authorization.approved(Map.of(TENANT, SHARED_IDS.intern(d.tenantId().toString()),
                        DEVICE, d.deviceId().toString(), NAME, d.deviceName(),
                        TYPE, d.deviceType() == null ? "" : d.deviceType(),
                        PROFILE, SHARED_IDS.intern(d.deviceProfileId().toString())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Authorization.declined();
            } catch (Exception e) {
                refusals.warn("LwM2M registration of '{}' refused: {}", endpoint, e.toString());
                return Authorization.declined();
            }
        }
    }

    private final class Registrations implements RegistrationListener {
        @Override
        public void registered(Registration registration, Registration previous, Collection<Observation> previousObservations) {
            Lwm2mClient old = clients.remove(registration.getEndpoint());
            if (old != null) {
                old.close();
            }
            Lwm2mClient client = new Lwm2mClient(Lwm2mTransport.this, registration, deviceOf(registration));
            clients.put(registration.getEndpoint(), client);
            client.start();
        }

        @Override
        public void updated(RegistrationUpdate update, Registration updated, Registration previous) {
            Lwm2mClient client = clients.get(updated.getEndpoint());
            if (client != null) {
                client.updated(updated, previous);
                client.activity();
            }
        }

        @Override
        public void unregistered(Registration registration, Collection<Observation> observations, boolean expired,
                                 Registration newRegistration) {
            if (newRegistration != null) {
                return; // replaced by a new registration of the same endpoint: registered() takes over
            }
            Lwm2mClient client = clients.get(registration.getEndpoint());
            if (client != null && client.registration().getId().equals(registration.getId())) {
                clients.remove(registration.getEndpoint());
                client.log(expired ? "Registration expired" : "Deregistered");
                client.close();
            }
        }
    }

    /** Drops a registration whose device session the core closed: observations, client and Leshan's record. */
    void evict(Registration registration) {
        LeshanServer s = server;
        if (s == null) {
            return;
        }
        clients.remove(registration.getEndpoint(), client(registration));
        s.getObservationService().cancelObservations(registration);
        s.getRegistrationStore().removeRegistration(registration.getId());
    }

    private Lwm2mClient client(Registration registration) {
        Lwm2mClient c = clients.get(registration.getEndpoint());
        return c != null && c.registration().getId().equals(registration.getId()) ? c : null;
    }

    private final class Observations implements ObservationListener {
        @Override
        public void newObservation(Observation observation, Registration registration) {
        }

        @Override
        public void cancelled(Observation observation) {
        }

        @Override
        public void onResponse(SingleObservation observation, Registration registration, ObserveResponse response) {
            notifications.increment();
            Lwm2mClient c = client(registration);
            if (c != null) {
                c.activity();
            }
            if (c != null && response.isSuccess()) {
                c.notified(observation.getPath(), response.getContent());
                if (response.getTimestampedLwM2mNodes() != null && !response.getTimestampedLwM2mNodes().isEmpty()) {
                    response.getTimestampedLwM2mNodes().forEach(n -> c.store(Map.of(observation.getPath(), n.getNode()),
                            n.getTimestamp() == null ? System.currentTimeMillis() : n.getTimestamp().toEpochMilli()));
                } else {
                    c.store(Map.of(observation.getPath(), response.getContent()), System.currentTimeMillis());
                }
            }
        }

        @Override
        public void onResponse(CompositeObservation observation, Registration registration,
                               ObserveCompositeResponse response) {
            notifications.increment();
            Lwm2mClient c = client(registration);
            if (c != null) {
                c.activity();
            }
            if (c != null && response.isSuccess()) {
                c.store(response.getContent(), System.currentTimeMillis());
            }
        }

        @Override
        public void onError(Observation observation, Registration registration, Exception error) {
            Lwm2mClient c = client(registration);
            if (c == null || !undecodable(error)) {
                log.debug("LwM2M notification of {} failed: {}", registration.getEndpoint(), error.toString());
                return;
            }
            // Each further notification would fail the same way: stop the observation and say why.
            server.getObservationService().cancelObservation(observation);
            String paths = observation instanceof CompositeObservation co ? co.getPaths().toString()
                    : ((SingleObservation) observation).getPath().toString();
            c.log("Notification of " + paths + " cannot be decoded (" + rootMessage(error) + "): observation cancelled");
        }
    }

    private static boolean undecodable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.eclipse.leshan.core.node.codec.CodecException
                    || t instanceof org.eclipse.leshan.core.request.exception.InvalidResponseException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    private final class Sends implements SendListener {
        @Override
        public void dataReceived(Registration registration, TimestampedLwM2mNodes data, SendRequest request) {
            Lwm2mClient c = client(registration);
            notifications.increment();
            if (c != null) {
                c.activity();
                c.log("Send (" + request.getFormat().getName() + "): " + ValueStore.describe(data));
                c.store(data);
            }
        }

        @Override
        public void onError(Registration registration, String errorMessage, Exception error) {
            log.debug("LwM2M Send of {} failed: {}", registration.getEndpoint(), errorMessage);
            Lwm2mClient c = client(registration);
            if (c != null) {
                c.log("Send refused: " + errorMessage);
            }
        }
    }
}
