package io.mote.core.device;

import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.entity.Authority;
import io.mote.common.entity.CredentialsType;
import io.mote.common.entity.Customer;
import io.mote.common.entity.Device;
import io.mote.common.entity.DeviceCredentials;
import io.mote.common.entity.DeviceProfile;
import io.mote.common.entity.PageData;
import io.mote.common.entity.PageLink;
import io.mote.common.entity.TransportType;
import io.mote.common.error.ErrorCode;
import io.mote.common.error.MoteException;
import io.mote.common.id.EntityId;
import io.mote.common.id.EntityType;
import io.mote.common.json.Json;
import io.mote.core.Validation;
import io.mote.core.ota.OtaPackageService;
import io.mote.core.security.Access;
import io.mote.core.security.SecurityUser;
import io.mote.core.session.DeviceSessionRegistry;
import io.mote.dao.CustomerDao;
import io.mote.dao.DeviceCredentialsDao;
import io.mote.dao.DeviceDao;
import io.mote.dao.DeviceProfileDao;
import io.mote.transport.api.DeviceInfo;
import io.mote.transport.api.OtaPackageType;
import io.mote.transport.api.TransportConfiguration;
import io.mote.transport.api.TransportDevice;

/**
 * Devices and their credentials. Every device has exactly one set of credentials; changing them or
 * deleting the device closes the device's live sessions and drops its cached authentication.
 */
@Service
public class DeviceService {

    private static final char[] TOKEN_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();

    private final DeviceDao devices;
    private final DeviceProfileDao profileDao;
    private final DeviceProfileService profiles;
    private final DeviceCredentialsDao credentials;
    private final CustomerDao customers;
    private final CredentialsValidator validator;
    private final TransportConfigurationValidator transportValidator;
    private final DeviceSessionRegistry sessions;
    private final DeviceAuthCache authCache;
    private final TransactionTemplate tx;
    private final OtaPackageService ota;
    private final DeviceChangeEvents events;
    private final SecureRandom random = new SecureRandom();

    public DeviceService(DeviceDao devices, DeviceProfileDao profileDao, DeviceProfileService profiles,
                         DeviceCredentialsDao credentials, CustomerDao customers, CredentialsValidator validator,
                         TransportConfigurationValidator transportValidator, DeviceSessionRegistry sessions,
                         DeviceAuthCache authCache, TransactionTemplate tx, OtaPackageService ota,
                         DeviceChangeEvents events) {
        this.events = events;
        this.devices = devices;
        this.profileDao = profileDao;
        this.profiles = profiles;
        this.credentials = credentials;
        this.customers = customers;
        this.validator = validator;
        this.transportValidator = transportValidator;
        this.sessions = sessions;
        this.authCache = authCache;
        this.tx = tx;
        this.ota = ota;
    }

    /** Creates or updates a device; a new one gets an access token (the given one, or a random one). */
    public Device save(SecurityUser user, Device d, String accessToken) {
        DeviceCredentials creds = null;
        if (d.id() == null) {
            creds = new DeviceCredentials(null, null, null, CredentialsType.ACCESS_TOKEN,
                    accessToken == null || accessToken.isEmpty() ? newAccessToken() : accessToken, null);
        }
        return saveWithCredentials(user, d, creds);
    }

    /** Creates or updates a device together with its credentials, in one transaction. */
    public Device saveWithCredentials(SecurityUser user, Device d, DeviceCredentials creds) {
        Access.require(user, Authority.TENANT_ADMIN);
        UUID tenantId = Access.tenantOf(user);
        Device old = d.id() == null ? null : get(user, d.id().id());
        Validation.required("Device name", d.name(), 255);
        Validation.optional("Device label", d.label(), 255);
        Validation.optional("Device type", d.type(), 255);
        DeviceCredentials normalized = creds == null ? null : validator.normalize(creds);
        String oldCredentialsId = old == null ? null
                : credentials.findByDevice(old.id().id()).map(DeviceCredentials::credentialsId).orElse(null);
        Device result = tx.execute(s -> {
            DeviceProfile profile = resolveProfile(tenantId, d);
            ObjectNode deviceData = deviceData(d.deviceData(), profile.transportType());
            transportValidator.validateDevice(profile.transportType(), deviceData.get("transportConfiguration"));
            ota.checkAssignable(tenantId, profile.id().id(), d.firmwareId(), OtaPackageType.FIRMWARE);
            ota.checkAssignable(tenantId, profile.id().id(), d.softwareId(), OtaPackageType.SOFTWARE);
            Device saved = new Device(old == null ? new EntityId(EntityType.DEVICE, UUID.randomUUID()) : old.id(),
                    old == null ? System.currentTimeMillis() : old.createdTime(),
                    new EntityId(EntityType.TENANT, tenantId),
                    old == null ? new EntityId(EntityType.CUSTOMER, EntityId.NULL_UUID) : old.customerId(),
                    d.name(), profile.name(), d.label(), profile.id(), deviceData, d.firmwareId(), d.softwareId(),
                    d.additionalInfo(), d.version());
            Device stored;
            try {
                stored = saved.withVersion(devices.save(saved).orElseThrow(DeviceService::versionConflict));
            } catch (DuplicateKeyException e) {
                throw MoteException.invalid("Device with such name already exists!");
            }
            if (normalized != null) {
                storeCredentials(stored, normalized);
            }
            return stored;
        });
        // Only after commit: a look-up in between would otherwise cache what is being replaced.
        if (oldCredentialsId != null) {
            authCache.invalidate(oldCredentialsId);
        }
        if (normalized != null) {
            authCache.invalidate(normalized.credentialsId());
        }
        if (old != null) {
            authCache.invalidateDevice(result.id().id());
            sessions.deviceUpdated(DeviceAuthCache.info(result));
        }
        // A new or changed firmware / software package reaches the device as shared attributes.
        ota.deviceSaved(old, result);
        events.deviceSaved(DeviceAuthCache.info(result));
        return result;
    }

    /**
     * A gateway's child device: found by name in the gateway's tenant, or created with the profile named
     * {@code type} (the default profile when empty) and a random access token.
     */
    public DeviceInfo gatewayChild(DeviceInfo gateway, String name, String type) {
        Validation.required("Device name", name, 255);
        Validation.optional("Device type", type, 255);
        return devices.findByName(gateway.tenantId(), name).map(DeviceAuthCache::info).orElseGet(() -> {
            try {
                Device created = tx.execute(s -> {
                    DeviceProfile profile = type == null || type.isBlank()
                            ? profileDao.findDefault(gateway.tenantId()).orElseThrow()
                            : profiles.findOrCreateByName(gateway.tenantId(), type);
                    ObjectNode info = Json.object();
                    info.put("gateway", false);
                    info.put("lastConnectedGateway", gateway.deviceId().toString());
                    Device d = new Device(new EntityId(EntityType.DEVICE, UUID.randomUUID()), System.currentTimeMillis(),
                            new EntityId(EntityType.TENANT, gateway.tenantId()),
                            new EntityId(EntityType.CUSTOMER, EntityId.NULL_UUID), name, profile.name(), null,
                            profile.id(), deviceData(null, profile.transportType()), null, null, info, null);
                    devices.save(d);
                    storeCredentials(d, new DeviceCredentials(null, null, d.id(), CredentialsType.ACCESS_TOKEN,
                            newAccessToken(), null));
                    return d;
                });
                ota.deviceSaved(null, created);
                return DeviceAuthCache.info(created);
            } catch (DuplicateKeyException e) {
                // Created concurrently by another connection of the gateway.
                return devices.findByName(gateway.tenantId(), name).map(DeviceAuthCache::info).orElseThrow();
            }
        });
    }

    /** The transport configuration of the device's profile and of the device itself, as JSON text. */
    public TransportConfiguration transportConfiguration(UUID deviceId) {
        Device d = devices.find(deviceId).orElseThrow(MoteException::notFound);
        DeviceProfile p = profileDao.find(d.deviceProfileId().id()).orElseThrow(MoteException::notFound);
        JsonNode profileTc = p.profileData() == null ? null : p.profileData().get("transportConfiguration");
        JsonNode deviceTc = d.deviceData() == null ? null : d.deviceData().get("transportConfiguration");
        return new TransportConfiguration(profileTc == null ? "{\"type\":\"DEFAULT\"}" : Json.write(profileTc),
                deviceTc == null ? "{\"type\":\"DEFAULT\"}" : Json.write(deviceTc));
    }

    /** Every device whose profile is of the transport type, with its transport configuration (no access check: for transports). */
    public List<TransportDevice> devicesOfTransport(TransportType type) {
        return devices.findByTransportType(type.name()).stream().map(row -> {
            JsonNode profileTc = row.profileData() == null ? null : row.profileData().get("transportConfiguration");
            JsonNode deviceTc = row.device().deviceData() == null ? null
                    : row.device().deviceData().get("transportConfiguration");
            return new TransportDevice(DeviceAuthCache.info(row.device()), new TransportConfiguration(
                    profileTc == null ? "{\"type\":\"DEFAULT\"}" : Json.write(profileTc),
                    deviceTc == null ? "{\"type\":\"DEFAULT\"}" : Json.write(deviceTc)));
        }).toList();
    }

    private DeviceProfile resolveProfile(UUID tenantId, Device d) {
        if (d.deviceProfileId() != null) {
            DeviceProfile p = profileDao.find(d.deviceProfileId().id())
                    .orElseThrow(() -> MoteException.invalid("Device profile is referencing a non-existent device profile!"));
            if (!p.tenantId().id().equals(tenantId)) {
                throw MoteException.invalid("Device profile is referencing a non-existent device profile!");
            }
            return p;
        }
        if (d.type() != null && !d.type().isBlank()) {
            return profiles.findOrCreateByName(tenantId, d.type());
        }
        return profileDao.findDefault(tenantId).orElseThrow(() -> MoteException.invalid("No default device profile"));
    }

    /** The device data with defaults; a missing transport configuration takes the profile's transport type. */
    private static ObjectNode deviceData(JsonNode given, io.mote.common.entity.TransportType transportType) {
        ObjectNode data = given == null || given.isNull() ? Json.object()
                : DeviceProfileService.checkObject(given, "deviceData").deepCopy();
        if (!data.hasNonNull("configuration")) {
            data.putObject("configuration").put("type", "DEFAULT");
        }
        if (!data.hasNonNull("transportConfiguration")) {
            data.putObject("transportConfiguration").put("type", transportType.name());
        }
        return data;
    }

    public Device get(SecurityUser user, UUID id) {
        Device d = devices.find(id).orElseThrow(MoteException::notFound);
        Access.checkOwner(user, d.tenantId(), d.customerId());
        return forReader(user, d);
    }

    public Device getByName(SecurityUser user, String name) {
        Device d = devices.findByName(Access.tenantOf(user), name).orElseThrow(MoteException::notFound);
        Access.checkOwner(user, d.tenantId(), d.customerId());
        return forReader(user, d);
    }

    /**
     * The device as the user may read it: a customer user does not see transport secrets (an SNMP
     * community, v3 passphrases), as it does not see the device's credentials.
     */
    private static Device forReader(SecurityUser user, Device d) {
        if (!user.isCustomerUser() || d.deviceData() == null || !d.deviceData().has("transportConfiguration")) {
            return d;
        }
        JsonNode tc = d.deviceData().get("transportConfiguration");
        JsonNode hidden = SnmpConfigurationValidator.withoutSecrets(tc);
        if (hidden == tc) {
            return d;
        }
        ObjectNode data = (ObjectNode) d.deviceData().deepCopy();
        data.set("transportConfiguration", hidden);
        return new Device(d.id(), d.createdTime(), d.tenantId(), d.customerId(), d.name(), d.type(), d.label(),
                d.deviceProfileId(), data, d.firmwareId(), d.softwareId(), d.additionalInfo(), d.version());
    }

    static MoteException versionConflict() {
        return new MoteException(ErrorCode.VERSION_CONFLICT,
                "Device was changed by someone else in the meantime: load it again and repeat the change");
    }

    public PageData<Device> tenantDevices(SecurityUser user, String type, PageLink link) {
        Access.require(user, Authority.TENANT_ADMIN);
        return devices.page(Access.tenantOf(user), null, type, link);
    }

    public PageData<Device> customerDevices(SecurityUser user, UUID customerId, String type, PageLink link) {
        Customer c = customers.find(customerId).orElseThrow(MoteException::notFound);
        Access.checkTenant(user, c.tenantId());
        if (user.isCustomerUser() && !customerId.equals(user.customerId())) {
            throw MoteException.notFound();
        }
        PageData<Device> page = devices.page(c.tenantId().id(), customerId, type, link);
        if (!user.isCustomerUser()) {
            return page;
        }
        return page.map(d -> forReader(user, d));
    }

    public void delete(SecurityUser user, UUID id) {
        Access.require(user, Authority.TENANT_ADMIN);
        get(user, id);
        String credentialsId = credentials.findByDevice(id).map(DeviceCredentials::credentialsId).orElse(null);
        tx.executeWithoutResult(s -> devices.delete(id));
        if (credentialsId != null) {
            authCache.invalidate(credentialsId);
        }
        sessions.deviceDeleted(id);
        events.deviceDeleted(id);
    }

    public Device assignToCustomer(SecurityUser user, UUID customerId, UUID deviceId) {
        Access.require(user, Authority.TENANT_ADMIN);
        Customer c = customers.find(customerId).orElseThrow(MoteException::notFound);
        Access.checkTenant(user, c.tenantId());
        Device d = get(user, deviceId).withCustomer(c.id());
        return d.withVersion(devices.save(d).orElseThrow(DeviceService::versionConflict));
    }

    public Device unassignFromCustomer(SecurityUser user, UUID deviceId) {
        Access.require(user, Authority.TENANT_ADMIN);
        Device d = get(user, deviceId);
        if (d.customerId() == null || d.customerId().isNull()) {
            throw MoteException.invalid("Device isn't assigned to any customer!");
        }
        Device unassigned = d.withCustomer(new EntityId(EntityType.CUSTOMER, EntityId.NULL_UUID));
        return unassigned.withVersion(devices.save(unassigned).orElseThrow(DeviceService::versionConflict));
    }

    // ---- credentials ----

    public DeviceCredentials getCredentials(SecurityUser user, UUID deviceId) {
        Device d = get(user, deviceId);
        if (user.isCustomerUser()) {
            throw MoteException.forbidden();
        }
        return credentials.findByDevice(d.id().id()).orElseThrow(MoteException::notFound);
    }

    public DeviceCredentials updateCredentials(SecurityUser user, DeviceCredentials c) {
        Access.require(user, Authority.TENANT_ADMIN);
        if (c.deviceId() == null) {
            throw MoteException.invalid("Device credentials should be assigned to device!");
        }
        return replaceCredentials(get(user, c.deviceId().id()), c);
    }

    /**
     * Replaces the device's credentials (no access check: for the core's own callers). May run inside
     * the caller's transaction; cached look-ups are dropped and live sessions closed once it commits.
     */
    public DeviceCredentials replaceCredentials(Device d, DeviceCredentials c) {
        DeviceCredentials normalized = validator.normalize(c);
        String oldCredentialsId = credentials.findByDevice(d.id().id()).map(DeviceCredentials::credentialsId).orElse(null);
        DeviceCredentials saved = tx.execute(s -> storeCredentials(d, normalized));
        afterCommit(() -> {
            if (oldCredentialsId != null) {
                authCache.invalidate(oldCredentialsId);
            }
            authCache.invalidate(saved.credentialsId());
            sessions.closeAll(d.id().id(), "Device credentials changed");
        });
        return saved;
    }

    /** The device's credentials (no access check: for the core's own callers). */
    public Optional<DeviceCredentials> credentialsOf(UUID deviceId) {
        return credentials.findByDevice(deviceId);
    }

    /**
     * Creates a device of the given profile, in the profile's tenant, with the given credentials (no
     * access check: for provisioning). May run inside the caller's transaction. Fails with a message
     * when the name or the credentials are taken.
     */
    public DeviceCredentials createWithCredentials(DeviceProfile profile, String name, DeviceCredentials c) {
        Validation.required("Device name", name, 255);
        DeviceCredentials normalized = validator.normalize(c);
        Device d = new Device(new EntityId(EntityType.DEVICE, UUID.randomUUID()), System.currentTimeMillis(),
                profile.tenantId(), new EntityId(EntityType.CUSTOMER, EntityId.NULL_UUID), name, profile.name(),
                null, profile.id(), deviceData(null, profile.transportType()), null, null, null, null);
        DeviceCredentials saved = tx.execute(s -> {
            try {
                devices.save(d);
            } catch (DuplicateKeyException e) {
                throw MoteException.invalid("Device with such name already exists!");
            }
            return storeCredentials(d, normalized);
        });
        afterCommit(() -> {
            authCache.invalidate(saved.credentialsId());
            // A new device of a profile with an update package is told about it, as any created device is.
            ota.deviceSaved(null, d);
            events.deviceSaved(DeviceAuthCache.info(d));
        });
        return saved;
    }

    /** Runs the action once the current transaction commits, or now when there is none. */
    private static void afterCommit(Runnable action) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    action.run();
                }
            });
        } else {
            action.run();
        }
    }

    private DeviceCredentials storeCredentials(Device device, DeviceCredentials c) {
        DeviceCredentials old = credentials.findByDevice(device.id().id()).orElse(null);
        DeviceCredentials saved = new DeviceCredentials(
                old == null ? new EntityId(EntityType.DEVICE_CREDENTIALS, UUID.randomUUID()) : old.id(),
                old == null ? System.currentTimeMillis() : old.createdTime(), device.id(), c.credentialsType(),
                c.credentialsId(), c.credentialsValue());
        try {
            credentials.save(saved);
        } catch (DuplicateKeyException e) {
            throw MoteException.invalid("Device credentials are already assigned to another device!");
        }
        return saved;
    }

    /** A random access token, as devices created without one get. */
    public String newAccessToken() {
        char[] token = new char[20];
        for (int i = 0; i < token.length; i++) {
            token[i] = TOKEN_CHARS[random.nextInt(TOKEN_CHARS.length)];
        }
        return new String(token);
    }
}
