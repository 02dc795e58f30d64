package io.mote.core.session;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;

import io.mote.common.entity.CredentialsType;
import io.mote.common.entity.TransportType;
import io.mote.common.id.EntityType;
import io.mote.common.kv.AttributeScope;
import io.mote.common.kv.KvEntry;
import io.mote.common.kv.TsKvEntry;
import io.mote.core.claim.ClaimService;
import io.mote.core.device.DeviceAuthCache;
import io.mote.core.device.DeviceChangeEvents;
import io.mote.core.device.DeviceService;
import io.mote.core.ota.OtaPackageService;
import io.mote.core.provision.ProvisionService;
import io.mote.core.provision.X509ChainProvisioning;
import io.mote.core.resource.ResourceService;
import io.mote.core.rpc.RpcService;
import io.mote.core.state.DeviceStateService;
import io.mote.core.telemetry.AttributesService;
import io.mote.core.telemetry.StorageTtl;
import io.mote.core.telemetry.TelemetryService;
import io.mote.transport.api.AuthenticatedDevice;
import io.mote.transport.api.DeviceAttributes;
import io.mote.transport.api.DeviceChangeListener;
import io.mote.transport.api.DeviceInfo;
import io.mote.transport.api.DeviceSession;
import io.mote.transport.api.Lwm2mModel;
import io.mote.transport.api.OtaPackageRef;
import io.mote.transport.api.OtaPackageType;
import io.mote.transport.api.ProvisionResult;
import io.mote.transport.api.SessionListener;
import io.mote.transport.api.TransportConfiguration;
import io.mote.transport.api.TransportDevice;
import io.mote.transport.api.TransportService;

/**
 * The in-process implementation of the transport seam. Work that may touch the database runs on the
 * core executor, so a transport's event loop never waits on it.
 */
@Service
public class DefaultTransportService implements TransportService {

    private final DeviceAuthCache auth;
    private final TelemetryService telemetry;
    private final AttributesService attributes;
    private final DeviceSessionRegistry sessions;
    private final ExecutorService executor;
    private final RpcService rpc;
    private final ClaimService claims;
    private final ProvisionService provisioning;
    private final X509ChainProvisioning chainProvisioning;
    private final OtaPackageService ota;
    private final DeviceService devices;
    private final ResourceService resources;
    private final DeviceStateService state;
    private final DeviceChangeEvents changes;
    private final StorageTtl storageTtl;

    public DefaultTransportService(DeviceAuthCache auth, TelemetryService telemetry, AttributesService attributes,
                                   DeviceSessionRegistry sessions, @Qualifier("coreExecutor") ExecutorService executor,
                                   RpcService rpc, ClaimService claims, ProvisionService provisioning,
                                   X509ChainProvisioning chainProvisioning,
                                   OtaPackageService ota, DeviceService devices, ResourceService resources,
                                   DeviceStateService state, DeviceChangeEvents changes, StorageTtl storageTtl) {
        this.storageTtl = storageTtl;
        this.changes = changes;
        this.state = state;
        this.resources = resources;
        this.devices = devices;
        this.rpc = rpc;
        this.claims = claims;
        this.provisioning = provisioning;
        this.chainProvisioning = chainProvisioning;
        this.ota = ota;
        this.auth = auth;
        this.telemetry = telemetry;
        this.attributes = attributes;
        this.sessions = sessions;
        this.executor = executor;
    }

    @Override
    public CompletableFuture<Optional<AuthenticatedDevice>> authenticate(CredentialsType type, String credentialsId) {
        return CompletableFuture.supplyAsync(() -> auth.find(type, credentialsId), executor);
    }

    @Override
    public CompletableFuture<Void> postTelemetry(DeviceInfo device, List<TsKvEntry> entries) {
        state.onActivity(device.deviceId());
        return saveWithDefaultTtl(device, entries);
    }

    @Override
    public CompletableFuture<Void> postTransportLog(DeviceInfo device, List<TsKvEntry> lines) {
        return saveWithDefaultTtl(device, lines);
    }

    /** Kept for the profile's or tenant's default TTL; looked up on the core executor when not cached. */
    private CompletableFuture<Void> saveWithDefaultTtl(DeviceInfo device, List<TsKvEntry> entries) {
        Long ttl = storageTtl.cached(device);
        if (ttl != null) {
            return telemetry.save(device.deviceId(), entries, ttl);
        }
        return CompletableFuture.supplyAsync(() -> storageTtl.ofDevice(device.tenantId(), device.deviceProfileId()),
                executor).thenCompose(t -> telemetry.save(device.deviceId(), entries, t));
    }

    @Override
    public CompletableFuture<Void> postAttributes(DeviceInfo device, List<KvEntry> kvs) {
        state.onActivity(device.deviceId());
        return CompletableFuture.runAsync(() -> attributes.save(EntityType.DEVICE, device.deviceId(),
                AttributeScope.CLIENT_SCOPE, kvs), executor);
    }

    @Override
    public CompletableFuture<DeviceAttributes> getAttributes(DeviceInfo device, Collection<String> clientKeys,
                                                             Collection<String> sharedKeys) {
        state.onActivity(device.deviceId());
        return CompletableFuture.supplyAsync(() -> {
            boolean all = clientKeys == null && sharedKeys == null;
            return new DeviceAttributes(
                    all || clientKeys != null ? attributes.find(device.deviceId(), AttributeScope.CLIENT_SCOPE, clientKeys) : List.of(),
                    all || sharedKeys != null ? attributes.find(device.deviceId(), AttributeScope.SHARED_SCOPE, sharedKeys) : List.of());
        }, executor);
    }

    @Override
    public CompletableFuture<TransportConfiguration> transportConfiguration(DeviceInfo device) {
        return CompletableFuture.supplyAsync(() -> devices.transportConfiguration(device.deviceId()), executor);
    }

    @Override
    public CompletableFuture<DeviceInfo> gatewayChild(DeviceInfo gateway, String deviceName, String deviceType) {
        return CompletableFuture.supplyAsync(() -> devices.gatewayChild(gateway, deviceName, deviceType), executor);
    }

    @Override
    public void reportActivity(DeviceInfo device) {
        state.onActivity(device.deviceId());
    }

    @Override
    public void reportUnreachable(DeviceInfo device) {
        state.onUnreachable(device.deviceId());
    }

    @Override
    public DeviceSession openSession(DeviceInfo device, SessionListener listener) {
        return sessions.open(device, listener);
    }

    @Override
    public CompletableFuture<Void> acknowledgeRpc(DeviceInfo device, int requestId) {
        state.onActivity(device.deviceId());
        return CompletableFuture.runAsync(() -> rpc.onDelivered(device.deviceId(), requestId), executor);
    }

    @Override
    public CompletableFuture<Void> sendRpcResponse(DeviceInfo device, int requestId, String response) {
        state.onActivity(device.deviceId());
        return CompletableFuture.runAsync(() -> rpc.onDeviceResponse(device.deviceId(), requestId, response), executor);
    }

    @Override
    public CompletableFuture<Void> reportRpcTimeout(DeviceInfo device, int requestId, String reason) {
        return CompletableFuture.runAsync(() -> rpc.onDeviceTimeout(device.deviceId(), requestId, reason), executor);
    }

    @Override
    public CompletableFuture<String> clientRpc(DeviceInfo device, String request) {
        state.onActivity(device.deviceId());
        return rpc.clientRpc(device, request);
    }

    @Override
    public CompletableFuture<Void> claimDevice(DeviceInfo device, String secretKey, long durationMs) {
        return CompletableFuture.runAsync(() -> claims.allowClaiming(device, secretKey, durationMs), executor);
    }

    @Override
    public CompletableFuture<ProvisionResult> provision(String request) {
        return CompletableFuture.supplyAsync(() -> provisioning.provision(request), executor);
    }

    @Override
    public CompletableFuture<Optional<DeviceInfo>> provisionByCertificateChain(List<byte[]> chain) {
        return CompletableFuture.supplyAsync(() -> chainProvisioning.provision(chain), executor);
    }

    @Override
    public CompletableFuture<Optional<OtaPackageRef>> otaPackage(DeviceInfo device, OtaPackageType type) {
        return CompletableFuture.supplyAsync(() -> ota.assigned(device, type), executor);
    }

    @Override
    public CompletableFuture<byte[]> otaData(UUID packageId, long offset, int length) {
        return CompletableFuture.supplyAsync(() -> ota.data(packageId, offset, length), executor);
    }

    @Override
    public CompletableFuture<List<TsKvEntry>> latestTelemetry(DeviceInfo device, Collection<String> keys) {
        return CompletableFuture.supplyAsync(() -> telemetry.latest(device.deviceId(), keys), executor);
    }

    @Override
    public CompletableFuture<List<TransportDevice>> devicesOfTransport(TransportType type) {
        return CompletableFuture.supplyAsync(() -> devices.devicesOfTransport(type), executor);
    }

    @Override
    public void onDeviceChanges(DeviceChangeListener listener) {
        changes.add(listener);
    }

    @Override
    public CompletableFuture<List<Lwm2mModel>> lwm2mModels(UUID tenantId) {
        return CompletableFuture.supplyAsync(() -> resources.effective(tenantId).values().stream()
                .map(m -> new Lwm2mModel(m.model().id, m.model().version, m.resource().data())).toList(), executor);
    }

    @Override
    public void onLwm2mModelsChanged(Consumer<UUID> listener) {
        resources.onModelsChanged(listener);
    }
}
