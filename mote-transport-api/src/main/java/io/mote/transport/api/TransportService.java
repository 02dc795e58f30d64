package io.mote.transport.api;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import io.mote.common.entity.CredentialsType;
import io.mote.common.entity.TransportType;
import io.mote.common.kv.KvEntry;
import io.mote.common.kv.TsKvEntry;

/**
 * Everything a transport may ask of the core. In one process these are direct calls; the same
 * interface can later be carried over a message bus without changing any transport.
 *
 * <p>Futures fail with {@link io.mote.common.error.MoteException}: {@code SERVICE_UNAVAILABLE} when the
 * core pushes back (the transport answers 503, 5.03 or delays its ack), {@code BAD_REQUEST_PARAMS} for
 * input the core rejects. Futures complete on core threads; transports must not block in them.
 */
public interface TransportService {

    /** Looks a device up by its credentials id (access token, certificate hash, client id, endpoint). */
    CompletableFuture<Optional<AuthenticatedDevice>> authenticate(CredentialsType type, String credentialsId);

    /** Stores telemetry; completes once the data is durably written. */
    CompletableFuture<Void> postTelemetry(DeviceInfo device, List<TsKvEntry> entries);

    /** Stores client-side attributes reported by the device. */
    CompletableFuture<Void> postAttributes(DeviceInfo device, List<KvEntry> attributes);

    /**
     * Reads the device's attributes. A null key collection means "all of that scope"; when both are null
     * every client and shared attribute is returned.
     */
    CompletableFuture<DeviceAttributes> getAttributes(DeviceInfo device, Collection<String> clientKeys,
                                                      Collection<String> sharedKeys);

    /** The device's profile and device transport configuration (custom topics, payload type, power mode…). */
    CompletableFuture<TransportConfiguration> transportConfiguration(DeviceInfo device);

    /**
     * A gateway's child device by name: created on first use in the gateway's tenant, with the profile
     * named {@code deviceType} (created when missing; the default profile when the type is empty), the
     * gateway recorded in its additional info.
     */
    CompletableFuture<DeviceInfo> gatewayChild(DeviceInfo gateway, String deviceName, String deviceType);

    /**
     * Stores lines of the device's communication log (telemetry key {@code transportLog}) through the
     * batched telemetry path; unlike {@link #postTelemetry} this is not activity of the device.
     */
    default CompletableFuture<Void> postTransportLog(DeviceInfo device, List<TsKvEntry> lines) {
        return postTelemetry(device, lines);
    }

    /**
     * The device showed a sign of life the other calls do not carry (an LwM2M registration update, a
     * notification that maps to no key, a wake-up of a sleeping device). Cheap: kept in memory.
     */
    default void reportActivity(DeviceInfo device) {
    }

    /**
     * The transport reached out to the device and it did not answer (an SNMP poll timed out after its
     * retries): the device turns inactive now rather than after its inactivity timeout.
     */
    default void reportUnreachable(DeviceInfo device) {
    }

    /** Registers a live session so the core can reach the device through the listener. */
    DeviceSession openSession(DeviceInfo device, SessionListener listener);

    // ---- RPC ----

    /** The transport delivered server-side RPC {@code requestId} to the device (written, or acknowledged). */
    CompletableFuture<Void> acknowledgeRpc(DeviceInfo device, int requestId);

    /** The device's answer to server-side RPC {@code requestId}; {@code response} is JSON (or plain) text. */
    CompletableFuture<Void> sendRpcResponse(DeviceInfo device, int requestId, String response);

    /**
     * The transport sent server-side RPC {@code requestId} and the device did not answer in time (an LwM2M
     * request timed out): the call ends as a timeout, as when no answer comes within the call's own timeout;
     * {@code reason} is the caller's message ({@code "LwM2M client did not answer Read /3/0/9 within 10000 ms"}).
     */
    CompletableFuture<Void> reportRpcTimeout(DeviceInfo device, int requestId, String reason);

    /**
     * A client-side RPC from the device: {@code request} is its {@code {"method","params"}} JSON. Completes
     * with the JSON answer: a built-in method's, an application's, or an error object when nothing
     * answers within the timeout.
     */
    CompletableFuture<String> clientRpc(DeviceInfo device, String request);

    // ---- claiming and provisioning ----

    /** Allows a user to claim the device with {@code secretKey} for {@code durationMs} (0 = the default). */
    CompletableFuture<Void> claimDevice(DeviceInfo device, String secretKey, long durationMs);

    /** A provisioning request's JSON; the result's JSON is sent back to the device as it is. */
    CompletableFuture<ProvisionResult> provision(String request);

    /**
     * A device by the X.509 certificate chain it presented (DER, leaf first) when the leaf itself names no
     * device: a CA certificate of the chain that is a profile's {@code X509_CERTIFICATE_CHAIN} certificate finds
     * or creates the device named from the leaf's CN. Empty when no profile takes the chain.
     */
    default CompletableFuture<Optional<DeviceInfo>> provisionByCertificateChain(List<byte[]> chain) {
        return CompletableFuture.completedFuture(Optional.empty());
    }

    // ---- OTA updates ----

    /** The package of the given type assigned to the device (its own, else its profile's), if any. */
    CompletableFuture<Optional<OtaPackageRef>> otaPackage(DeviceInfo device, OtaPackageType type);

    /** Bytes [offset, offset + length) of a package's file; shorter at its end, empty past it. */
    CompletableFuture<byte[]> otaData(UUID packageId, long offset, int length);

    /**
     * The latest values of the device's time series {@code keys} (those it has), e.g. {@code fw_state} and
     * {@code target_fw_version}, so a transport that carries an update out can pick it up where it stood.
     */
    default CompletableFuture<List<TsKvEntry>> latestTelemetry(DeviceInfo device, Collection<String> keys) {
        return CompletableFuture.completedFuture(List.of());
    }

    // ---- LwM2M ----

    /**
     * The LwM2M object models a tenant's devices are served with: the system models, overridden by the
     * tenant's own of the same object and version.
     */
    default CompletableFuture<List<Lwm2mModel>> lwm2mModels(UUID tenantId) {
        return CompletableFuture.completedFuture(List.of());
    }

    /**
     * Registers a listener told the tenant whose LwM2M models changed (the null UUID
     * {@code 13814000-1dd2-11b2-8080-808080808080}: the system models, so every tenant's).
     */
    default void onLwm2mModelsChanged(Consumer<UUID> listener) {
    }

    // ---- transports that reach out to their devices ----

    /**
     * Every device, of every tenant, whose profile is of the given transport type, with its transport
     * configuration: what a polling transport (SNMP) loads when it starts.
     */
    default CompletableFuture<List<TransportDevice>> devicesOfTransport(TransportType type) {
        return CompletableFuture.completedFuture(List.of());
    }

    /** Registers a listener told of every saved or deleted device and every saved profile. */
    default void onDeviceChanges(DeviceChangeListener listener) {
    }
}
