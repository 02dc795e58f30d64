package io.mote.server.it.lwm2m;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.leshan.client.LeshanClient;
import org.eclipse.leshan.client.LeshanClientBuilder;
import org.eclipse.leshan.client.object.Security;
import org.eclipse.leshan.client.object.Server;
import org.eclipse.leshan.client.observer.LwM2mClientObserverAdapter;
import org.eclipse.leshan.client.resource.BaseInstanceEnabler;
import org.eclipse.leshan.client.resource.ObjectsInitializer;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.LwM2mId;
import org.eclipse.leshan.core.model.ObjectLoader;
import org.eclipse.leshan.core.model.ObjectModel;
import org.eclipse.leshan.core.model.StaticModel;
import org.eclipse.leshan.core.request.RegisterRequest;
import org.eclipse.leshan.core.response.ReadResponse;

/**
 * A Leshan client announcing chosen versions of the Device (3) and Connectivity Monitoring (4) objects, with
 * OMA's models of those versions (Leshan ships 3 in 1.0–1.2 and 4 in 1.0–1.3), as a C client built against an
 * older registry does.
 */
public final class VersionedClient implements AutoCloseable {

    /** Object 4 instance 0: Network Bearer, Radio Signal Strength and Link Quality. */
    public static final class Connectivity extends BaseInstanceEnabler {
        volatile long rssi = -70;
        final AtomicInteger requests = new AtomicInteger();

        public Connectivity() {
        }

        @Override
        public ReadResponse read(LwM2mServer server, int resourceId) {
            if (!server.isSystem()) {
                requests.incrementAndGet();
            }
            return switch (resourceId) {
                case 0 -> ReadResponse.success(resourceId, 6L); // NB-IoT
                case 2 -> ReadResponse.success(resourceId, rssi);
                case 3 -> ReadResponse.success(resourceId, 42L);
                default -> super.read(server, resourceId);
            };
        }

        void setRssi(long value) {
            rssi = value;
            fireResourceChange(2);
        }

        @Override
        public List<Integer> getAvailableResourceIds(ObjectModel model) {
            return List.of(0, 2, 3);
        }
    }

    final TestClient.Device device = new TestClient.Device();
    final Connectivity connectivity = new Connectivity();
    final CompletableFuture<String> registered = new CompletableFuture<>();
    private final LeshanClient client;

    private final ObjectsInitializer init;

    /** {@code device} / {@code connectivity}: the model files of objects 3 and 4 in Leshan's models, e.g. "3-1_1.xml". */
    VersionedClient(String endpoint, int port, String deviceModel, String connectivityModel) throws Exception {
        this(endpoint, port, deviceModel, connectivityModel, true);
    }

    /** Without {@code withConnectivity} object 4 is left out until {@link #addConnectivity()}. */
    VersionedClient(String endpoint, int port, String deviceModel, String connectivityModel, boolean withConnectivity)
            throws Exception {
        List<ObjectModel> models = new ArrayList<>(TestClient.MODELS);
        models.removeIf(m -> m.id == 3 || m.id == 4);
        models.addAll(ObjectLoader.loadDdfResources("/models/", new String[] {deviceModel, connectivityModel}));
        init = new ObjectsInitializer(new StaticModel(models));
        init.setInstancesForObject(LwM2mId.SECURITY, Security.noSec("coap://127.0.0.1:" + port, 123));
        init.setInstancesForObject(LwM2mId.SERVER, new Server(123, 300));
        init.setInstancesForObject(LwM2mId.DEVICE, device);
        init.setInstancesForObject(LwM2mId.CONNECTIVITY_MONITORING, connectivity);
        LeshanClientBuilder b = new LeshanClientBuilder(endpoint);
        b.setObjects(withConnectivity
                ? init.create(LwM2mId.SECURITY, LwM2mId.SERVER, LwM2mId.DEVICE, LwM2mId.CONNECTIVITY_MONITORING)
                : init.create(LwM2mId.SECURITY, LwM2mId.SERVER, LwM2mId.DEVICE));
        b.setEndpointsProviders(new org.eclipse.leshan.client.californium.endpoint.CaliforniumClientEndpointsProvider());
        client = b.build();
        client.addObserver(new LwM2mClientObserverAdapter() {
            @Override
            public void onRegistrationSuccess(LwM2mServer server, RegisterRequest request, String registrationId) {
                registered.complete(registrationId);
            }
        });
        client.start();
    }

    /** Adds object 4; the client announces it in a registration update. */
    void addConnectivity() {
        client.getObjectTree().addObjectEnabler(init.create(LwM2mId.CONNECTIVITY_MONITORING));
    }

    String awaitRegistered() throws Exception {
        return registered.get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        client.destroy(false);
    }
}
