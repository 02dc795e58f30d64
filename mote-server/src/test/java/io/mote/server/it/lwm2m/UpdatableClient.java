package io.mote.server.it.lwm2m;

import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.leshan.client.LeshanClient;
import org.eclipse.leshan.client.LeshanClientBuilder;
import org.eclipse.leshan.client.californium.endpoint.CaliforniumClientEndpointsProvider;
import org.eclipse.leshan.client.californium.endpoint.coap.CoapClientProtocolProvider;
import org.eclipse.leshan.client.engine.DefaultRegistrationEngineFactory;
import org.eclipse.leshan.client.object.Security;
import org.eclipse.leshan.client.object.Server;
import org.eclipse.leshan.client.observer.LwM2mClientObserverAdapter;
import org.eclipse.leshan.client.resource.BaseInstanceEnabler;
import org.eclipse.leshan.client.resource.ObjectsInitializer;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.LwM2mId;
import org.eclipse.leshan.core.model.ObjectModel;
import org.eclipse.leshan.core.model.StaticModel;
import org.eclipse.leshan.core.node.LwM2mResource;
import org.eclipse.leshan.core.request.BindingMode;
import org.eclipse.leshan.core.request.RegisterRequest;
import org.eclipse.leshan.core.request.argument.Arguments;
import org.eclipse.leshan.core.response.ExecuteResponse;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.core.response.WriteResponse;

/**
 * A Leshan client with real update objects: Firmware Update (5) and Software Management (9) keep the bytes
 * they receive (pushed into Package, or downloaded with a CoAP client from Package URI), check them against
 * the SHA-256 the test expects, and on Update / Install "update": they report the new version, as Device's
 * Firmware Version (/3/0/3) and the objects' PkgVersion. The test can make them refuse.
 */
final class UpdatableClient implements AutoCloseable {

    /** What the client accepts and what it does with it; the test sets these before the update. */
    static final class Behaviour {
        volatile String expectedSha256;
        volatile String newVersion = "";
        /** The Update Result reported after Update (firmware): 1 is success. */
        volatile int firmwareResult = 1;
        /** Report this version after the update instead of {@link #newVersion}. */
        volatile String reportedVersion;
        /** Released by the test to let a Package URI download begin. */
        volatile CompletableFuture<Void> downloadGate = CompletableFuture.completedFuture(null);
        /** Report no version in /3/0/3: the server must read /5/0/7. */
        volatile boolean noDeviceVersion;
    }

    final Behaviour behaviour = new Behaviour();
    final Firmware firmware = new Firmware();
    final Software software = new Software();
    final DeviceObject deviceObject = new DeviceObject();
    final LeshanClient client;
    final CompletableFuture<String> registered = new CompletableFuture<>();
    final List<String> downloads = new CopyOnWriteArrayList<>();
    /** What the server wrote into Object 19, by instance. */
    final java.util.Map<Integer, byte[]> appData = new java.util.concurrent.ConcurrentHashMap<>();
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor();

    UpdatableClient(String endpoint, int port, int maxBodySize, boolean queueMode) {
        this(endpoint, port, maxBodySize, queueMode, true);
    }

    /** {@code object19}: whether the client has BinaryAppDataContainer (19), with instance 0. */
    UpdatableClient(String endpoint, int port, int maxBodySize, boolean queueMode, boolean object19) {
        List<ObjectModel> models = new java.util.ArrayList<>(TestClient.MODELS);
        try (var in = UpdatableClient.class.getResourceAsStream("/lwm2m-models/9.xml")) {
            models.addAll(new org.eclipse.leshan.core.model.DDFFileParser().parse(in, "9.xml"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        ObjectsInitializer init = new ObjectsInitializer(new StaticModel(models));
        init.setInstancesForObject(LwM2mId.SECURITY, Security.noSec("coap://127.0.0.1:" + port, 123));
        init.setInstancesForObject(LwM2mId.SERVER, queueMode
                ? new Server(123, 300, java.util.EnumSet.of(BindingMode.U, BindingMode.Q), false, BindingMode.U)
                : new Server(123, 300));
        init.setInstancesForObject(LwM2mId.DEVICE, deviceObject);
        init.setInstancesForObject(LwM2mId.FIRMWARE, firmware);
        init.setInstancesForObject(LwM2mId.SOFTWARE_MANAGEMENT, software);
        init.setInstancesForObject(AppData.OBJECT, new AppData(this));
        init.setFactoryForObject(AppData.OBJECT, new org.eclipse.leshan.client.resource.BaseInstanceEnablerFactory() {
            @Override
            public org.eclipse.leshan.client.resource.LwM2mInstanceEnabler create() {
                return new AppData(UpdatableClient.this);
            }
        });
        deviceObject.owner = this;
        firmware.owner = this;
        software.owner = this;
        LeshanClientBuilder b = new LeshanClientBuilder(endpoint);
        b.setObjects(object19 ? init.createAll() : init.create(LwM2mId.SECURITY, LwM2mId.SERVER, LwM2mId.DEVICE,
                LwM2mId.FIRMWARE, LwM2mId.SOFTWARE_MANAGEMENT));
        DefaultRegistrationEngineFactory engine = new DefaultRegistrationEngineFactory();
        engine.setQueueMode(queueMode);
        b.setRegistrationEngineFactory(engine);
        var endpoints = new CaliforniumClientEndpointsProvider.Builder(new CoapClientProtocolProvider());
        Configuration c = endpoints.createDefaultConfiguration();
        c.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, maxBodySize); // what the "device" can hold
        endpoints.setConfiguration(c);
        b.setEndpointsProviders(endpoints.build());
        client = b.build();
        client.addObserver(new LwM2mClientObserverAdapter() {
            @Override
            public void onRegistrationSuccess(LwM2mServer server, RegisterRequest request, String registrationId) {
                registered.complete(registrationId);
            }
        });
        client.start();
    }

    String awaitRegistered() throws Exception {
        return registered.get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        client.destroy(false);
        worker.shutdownNow();
    }

    private String versionAfterUpdate() {
        return behaviour.reportedVersion != null ? behaviour.reportedVersion : behaviour.newVersion;
    }

    private boolean checks(byte[] data) {
        try {
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
            return sha.equalsIgnoreCase(behaviour.expectedSha256);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Downloads {@code uri} with a CoAP client of its own (blockwise), as a device's download task does. */
    private byte[] download(String uri, String bindHost) throws Exception {
        Configuration c = Configuration.createStandardWithoutFile();
        c.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, 64 * 1024 * 1024);
        CoapEndpoint ep = new CoapEndpoint.Builder().setConfiguration(c)
                .setInetSocketAddress(new InetSocketAddress(bindHost, 0)).build();
        CoapClient coap = new CoapClient(uri);
        coap.setEndpoint(ep);
        coap.setTimeout(60_000L);
        try {
            CoapResponse r = coap.get();
            if (r == null) {
                throw new IllegalStateException("no answer from " + uri);
            }
            if (!r.isSuccess()) {
                throw new IllegalStateException(r.getCode() + " " + r.getResponseText());
            }
            return r.getPayload();
        } finally {
            coap.shutdown();
            ep.destroy();
        }
    }

    /** A GET of {@code uri} from {@code bindHost}: the response code's text, e.g. "2.05" or "4.04". */
    static String fetch(String uri, String bindHost) {
        Configuration c = Configuration.createStandardWithoutFile();
        c.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, 64 * 1024 * 1024);
        CoapEndpoint ep = new CoapEndpoint.Builder().setConfiguration(c)
                .setInetSocketAddress(new InetSocketAddress(bindHost, 0)).build();
        CoapClient coap = new CoapClient(uri);
        coap.setEndpoint(ep);
        coap.setTimeout(30_000L);
        try {
            CoapResponse r = coap.get();
            return r == null ? "none" : r.getCode().text;
        } catch (Exception e) {
            return e.toString();
        } finally {
            coap.shutdown();
            ep.destroy();
        }
    }

    /**
     * BinaryAppDataContainer (19): keeps what the server writes into Data (0) per instance. What arrives in
     * instance 0 is a firmware package (ThingsBoard's strategy 3): the "application" hands it to the Firmware
     * Update object, which checks it as if it had been pushed into /5/0/0.
     */
    public static final class AppData extends BaseInstanceEnabler {
        static final int OBJECT = 19;
        private final UpdatableClient owner;
        volatile byte[] data;

        public AppData(UpdatableClient owner) {
            this.owner = owner;
        }

        @Override
        public WriteResponse write(LwM2mServer server, boolean replace, int resourceId, LwM2mResource value) {
            if (resourceId != 0 || !value.isMultiInstances() || value.getInstance(0) == null) {
                return WriteResponse.badRequest("Data (0) takes resource instance 0");
            }
            data = (byte[]) value.getInstance(0).getValue();
            owner.appData.put(getId(), data);
            if (getId() == 0) {
                owner.firmware.received(data);
            }
            return WriteResponse.success();
        }

        @Override
        public ReadResponse read(LwM2mServer server, int resourceId) {
            if (resourceId == 0) {
                return ReadResponse.success(resourceId, java.util.Map.of(0, data == null ? new byte[0] : data),
                        org.eclipse.leshan.core.model.ResourceModel.Type.OPAQUE);
            }
            return super.read(server, resourceId);
        }

        @Override
        public List<Integer> getAvailableResourceIds(ObjectModel model) {
            return List.of(0);
        }
    }

    /** Device (3): manufacturer and the firmware version, the one the update changes. */
    public static final class DeviceObject extends BaseInstanceEnabler {
        volatile UpdatableClient owner;

        public DeviceObject() {
        }

        volatile String firmwareVersion = "1.0";

        @Override
        public ReadResponse read(LwM2mServer server, int resourceId) {
            return switch (resourceId) {
                case 0 -> ReadResponse.success(resourceId, "Mote Test Device");
                case 3 -> ReadResponse.success(resourceId, owner.behaviour.noDeviceVersion ? "" : firmwareVersion);
                case 16 -> ReadResponse.success(resourceId, "U");
                default -> super.read(server, resourceId);
            };
        }

        @Override
        public List<Integer> getAvailableResourceIds(ObjectModel model) {
            return List.of(0, 3, 16);
        }
    }

    /** Firmware Update (5): Package 0, Package URI 1, Update 2, State 3, Update Result 5, PkgName 6, PkgVersion 7. */
    public static final class Firmware extends BaseInstanceEnabler {
        volatile UpdatableClient owner;

        public Firmware() {
        }

        volatile long state;
        volatile long result;
        volatile byte[] received;
        volatile String uri = "";
        volatile String pkgVersion = "1.0";
        final java.util.concurrent.atomic.AtomicInteger updates = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public ReadResponse read(LwM2mServer server, int resourceId) {
            return switch (resourceId) {
                case 1 -> ReadResponse.success(resourceId, uri);
                case 3 -> ReadResponse.success(resourceId, state);
                case 5 -> ReadResponse.success(resourceId, result);
                case 6 -> ReadResponse.success(resourceId, "mote-test");
                case 7 -> ReadResponse.success(resourceId, pkgVersion);
                case 9 -> ReadResponse.success(resourceId, 2L); // both pull and push
                default -> super.read(server, resourceId);
            };
        }

        @Override
        public WriteResponse write(LwM2mServer server, boolean replace, int resourceId, LwM2mResource value) {
            if (resourceId == 0) {
                received((byte[]) value.getValue());
                return WriteResponse.success();
            }
            if (resourceId == 1) {
                uri = (String) value.getValue();
                if (uri.isEmpty()) {
                    set(0, 0);
                    return WriteResponse.success();
                }
                set(1, 0);
                String target = uri;
                owner.behaviour.downloadGate.thenRun(() -> owner.worker.execute(() -> {
                    try {
                        byte[] data = owner.download(target, "127.0.0.1");
                        if (!target.equals(uri)) {
                            return; // a newer Package URI replaced this download
                        }
                        owner.downloads.add(target);
                        received(data);
                    } catch (Exception e) {
                        if (target.equals(uri)) {
                            set(0, 4); // connection lost during downloading
                        }
                    }
                }));
                return WriteResponse.success();
            }
            return super.write(server, replace, resourceId, value);
        }

        private void received(byte[] data) {
            received = data;
            if (owner.checks(data)) {
                set(2, 0);
            } else {
                set(0, 5); // integrity check failure
            }
        }

        @Override
        public ExecuteResponse execute(LwM2mServer server, int resourceId, Arguments arguments) {
            if (resourceId != 2) {
                return super.execute(server, resourceId, arguments);
            }
            if (state != 2) {
                return ExecuteResponse.badRequest("no package downloaded");
            }
            updates.incrementAndGet();
            set(3, 0);
            owner.worker.schedule(() -> {
                if (owner.behaviour.firmwareResult == 1) {
                    owner.deviceObject.firmwareVersion = owner.versionAfterUpdate();
                    pkgVersion = owner.versionAfterUpdate();
                }
                set(0, owner.behaviour.firmwareResult);
            }, 300, TimeUnit.MILLISECONDS);
            return ExecuteResponse.success();
        }

        private void set(long newState, long newResult) {
            state = newState;
            result = newResult;
            fireResourceChange(3);
            fireResourceChange(5);
        }

        @Override
        public List<Integer> getAvailableResourceIds(ObjectModel model) {
            return List.of(0, 1, 2, 3, 5, 6, 7, 9);
        }
    }

    /** Software Management (9): PkgName 0, PkgVersion 1, Package 2, Package URI 3, Install 4, Uninstall 6,
     * Update State 7, Update Result 9, Activate 10, Deactivate 11, Activation State 12. */
    public static final class Software extends BaseInstanceEnabler {
        volatile UpdatableClient owner;

        public Software() {
        }

        volatile long state;
        volatile long result;
        volatile byte[] received;
        volatile String pkgVersion = "";
        volatile boolean active;
        final java.util.concurrent.atomic.AtomicInteger uninstalls = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public ReadResponse read(LwM2mServer server, int resourceId) {
            return switch (resourceId) {
                case 0 -> ReadResponse.success(resourceId, "mote-app");
                case 1 -> ReadResponse.success(resourceId, pkgVersion);
                case 7 -> ReadResponse.success(resourceId, state);
                case 9 -> ReadResponse.success(resourceId, result);
                case 12 -> ReadResponse.success(resourceId, active);
                default -> super.read(server, resourceId);
            };
        }

        @Override
        public WriteResponse write(LwM2mServer server, boolean replace, int resourceId, LwM2mResource value) {
            if (resourceId == 2) {
                received((byte[]) value.getValue());
                return WriteResponse.success();
            }
            if (resourceId == 3) {
                String target = (String) value.getValue();
                set(1, 1);
                owner.behaviour.downloadGate.thenRun(() -> owner.worker.execute(() -> {
                    try {
                        byte[] data = owner.download(target, "127.0.0.1");
                        owner.downloads.add(target);
                        received(data);
                    } catch (Exception e) {
                        set(0, 6);
                    }
                }));
                return WriteResponse.success();
            }
            return super.write(server, replace, resourceId, value);
        }

        private void received(byte[] data) {
            received = data;
            if (owner.checks(data)) {
                set(2, 1);
                owner.worker.schedule(() -> set(3, 3), 100, TimeUnit.MILLISECONDS); // verified: delivered
            } else {
                set(0, 7);
            }
        }

        @Override
        public ExecuteResponse execute(LwM2mServer server, int resourceId, Arguments arguments) {
            switch (resourceId) {
                case 4 -> {
                    if (state != 3) {
                        return ExecuteResponse.badRequest("nothing delivered");
                    }
                    owner.worker.schedule(() -> {
                        pkgVersion = owner.versionAfterUpdate();
                        set(4, 2);
                    }, 300, TimeUnit.MILLISECONDS);
                    return ExecuteResponse.success();
                }
                case 6 -> {
                    uninstalls.incrementAndGet();
                    pkgVersion = "";
                    active = false;
                    set(0, 0);
                    return ExecuteResponse.success();
                }
                case 10 -> {
                    active = true;
                    fireResourceChange(12);
                    return ExecuteResponse.success();
                }
                case 11 -> {
                    active = false;
                    fireResourceChange(12);
                    return ExecuteResponse.success();
                }
                default -> {
                    return super.execute(server, resourceId, arguments);
                }
            }
        }

        private void set(long newState, long newResult) {
            state = newState;
            result = newResult;
            fireResourceChange(7);
            fireResourceChange(9);
        }

        @Override
        public List<Integer> getAvailableResourceIds(ObjectModel model) {
            return List.of(0, 1, 2, 3, 4, 6, 7, 9, 10, 11, 12);
        }
    }
}
