package io.mote.core.device;

import java.util.Set;
import java.util.UUID;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.entity.Authority;
import io.mote.common.entity.DeviceProfile;
import io.mote.common.entity.PageData;
import io.mote.common.entity.PageLink;
import io.mote.common.entity.ProvisionType;
import io.mote.common.entity.TransportType;
import io.mote.common.error.MoteException;
import io.mote.common.id.EntityId;
import io.mote.common.id.EntityType;
import io.mote.common.json.Json;
import io.mote.core.Validation;
import io.mote.core.ota.OtaPackageService;
import io.mote.core.provision.X509ChainConfig;
import io.mote.core.security.Access;
import io.mote.core.security.SecurityUser;
import io.mote.core.session.DeviceSessionRegistry;
import io.mote.core.telemetry.StorageTtl;
import io.mote.dao.DeviceProfileDao;
import io.mote.transport.api.OtaPackageType;

/**
 * Device profiles. The profile data (transport and provisioning configuration) is stored whole; its
 * {@code transportConfiguration.type} and {@code provisionConfiguration.type} are checked and kept in
 * step with the profile's {@code transportType} and {@code provisionType}.
 */
@Service
public class DeviceProfileService {

    public static final String DEFAULT_PROFILE_NAME = "default";

    private final DeviceProfileDao profiles;
    private final TransactionTemplate tx;
    private final TransportConfigurationValidator transportValidator;
    private final DeviceSessionRegistry sessions;
    private final OtaPackageService ota;
    private final DeviceChangeEvents events;

    public DeviceProfileService(DeviceProfileDao profiles, TransactionTemplate tx,
                                TransportConfigurationValidator transportValidator, DeviceSessionRegistry sessions,
                                OtaPackageService ota, DeviceChangeEvents events) {
        this.events = events;
        this.sessions = sessions;
        this.ota = ota;
        this.profiles = profiles;
        this.tx = tx;
        this.transportValidator = transportValidator;
    }

    /** Creates a tenant's first, default profile. */
    public DeviceProfile createDefault(UUID tenantId) {
        DeviceProfile p = newProfile(tenantId, DEFAULT_PROFILE_NAME, true);
        profiles.save(p);
        return p;
    }

    /** A profile named after a device type, created on demand as ThingsBoard does. */
    public DeviceProfile findOrCreateByName(UUID tenantId, String name) {
        return profiles.findByName(tenantId, name).orElseGet(() -> {
            // Insert-if-absent rather than catching a duplicate: it may run inside the caller's transaction.
            profiles.insertIfAbsent(newProfile(tenantId, name, false));
            return profiles.findByName(tenantId, name).orElseThrow();
        });
    }

    private static DeviceProfile newProfile(UUID tenantId, String name, boolean isDefault) {
        return new DeviceProfile(new EntityId(EntityType.DEVICE_PROFILE, UUID.randomUUID()),
                System.currentTimeMillis(), new EntityId(EntityType.TENANT, tenantId), name, null, "DEFAULT",
                TransportType.DEFAULT, ProvisionType.DISABLED, defaultProfileData(), isDefault, null, null, null,
                null, null, null, null);
    }

    public static ObjectNode defaultProfileData() {
        ObjectNode data = Json.object();
        data.putObject("configuration").put("type", "DEFAULT");
        data.putObject("transportConfiguration").put("type", "DEFAULT");
        ObjectNode prov = data.putObject("provisionConfiguration");
        prov.put("type", ProvisionType.DISABLED.name());
        prov.putNull("provisionDeviceSecret");
        data.putNull("alarms");
        return data;
    }

    public DeviceProfile save(SecurityUser user, DeviceProfile p) {
        Access.require(user, Authority.TENANT_ADMIN);
        UUID tenantId = Access.tenantOf(user);
        DeviceProfile old = p.id() == null ? null : get(user, p.id().id());
        Validation.required("Device profile name", p.name(), 255);
        if (p.type() != null && !"DEFAULT".equals(p.type())) {
            throw MoteException.invalid("Device profile type should be DEFAULT");
        }
        ObjectNode data = p.profileData() == null || p.profileData().isNull()
                ? defaultProfileData() : checkObject(p.profileData(), "profileData").deepCopy();
        if (!data.has("configuration") || data.get("configuration").isNull()) {
            data.putObject("configuration").put("type", "DEFAULT");
        }
        StorageTtl.validate("Device profile configuration", data.get("configuration").get(StorageTtl.FIELD));
        TransportType transport = transportType(p, data);
        transportValidator.validateProfile(tenantId, transport, data.get("transportConfiguration"));
        ProvisionType provisionType = provisionType(p, data);
        ObjectNode prov = (ObjectNode) data.get("provisionConfiguration");
        String provisionKey = p.provisionDeviceKey();
        if (provisionKey == null && prov.hasNonNull("provisionDeviceKey")) {
            if (!prov.get("provisionDeviceKey").isString()) {
                throw MoteException.invalid("provisionConfiguration.provisionDeviceKey must be a string");
            }
            provisionKey = prov.get("provisionDeviceKey").asString();
        }
        if (provisionType == ProvisionType.DISABLED) {
            // Nothing of an earlier configuration stays behind: no key, no secret.
            provisionKey = null;
            prov.remove("provisionDeviceKey");
            prov.putNull("provisionDeviceSecret");
            prov.remove(X509ChainConfig.CERTIFICATE_VALUE);
        } else if (provisionType == ProvisionType.X509_CERTIFICATE_CHAIN) {
            // The key is the CA certificate's fingerprint, whatever was sent: a presented chain finds it.
            provisionKey = X509ChainConfig.validate(prov);
            prov.put("provisionDeviceKey", provisionKey);
        } else {
            Validation.required("Provision device key", provisionKey, 255);
            JsonNode secret = prov.get("provisionDeviceSecret");
            if (secret == null || !secret.isString() || secret.asString().isBlank()) {
                throw MoteException.invalid("Provision device secret should be specified!");
            }
            Validation.optional("Provision device secret", secret.asString(), 255);
            prov.put("provisionDeviceKey", provisionKey);
        }
        if (old != null) {
            // A new profile has no packages of its own yet to choose from.
            ota.checkAssignable(tenantId, old.id().id(), p.firmwareId(), OtaPackageType.FIRMWARE);
            ota.checkAssignable(tenantId, old.id().id(), p.softwareId(), OtaPackageType.SOFTWARE);
        } else if (p.firmwareId() != null || p.softwareId() != null) {
            throw MoteException.invalid("A new device profile cannot have firmware or software: "
                    + "OTA packages belong to an existing profile");
        }
        DeviceProfile saved = new DeviceProfile(
                old == null ? new EntityId(EntityType.DEVICE_PROFILE, UUID.randomUUID()) : old.id(),
                old == null ? System.currentTimeMillis() : old.createdTime(), new EntityId(EntityType.TENANT, tenantId),
                p.name(), p.description(), "DEFAULT", transport, provisionType, data,
                old != null && old.isDefault(), provisionKey, p.firmwareId(), p.softwareId(), p.defaultRuleChainId(),
                p.defaultQueueName(), p.image(), p.defaultDashboardId());
        try {
            profiles.save(saved);
        } catch (DuplicateKeyException e) {
            // The exception's text includes the INSERT, which names every column: ask which value is taken.
            boolean nameTaken = profiles.findByName(tenantId, saved.name())
                    .filter(other -> !other.id().equals(saved.id())).isPresent();
            throw MoteException.invalid(nameTaken ? "Device profile with such name already exists!"
                    : "Device profile with such provision device key already exists!");
        }
        if (old != null) {
            // Connected devices apply a changed profile live (observations, topics, power mode).
            sessions.profileUpdated(saved.id().id());
            // Devices without a package of their own follow the profile's.
            ota.profileSaved(old, saved);
            // Polling transports re-read the configuration of the profile's devices.
            events.profileSaved(saved.id().id());
        }
        return saved;
    }

    private static TransportType transportType(DeviceProfile p, ObjectNode data) {
        JsonNode tc = data.get("transportConfiguration");
        if (tc == null || tc.isNull()) {
            TransportType t = p.transportType() == null ? TransportType.DEFAULT : p.transportType();
            data.putObject("transportConfiguration").put("type", t.name());
            return t;
        }
        checkObject(tc, "transportConfiguration");
        TransportType fromData = parseEnum(TransportType.class, tc.path("type"), "transportConfiguration.type");
        if (p.transportType() != null && p.transportType() != fromData) {
            throw MoteException.invalid("Device profile transportType " + p.transportType()
                    + " does not match transportConfiguration.type " + fromData);
        }
        return fromData;
    }

    private static ProvisionType provisionType(DeviceProfile p, ObjectNode data) {
        JsonNode pc = data.get("provisionConfiguration");
        if (pc == null || pc.isNull()) {
            ProvisionType t = p.provisionType() == null ? ProvisionType.DISABLED : p.provisionType();
            ObjectNode prov = data.putObject("provisionConfiguration");
            prov.put("type", t.name());
            prov.putNull("provisionDeviceSecret");
            return t;
        }
        checkObject(pc, "provisionConfiguration");
        ProvisionType fromData = parseEnum(ProvisionType.class, pc.path("type"), "provisionConfiguration.type");
        if (p.provisionType() != null && p.provisionType() != fromData) {
            throw MoteException.invalid("Device profile provisionType " + p.provisionType()
                    + " does not match provisionConfiguration.type " + fromData);
        }
        return fromData;
    }

    static ObjectNode checkObject(JsonNode node, String field) {
        if (!(node instanceof ObjectNode o)) {
            throw MoteException.invalid(field + " must be a JSON object");
        }
        return o;
    }

    static <E extends Enum<E>> E parseEnum(Class<E> type, JsonNode node, String field) {
        if (!node.isString()) {
            throw MoteException.invalid(field + " should be specified!");
        }
        try {
            return Enum.valueOf(type, node.asString());
        } catch (IllegalArgumentException e) {
            throw MoteException.invalid("Unsupported " + field + " '" + node.asString() + "'; use one of "
                    + Set.of(type.getEnumConstants()));
        }
    }

    /**
     * The whole profile, provisioning secret included: tenant administrators only, as in ThingsBoard;
     * customer users read the short form ({@link #getInfo}).
     */
    public DeviceProfile get(SecurityUser user, UUID id) {
        Access.require(user, Authority.TENANT_ADMIN);
        return getInfo(user, id);
    }

    /** A profile for its short form; any user of the tenant. */
    public DeviceProfile getInfo(SecurityUser user, UUID id) {
        DeviceProfile p = profiles.find(id).orElseThrow(MoteException::notFound);
        Access.checkTenant(user, p.tenantId());
        return p;
    }

    public DeviceProfile getDefault(SecurityUser user) {
        return profiles.findDefault(Access.tenantOf(user)).orElseThrow(MoteException::notFound);
    }

    /** Whole profiles, provisioning secrets included: tenant administrators only. */
    public PageData<DeviceProfile> page(SecurityUser user, PageLink link, TransportType transportType) {
        Access.require(user, Authority.TENANT_ADMIN);
        return profiles.page(Access.tenantOf(user), link, transportType);
    }

    /** Profiles for their short form; any user of the tenant. */
    public PageData<DeviceProfile> pageInfos(SecurityUser user, PageLink link, TransportType transportType) {
        Access.require(user, Authority.TENANT_ADMIN, Authority.CUSTOMER_USER);
        return profiles.page(Access.tenantOf(user), link, transportType);
    }

    public DeviceProfile setDefault(SecurityUser user, UUID id) {
        Access.require(user, Authority.TENANT_ADMIN);
        DeviceProfile p = get(user, id);
        tx.executeWithoutResult(s -> profiles.setDefault(p.tenantId().id(), id));
        return profiles.find(id).orElseThrow();
    }

    public void delete(SecurityUser user, UUID id) {
        Access.require(user, Authority.TENANT_ADMIN);
        DeviceProfile p = get(user, id);
        if (p.isDefault()) {
            throw MoteException.invalid("Deletion of Default Device Profile is prohibited!");
        }
        if (profiles.inUse(id)) {
            throw MoteException.invalid("The device profile referenced by the devices cannot be deleted!");
        }
        profiles.delete(id);
    }
}
