package io.mote.transport.lwm2m.bootstrap;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.eclipse.leshan.core.endpoint.Protocol;
import org.eclipse.leshan.core.peer.LwM2mPeer;
import org.eclipse.leshan.core.request.BootstrapDownlinkRequest;
import org.eclipse.leshan.core.request.BootstrapFinishRequest;
import org.eclipse.leshan.core.request.BootstrapReadRequest;
import org.eclipse.leshan.core.request.BootstrapRequest;
import org.eclipse.leshan.core.response.LwM2mResponse;
import org.eclipse.leshan.server.bootstrap.BootstrapConfig;
import org.eclipse.leshan.server.bootstrap.BootstrapFailureCause;
import org.eclipse.leshan.server.bootstrap.BootstrapSession;
import org.eclipse.leshan.server.bootstrap.BootstrapSessionAdapter;
import org.eclipse.leshan.server.bootstrap.DefaultBootstrapSessionManager;
import org.eclipse.leshan.server.bootstrap.LeshanBootstrapServer;
import org.eclipse.leshan.server.bootstrap.LeshanBootstrapServerBuilder;
import org.eclipse.leshan.server.californium.bootstrap.endpoint.CaliforniumBootstrapServerEndpointsProvider;
import org.eclipse.leshan.server.californium.bootstrap.endpoint.coap.CoapBootstrapServerEndpointFactoryBuilder;
import org.eclipse.leshan.server.californium.bootstrap.endpoint.coap.CoapBootstrapServerProtocolProvider;
import org.eclipse.leshan.server.californium.bootstrap.endpoint.coaps.CoapsBootstrapServerProtocolProvider;
import org.eclipse.leshan.server.model.LwM2mBootstrapModelProvider;
import org.eclipse.leshan.server.model.StandardBootstrapModelProvider;
import org.eclipse.leshan.server.security.Authorization;
import org.eclipse.leshan.server.security.BootstrapAuthorizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mote.transport.api.AuthenticatedDevice;
import io.mote.transport.api.Lwm2mServerInfo;
import io.mote.transport.api.TransportConfiguration;
import io.mote.transport.api.TransportService;
import io.mote.transport.dtls.CheckedUdpDataParser;
import io.mote.transport.lwm2m.security.Lwm2mPeerCheck;
import io.mote.transport.lwm2m.security.Lwm2mSecurity;

/**
 * The LwM2M bootstrap server (Leshan's) on a plain and a DTLS port. A client asking for bootstrap is checked
 * like a registering one ({@link Lwm2mPeerCheck}: endpoint and how it authenticated against its device's
 * credentials); its configuration is built from those credentials and its profile
 * ({@link DeviceBootstrapConfigs}) and written by {@link BootstrapTasks}. A step the client rejects ends the
 * session with a log line naming the step, the path and the client's answer.
 */
public class Lwm2mBootstrapServer {

    private static final Logger log = LoggerFactory.getLogger(Lwm2mBootstrapServer.class);

    /**
     * @param host       address to bind (empty = every interface)
     * @param port       plain CoAP port (0 = a free one)
     * @param securePort DTLS port (0 = a free one)
     */
    public record Settings(String host, int port, int securePort, long coreTimeoutMs) {
    }

    private final TransportService transport;
    private final Settings settings;
    private final Lwm2mSecurity security;
    private final DeviceBootstrapConfigs configs;
    private final Map<String, BootstrapConfig> sessions = new ConcurrentHashMap<>();
    private LeshanBootstrapServer server;
    private BootstrapTasks tasks;

    public Lwm2mBootstrapServer(TransportService transport, Settings settings, Lwm2mSecurity security,
                                Lwm2mServerInfo info) {
        this.transport = transport;
        this.settings = settings;
        this.security = security;
        this.configs = new DeviceBootstrapConfigs(info);
    }

    private InetSocketAddress address(int port) {
        return settings.host() == null || settings.host().isBlank()
                ? new InetSocketAddress(port) : new InetSocketAddress(settings.host(), port);
    }

    public synchronized void start() {
        CaliforniumBootstrapServerEndpointsProvider.Builder endpoints = new CaliforniumBootstrapServerEndpointsProvider.Builder(
                new CoapBootstrapServerProtocolProvider(), new CoapsBootstrapServerProtocolProvider());
        endpoints.addEndpoint(new CoapBootstrapServerEndpointFactoryBuilder().setURI(address(settings.port()))
                .setCoapEndpointConfig(CheckedUdpDataParser::install).build());
        endpoints.addEndpoint(security.bootstrapEndpoint(address(settings.securePort())));
        LeshanBootstrapServerBuilder builder = new LeshanBootstrapServerBuilder();
        builder.setEndpointsProviders(endpoints.build());
        builder.setSecurityStore(Lwm2mSecurity.bootstrapSecurityStore());
        tasks = new BootstrapTasks(sessions);
        builder.setSessionManager(new Sessions(tasks, new DeviceAuthorizer()));
        server = builder.build();
        server.addListener(new Outcomes());
        server.start();
        CompletableFuture.runAsync(DefaultModels::load); // ready before the first client, off the start's thread
        log.info("LwM2M bootstrap server listening on UDP port {}, DTLS on port {}", port(), securePort());
    }

    public synchronized void stop() {
        if (server != null) {
            server.destroy();
            server = null;
        }
    }

    public int port() {
        return server.getEndpoint(Protocol.COAP).getURI().getPort();
    }

    public int securePort() {
        return server.getEndpoint(Protocol.COAPS).getURI().getPort();
    }

    /** Admits a bootstrap request of a known client and prepares its configuration. */
    private final class DeviceAuthorizer implements BootstrapAuthorizer {
        @Override
        public Authorization isAuthorized(BootstrapRequest request, LwM2mPeer client) {
            String endpoint = request.getEndpointName();
            Lwm2mPeerCheck.Verdict v = security.check().check(endpoint, client);
            if (!v.approved()) {
                return Authorization.declined();
            }
            AuthenticatedDevice d = v.device();
            try {
                TransportConfiguration tc = transport.transportConfiguration(d.device())
                        .get(settings.coreTimeoutMs(), TimeUnit.MILLISECONDS);
                BootstrapConfig config = configs.build(d.credentialsValue(), tc.profile());
                String key = endpoint + "|" + System.nanoTime();
                sessions.put(key, config);
                return Authorization.approved(Map.of(BootstrapTasks.CONFIG, key));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Authorization.declined();
            } catch (Exception e) {
                log.warn("LwM2M bootstrap of '{}' refused: its configuration could not be built: {}", endpoint,
                        e.toString());
                return Authorization.declined();
            }
        }
    }

    /**
     * Leshan's OMA models, which the bootstrap steps encode with: parsing all of them takes a few hundred ms, paid
     * by the first bootstrap (or the warm-up {@link #start} asks for), not by the server's start.
     */
    private static final class DefaultModels {
        static final LwM2mBootstrapModelProvider PROVIDER = new StandardBootstrapModelProvider();

        static void load() {
            // loading the class is the work
        }
    }

    /** Keys the task provider's configurations by session id, and stops a session at a rejected step. */
    private final class Sessions extends DefaultBootstrapSessionManager {

        Sessions(BootstrapTasks tasks, BootstrapAuthorizer authorizer) {
            super(tasks, (session, objects) -> DefaultModels.PROVIDER.getObjectModel(session, objects), authorizer);
        }

        @Override
        public BootstrapPolicy onResponseError(BootstrapSession session,
                                               BootstrapDownlinkRequest<? extends LwM2mResponse> request,
                                               LwM2mResponse response) {
            if (request instanceof BootstrapReadRequest) {
                return super.onResponseError(session, request, response); // optional step: carry on
            }
            log.warn("LwM2M bootstrap of '{}' failed: the client rejected {} {} with {}{}", session.getEndpoint(),
                    step(request), request.getPath(), response.getCode(),
                    response.getErrorMessage() == null ? "" : " (" + response.getErrorMessage() + ")");
            return BootstrapPolicy.failed();
        }

        @Override
        public void end(BootstrapSession session) {
            forget(session);
        }

        @Override
        public void failed(BootstrapSession session, BootstrapFailureCause cause) {
            forget(session);
        }

        private void forget(BootstrapSession session) {
            String key = session.getApplicationData() == null ? null : session.getApplicationData().get(BootstrapTasks.CONFIG);
            if (key != null) {
                sessions.remove(key);
                tasks.forget(key);
            }
        }
    }

    private static String step(BootstrapDownlinkRequest<?> request) {
        String name = request.getClass().getSimpleName();
        return name.replace("Bootstrap", "").replace("Request", "");
    }

    private final class Outcomes extends BootstrapSessionAdapter {
        @Override
        public void end(BootstrapSession session) {
            log.info("LwM2M client '{}' bootstrapped", session.getEndpoint());
        }

        @Override
        public void failed(BootstrapSession session, BootstrapFailureCause cause) {
            log.info("LwM2M bootstrap of '{}' ended: {}", session.getEndpoint(), cause);
        }

        @Override
        public void onRequestFailure(BootstrapSession session, BootstrapDownlinkRequest<? extends LwM2mResponse> request,
                                     Throwable cause) {
            if (!(request instanceof BootstrapFinishRequest)) {
                log.warn("LwM2M bootstrap of '{}': {} {} got no answer: {}", session.getEndpoint(), step(request),
                        request.getPath(), cause.toString());
            }
        }
    }
}
