package io.mote.core.device;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.stereotype.Component;

import io.mote.common.entity.CredentialsType;
import io.mote.common.entity.Device;
import io.mote.common.entity.DeviceCredentials;
import io.mote.core.cluster.CorePeers;
import io.mote.dao.DeviceCredentialsDao;
import io.mote.dao.DeviceDao;
import io.mote.transport.api.AuthenticatedDevice;
import io.mote.transport.api.DeviceInfo;

/**
 * Credentials id → device, cached so that a device is looked up in the database once, not on every
 * message. Entries are dropped whenever the device or its credentials change.
 */
@Component
public class DeviceAuthCache {

    private record Entry(CredentialsType type, AuthenticatedDevice device) {
    }

    private final DeviceCredentialsDao credentials;
    private final DeviceDao devices;
    private final Cache<String, Entry> cache = Caffeine.newBuilder()
            .maximumSize(500_000)
            .expireAfterAccess(Duration.ofMinutes(30))
            .build();

    private final CorePeers peers;

    public DeviceAuthCache(DeviceCredentialsDao credentials, DeviceDao devices, CorePeers peers) {
        this.peers = peers;
        this.credentials = credentials;
        this.devices = devices;
    }

    /**
     * Blocking: may query the database. The load runs inside the cache's per-key computation, so an
     * invalidation that happens meanwhile waits for it and then removes what it loaded: a stale entry
     * cannot outlive a credentials change.
     */
    public Optional<AuthenticatedDevice> find(CredentialsType type, String credentialsId) {
        if (credentialsId == null || credentialsId.isEmpty() || credentialsId.length() > 1024) {
            return Optional.empty();
        }
        Entry hit = cache.get(credentialsId, this::load);
        return hit != null && hit.type() == type ? Optional.of(hit.device()) : Optional.empty();
    }

    private Entry load(String credentialsId) {
        Optional<DeviceCredentials> c = credentials.findByCredentialsId(credentialsId);
        Optional<Device> d = c.flatMap(found -> devices.find(found.deviceId().id()));
        return d.map(device -> new Entry(c.get().credentialsType(),
                new AuthenticatedDevice(info(device), c.get().credentialsValue()))).orElse(null);
    }

    /** The transport's view of a device; {@code gateway} from {@code additionalInfo.gateway}. */
    public static DeviceInfo info(Device d) {
        boolean gateway = d.additionalInfo() != null && d.additionalInfo().path("gateway").asBoolean(false);
        return new DeviceInfo(d.tenantId().id(), d.id().id(), d.name(), d.type(), d.deviceProfileId().id(), gateway);
    }

    /** Drops the entry here and on every other node. */
    public void invalidate(String credentialsId) {
        CorePeers.Peers all = peers.get();
        if (all != null) {
            all.credentialsInvalidated(credentialsId);
        }
        invalidateHere(credentialsId);
    }

    public void invalidateHere(String credentialsId) {
        cache.invalidate(credentialsId);
    }

    public void invalidateDevice(UUID deviceId) {
        CorePeers.Peers all = peers.get();
        if (all != null) {
            all.deviceInvalidated(deviceId);
        }
        invalidateDeviceHere(deviceId);
    }

    public void invalidateDeviceHere(UUID deviceId) {
        cache.asMap().entrySet().removeIf(e -> e.getValue().device().device().deviceId().equals(deviceId));
    }
}
