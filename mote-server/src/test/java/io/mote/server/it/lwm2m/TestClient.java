package io.mote.server.it.lwm2m;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.eclipse.leshan.client.LeshanClient;
import org.eclipse.leshan.client.LeshanClientBuilder;
import org.eclipse.leshan.client.object.Security;
import org.eclipse.leshan.client.object.Server;
import org.eclipse.leshan.client.observer.LwM2mClientObserverAdapter;
import org.eclipse.leshan.client.resource.BaseInstanceEnabler;
import org.eclipse.leshan.client.resource.LwM2mObjectEnabler;
import org.eclipse.leshan.client.resource.ObjectsInitializer;
import org.eclipse.leshan.client.resource.SimpleInstanceEnabler;
import org.eclipse.leshan.client.engine.DefaultRegistrationEngineFactory;
import org.eclipse.leshan.client.send.ManualDataSender;
import org.eclipse.leshan.core.request.BindingMode;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.LwM2mId;
import org.eclipse.leshan.core.ResponseCode;
import org.eclipse.leshan.core.model.ObjectLoader;
import org.eclipse.leshan.core.model.ObjectModel;
import org.eclipse.leshan.core.model.StaticModel;
import org.eclipse.leshan.core.node.LwM2mObject;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.node.LwM2mResource;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.request.RegisterRequest;
import org.eclipse.leshan.core.request.argument.Arguments;
import org.eclipse.leshan.core.response.ExecuteResponse;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.core.response.WriteResponse;

/** A Leshan client in the test JVM: a Device object (3) whose battery level the test sets. */
public final class TestClient implements AutoCloseable {

    static final List<ObjectModel> MODELS = models();

    /** Leshan's core models (0-7) and object 19 from the server's preloaded library. */
    private static List<ObjectModel> models() {
        List<ObjectModel> models = new java.util.ArrayList<>(ObjectLoader.loadDefault());
        try (var in = TestClient.class.getResourceAsStream("/lwm2m-models/19.xml")) {
            models.addAll(new org.eclipse.leshan.core.model.DDFFileParser().parse(in, "19.xml"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return models;
    }

    /** The version of object 3 the client announces. */
    public static String deviceVersion() {
        return MODELS.stream().filter(m -> m.id == 3).findFirst().orElseThrow().version;
    }

    public static class Device extends BaseInstanceEnabler {
        volatile long battery = 75;

        public Device() {
        }

        volatile String timezone = "+02";
        volatile String manufacturer = "Mote Test Device";
        volatile int reboots;
        /** Reads, writes and executes the server asked of this object. */
        final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public ReadResponse read(LwM2mServer server, int resourceId) {
            if (!server.isSystem()) {
                requests.incrementAndGet();
            }
            return switch (resourceId) {
                case 0 -> ReadResponse.success(resourceId, manufacturer);
                case 1 -> ReadResponse.success(resourceId, "Model 500");
                case 2 -> ReadResponse.success(resourceId, "SN-0001");
                case 9 -> {
                    answerLate();
                    yield ReadResponse.success(resourceId, battery);
                }
                case 14 -> ReadResponse.success(resourceId, timezone);
                case 16 -> ReadResponse.success(resourceId, "U");
                default -> super.read(server, resourceId);
            };
        }

        @Override
        public WriteResponse write(LwM2mServer server, boolean replace, int resourceId, LwM2mResource value) {
            requests.incrementAndGet();
            if (resourceId == 14) {
                timezone = (String) value.getValue();
                fireResourceChange(14);
                return WriteResponse.success();
            }
            return super.write(server, replace, resourceId, value);
        }

        @Override
        public ExecuteResponse execute(LwM2mServer server, int resourceId, Arguments arguments) {
            requests.incrementAndGet();
            if (resourceId == 4) {
                reboots++;
                return ExecuteResponse.success();
            }
            return super.execute(server, resourceId, arguments);
        }

        /** The next read (or Observe) of the battery level is answered only after this long, once. */
        volatile long nextBatteryAnswerLateMs;

        private void answerLate() {
            long late = nextBatteryAnswerLateMs;
            if (late > 0) {
                nextBatteryAnswerLateMs = 0;
                try {
                    Thread.sleep(late);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        void setBattery(long value) {
            battery = value;
            fireResourceChange(9);
        }

        @Override
        public List<Integer> getAvailableResourceIds(ObjectModel model) {
            return List.of(0, 1, 2, 4, 9, 14, 16);
        }
    }

    final Device device = new Device();
    final LeshanClient client;
    final CompletableFuture<String> registered = new CompletableFuture<>();
    public TestClient(String endpoint, int port) {
        this(endpoint, port, false, null);
    }

    /**
     * A client of objects 0, 1, 3 and 19 (Binary App Data Container, instance 0); in queue mode when asked,
     * preferring {@code format} for what it sends when given.
     */
    TestClient(String endpoint, int port, boolean queueMode, ContentFormat format) {
        this(endpoint, port, queueMode, format, null);
    }

    /**
     * With {@code announcedVersion} (e.g. "1.0", "1.2"), Register and Update requests announce that LwM2M
     * version ({@code lwm2m=...}) instead of the client's own 1.1.
     */
    TestClient(String endpoint, int port, boolean queueMode, ContentFormat format, String announcedVersion) {
        this(endpoint, port, queueMode, format, announcedVersion, b -> { });
    }

    /** As above, {@code customize} applied to the client builder last (e.g. {@link #onlyFormats}). */
    TestClient(String endpoint, int port, boolean queueMode, ContentFormat format, String announcedVersion,
               java.util.function.Consumer<LeshanClientBuilder> customize) {
        ObjectsInitializer init = new ObjectsInitializer(new StaticModel(MODELS));
        init.setInstancesForObject(LwM2mId.SECURITY, Security.noSec("coap://127.0.0.1:" + port, 123));
        init.setInstancesForObject(LwM2mId.SERVER, queueMode
                ? new Server(123, 300, java.util.EnumSet.of(BindingMode.U, BindingMode.Q), false, BindingMode.U)
                : new Server(123, 300));
        init.setInstancesForObject(LwM2mId.DEVICE, device);
        init.setClassForObject(19, SimpleInstanceEnabler.class);
        init.setInstancesForObject(19, new SimpleInstanceEnabler(0));
        LeshanClientBuilder b = new LeshanClientBuilder(endpoint);
        b.setObjects(init.createAll());
        DefaultRegistrationEngineFactory engine = new DefaultRegistrationEngineFactory();
        engine.setQueueMode(queueMode);
        if (format != null) {
            engine.setPreferredContentFormat(format);
        }
        b.setRegistrationEngineFactory(engine);
        b.setDataSenders(new ManualDataSender());
        b.setEndpointsProviders(announcedVersion != null ? new AnnouncedVersionEndpoints(announcedVersion)
                : new org.eclipse.leshan.client.californium.endpoint.CaliforniumClientEndpointsProvider());
        customize.accept(b);
        client = b.build();
        client.addObserver(new LwM2mClientObserverAdapter() {
            @Override
            public void onRegistrationSuccess(LwM2mServer server, RegisterRequest request, String registrationId) {
                registered.complete(registrationId);
            }

            @Override
            public void onUpdateSuccess(LwM2mServer server, org.eclipse.leshan.core.request.UpdateRequest request) {
                updates.incrementAndGet();
            }

            @Override
            public void onRegistrationFailure(LwM2mServer server, RegisterRequest request, ResponseCode code,
                                              String message, Exception cause) {
                registered.completeExceptionally(new IllegalStateException("registration refused: " + code));
            }

            @Override
            public void onRegistrationTimeout(LwM2mServer server, RegisterRequest request) {
                registered.completeExceptionally(new IllegalStateException("registration timed out"));
            }
        });
        client.start();
    }

    /**
     * A client that encodes and decodes only {@code formats} (and so announces only them at registration,
     * {@code </>;ct=...}), as a constrained C client does.
     */
    static java.util.function.Consumer<LeshanClientBuilder> onlyFormats(ContentFormat... formats) {
        java.util.Set<ContentFormat> keep = java.util.Set.of(formats);
        return b -> {
            var decoders = new java.util.HashMap<>(org.eclipse.leshan.core.node.codec.DefaultLwM2mDecoder.getDefaultNodeDecoders(false));
            decoders.keySet().retainAll(keep);
            var paths = new java.util.HashMap<>(org.eclipse.leshan.core.node.codec.DefaultLwM2mDecoder.getDefaultPathDecoder());
            paths.keySet().retainAll(keep);
            var encoders = new java.util.HashMap<>(org.eclipse.leshan.core.node.codec.DefaultLwM2mEncoder.getDefaultNodeEncoders(false));
            encoders.keySet().retainAll(keep);
            var pathEncoders = new java.util.HashMap<>(org.eclipse.leshan.core.node.codec.DefaultLwM2mEncoder.getDefaultPathEncoder());
            pathEncoders.keySet().retainAll(keep);
            b.setDecoder(new org.eclipse.leshan.core.node.codec.DefaultLwM2mDecoder(decoders, paths));
            b.setEncoder(new org.eclipse.leshan.core.node.codec.DefaultLwM2mEncoder(encoders, pathEncoders,
                    new org.eclipse.leshan.core.node.codec.LwM2mValueChecker()));
        };
    }

    /** Sends the current values of {@code paths} with LwM2M 1.1 Send. */
    void send(ContentFormat format, String... paths) throws Exception {
        LwM2mServer server = client.getRegisteredServers().values().iterator().next();
        var r = client.getSendService().sendData(server, format, List.of(paths), 10_000);
        if (r == null || !r.isSuccess()) {
            throw new IllegalStateException("Send failed: " + r);
        }
    }

    /** The object 19 instance {@code id}, if the client has it. */
    org.eclipse.leshan.client.resource.LwM2mInstanceEnabler app(int id) {
        return ((org.eclipse.leshan.client.resource.ObjectEnabler) client.getObjectTree().getObjectEnabler(19)).getInstance(id);
    }

    /** Resource {@code resourceId} of object 19 instance {@code id} as the client holds it. */
    org.eclipse.leshan.core.node.LwM2mNode appResource(int id, int resourceId) {
        return app(id).read(LwM2mServer.SYSTEM, resourceId).getContent();
    }

    /** With an announced version: the endpoints, which record the requests the client received. */
    AnnouncedVersionEndpoints announced;
    final java.util.concurrent.atomic.AtomicInteger bootstraps = new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger registrations = new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger updates = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * A client over DTLS (or through bootstrap, when {@code security} is a bootstrap account and {@code server}
     * is null): plain and DTLS endpoints, Connection ID support, {@code config} applied to the Californium
     * configuration.
     */
    TestClient(String endpoint, Security security, Server server,
               java.util.function.Consumer<org.eclipse.californium.elements.config.Configuration> config) {
        this(endpoint, security, server, config, java.util.function.UnaryOperator.identity());
    }

    /** As above, {@code objects} replacing object enablers (a client that misbehaves on purpose). */
    TestClient(String endpoint, Security security, Server server,
               java.util.function.Consumer<org.eclipse.californium.elements.config.Configuration> config,
               java.util.function.UnaryOperator<List<LwM2mObjectEnabler>> objects) {
        this(endpoint, security, server, config, objects, null);
    }

    /**
     * As above; with {@code announcedVersion} the client announces that LwM2M version in Register, Update and
     * its Bootstrap-Discover answer (as a 1.1 or 1.2 C client does) instead of Leshan's own.
     */
    TestClient(String endpoint, Security security, Server server,
               java.util.function.Consumer<org.eclipse.californium.elements.config.Configuration> config,
               java.util.function.UnaryOperator<List<LwM2mObjectEnabler>> objects, String announcedVersion) {
        ObjectsInitializer init = new ObjectsInitializer(new StaticModel(MODELS));
        init.setInstancesForObject(LwM2mId.SECURITY, security);
        if (server != null) {
            init.setInstancesForObject(LwM2mId.SERVER, server);
        } else {
            init.setClassForObject(LwM2mId.SERVER, Server.class);
        }
        init.setInstancesForObject(LwM2mId.DEVICE, device);
        LeshanClientBuilder b = new LeshanClientBuilder(endpoint);
        b.setObjects(objects.apply(init.createAll()));
        var endpoints = new org.eclipse.leshan.client.californium.endpoint.CaliforniumClientEndpointsProvider.Builder(
                new org.eclipse.leshan.client.californium.endpoint.coap.CoapClientProtocolProvider(),
                new org.eclipse.leshan.client.californium.endpoint.coaps.CoapsClientProtocolProvider());
        var c = endpoints.createDefaultConfiguration();
        c.set(org.eclipse.californium.scandium.config.DtlsConfig.DTLS_CONNECTION_ID_LENGTH, 0);
        if (config != null) {
            config.accept(c);
        }
        endpoints.setConfiguration(c);
        announced = announcedVersion != null ? new AnnouncedVersionEndpoints(announcedVersion, endpoints) : null;
        b.setEndpointsProviders(announced != null ? announced : endpoints.build());
        client = b.build();
        client.addObserver(new LwM2mClientObserverAdapter() {
            @Override
            public void onBootstrapSuccess(LwM2mServer bsserver, org.eclipse.leshan.core.request.BootstrapRequest request) {
                bootstraps.incrementAndGet();
            }

            @Override
            public void onUpdateSuccess(LwM2mServer server, org.eclipse.leshan.core.request.UpdateRequest request) {
                updates.incrementAndGet();
            }

            @Override
            public void onRegistrationSuccess(LwM2mServer server, RegisterRequest request, String registrationId) {
                registrations.incrementAndGet();
                registered.complete(registrationId);
            }

            @Override
            public void onRegistrationFailure(LwM2mServer server, RegisterRequest request, ResponseCode code,
                                              String message, Exception cause) {
                registered.completeExceptionally(new IllegalStateException("registration refused: " + code
                        + (cause == null ? "" : " " + cause)));
            }

            @Override
            public void onRegistrationTimeout(LwM2mServer server, RegisterRequest request) {
                registered.completeExceptionally(new IllegalStateException("registration timed out"));
            }
        });
        client.start();
    }

    /** The client's Security (0) instances as it holds them now. */
    Map<Integer, LwM2mObjectInstance> securityInstances() {
        ReadResponse r = client.getObjectTree().getObjectEnabler(LwM2mId.SECURITY)
                .read(LwM2mServer.SYSTEM, new ReadRequest(LwM2mId.SECURITY));
        return ((LwM2mObject) r.getContent()).getInstances();
    }

    public String awaitRegistered() throws Exception {
        return registered.get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        client.destroy(false);
    }

    /** Californium endpoints whose Register and Update requests announce another LwM2M version. */
    static final class AnnouncedVersionEndpoints extends org.eclipse.leshan.client.californium.endpoint.CaliforniumClientEndpointsProvider {
        private final String version;
        /** Requests the client received, as "GET /1". */
        final java.util.Queue<String> received = new java.util.concurrent.ConcurrentLinkedQueue<>();

        AnnouncedVersionEndpoints(String version) {
            this.version = version;
        }

        AnnouncedVersionEndpoints(String version,
                                  org.eclipse.leshan.client.californium.endpoint.CaliforniumClientEndpointsProvider.Builder builder) {
            super(withDefaults(builder));
            this.version = version;
        }

        private static org.eclipse.leshan.client.californium.endpoint.CaliforniumClientEndpointsProvider.Builder withDefaults(
                org.eclipse.leshan.client.californium.endpoint.CaliforniumClientEndpointsProvider.Builder builder) {
            builder.build(); // fills in the builder's defaults, as the provider's own constructor expects
            return builder;
        }

        @Override
        public LwM2mServer createEndpoint(org.eclipse.leshan.client.servers.ServerInfo info, boolean clientInitiatedOnly,
                                          List<java.security.cert.Certificate> trustStore,
                                          org.eclipse.leshan.client.endpoint.ClientEndpointToolbox toolbox) {
            LwM2mServer server = super.createEndpoint(info, clientInitiatedOnly, trustStore, toolbox);
            getCoapServer().getEndpoints().forEach(ep -> ep.addInterceptor(new org.eclipse.californium.core.network.interceptors.MessageInterceptorAdapter() {
                @Override
                public void sendRequest(org.eclipse.californium.core.coap.Request request) {
                    String q = request.getOptions().getUriQueryString();
                    if (q != null && q.contains("lwm2m=1.1")) {
                        request.getOptions().setUriQuery(q.replace("lwm2m=1.1", "lwm2m=" + version));
                    }
                }

                @Override
                public void receiveRequest(org.eclipse.californium.core.coap.Request request) {
                    received.add(request.getCode() + " /" + request.getOptions().getUriPathString());
                }

                @Override
                public void sendResponse(org.eclipse.californium.core.coap.Response response) {
                    // Leshan's client answers Bootstrap-Discover with lwm2m=1.0 whatever it speaks.
                    String payload = response.getPayloadString();
                    if (response.getOptions().getContentFormat() == 40 && payload.startsWith("</>;lwm2m=")) {
                        response.setPayload(payload.replaceFirst("^</>;lwm2m=\"?1\\.0\"?", "</>;lwm2m=" + version));
                    }
                }
            }));
            return server;
        }
    }
}
