package io.mote.transport.lwm2m;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.eclipse.leshan.core.model.LwM2mModel;
import org.eclipse.leshan.core.model.LwM2mModelRepository;
import org.eclipse.leshan.core.model.ObjectLoader;
import org.eclipse.leshan.core.model.ObjectModel;
import org.eclipse.leshan.server.model.LwM2mModelProvider;
import org.eclipse.leshan.server.model.VersionedModelProvider;
import org.eclipse.leshan.server.registration.Registration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mote.common.id.EntityId;
import io.mote.transport.api.Lwm2mModel;
import io.mote.transport.api.TransportService;

/**
 * The object models per tenant, fetched from the core and parsed once; dropped when the core reports a
 * change. Leshan asks for a registration's model, and the registration carries its tenant.
 */
final class Lwm2mModelCache implements LwM2mModelProvider {

    private static final Logger log = LoggerFactory.getLogger(Lwm2mModelCache.class);

    private final TransportService transport;
    private final long timeoutMs;
    private final Map<UUID, CompletableFuture<Library>> byTenant = new ConcurrentHashMap<>();

    /** A tenant's models: by object id and version, and per registration (the versions it announced). */
    record Library(LwM2mModelRepository repository, VersionedModelProvider provider) {
        /** The model of object {@code id} in {@code version}, or null when the library lacks it. */
        ObjectModel model(int id, String version) {
            return repository.getObjectModel(id, version);
        }
    }

    Lwm2mModelCache(TransportService transport, long timeoutMs) {
        this.transport = transport;
        this.timeoutMs = timeoutMs;
        transport.onLwm2mModelsChanged(this::invalidate);
    }

    void invalidate(UUID tenantId) {
        if (tenantId == null || EntityId.NULL_UUID.equals(tenantId)) {
            byTenant.clear();
        } else {
            byTenant.remove(tenantId);
        }
    }

    /** Starts loading a tenant's models (a registration waits for it before it is accepted). */
    CompletableFuture<Library> load(UUID tenantId) {
        return byTenant.computeIfAbsent(tenantId, t -> transport.lwm2mModels(t).thenApply(Lwm2mModelCache::parse)
                .whenComplete((p, e) -> {
                    if (e != null) {
                        byTenant.remove(t);
                    }
                }));
    }

    private static Library parse(List<Lwm2mModel> models) {
        List<ObjectModel> parsed = new ArrayList<>();
        for (Lwm2mModel m : models) {
            try {
                parsed.addAll(ObjectLoader.loadDdfFile(new ByteArrayInputStream(m.ddf()),
                        m.objectId() + "_" + m.version(), false));
            } catch (Exception e) {
                log.warn("LwM2M model {}_{} does not parse: {}", m.objectId(), m.version(), e.toString());
            }
        }
        LwM2mModelRepository repository = new LwM2mModelRepository(parsed);
        return new Library(repository, new VersionedModelProvider(repository));
    }

    @Override
    public LwM2mModel getObjectModel(Registration registration) {
        UUID tenantId = Lwm2mTransport.tenantOf(registration);
        try {
            // Loaded when the registration was authorized; waits only right after a model change.
            return load(tenantId == null ? EntityId.NULL_UUID : tenantId).get(timeoutMs, TimeUnit.MILLISECONDS)
                    .provider().getObjectModel(registration);
        } catch (Exception e) {
            throw new IllegalStateException("LwM2M models of tenant " + tenantId + " are not available: " + e, e);
        }
    }
}
