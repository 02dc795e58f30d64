package io.mote.core.provision;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.entity.CredentialsType;
import io.mote.common.entity.Device;
import io.mote.common.entity.DeviceCredentials;
import io.mote.common.entity.DeviceProfile;
import io.mote.common.error.MoteException;
import io.mote.common.json.Json;
import io.mote.common.kv.AttributeScope;
import io.mote.common.kv.KvEntry;
import io.mote.core.device.DeviceService;
import io.mote.core.telemetry.AttributesService;
import io.mote.dao.DeviceDao;
import io.mote.dao.DeviceProfileDao;
import io.mote.transport.api.ProvisionResult;

/**
 * Device provisioning following the profile's {@code provisionConfiguration}. The profile is found by
 * its provision device key (unique across all tenants) and the request must carry its secret.
 * <ul>
 * <li>ALLOW_CREATE_NEW_DEVICES: a device of that name is created in the profile's tenant and profile
 * with the requested credentials (a random access token when none are given); a taken name fails.
 * <li>CHECK_PRE_PROVISIONED_DEVICES: the device must exist in that profile and not be provisioned yet;
 * it answers the device's credentials, replaced by the requested ones when the request names any.
 * </ul>
 * A provisioned device is marked with the server attribute {@code provisionState = "provisioned"}, so
 * it is provisioned once. Answers are {@code {"status":"SUCCESS","credentialsType","credentialsValue"}}
 * or {@code {"status":"NOT_FOUND"|"FAILURE","errorMsg"}}; a request that is not a provisioning
 * request at all (malformed JSON, wrong field types, unknown credentials type) fails with a 400.
 * Neither the secret nor credentials are ever logged.
 */
@Service
public class ProvisionService {

    public static final String PROVISION_STATE = "provisionState";
    public static final String PROVISIONED = "provisioned";

    private static final Logger log = LoggerFactory.getLogger(ProvisionService.class);
    private static final String NOT_FOUND_MSG = "No device profile matches this provision device key and secret";

    private final DeviceProfileDao profiles;
    private final DeviceDao devices;
    private final DeviceService deviceService;
    private final AttributesService attributes;
    private final TransactionTemplate tx;

    public ProvisionService(DeviceProfileDao profiles, DeviceDao devices, DeviceService deviceService,
                            AttributesService attributes, TransactionTemplate tx) {
        this.profiles = profiles;
        this.devices = devices;
        this.deviceService = deviceService;
        this.attributes = attributes;
        this.tx = tx;
    }

    /** A parsed provisioning request; {@code credentials} is null when the request names none. */
    private record Request(String deviceName, String key, String secret, DeviceCredentials credentials) {
    }

    public ProvisionResult provision(String requestJson) {
        Request r = parse(requestJson);
        if (r.key() == null || r.secret() == null) {
            return notFound();
        }
        Optional<DeviceProfile> found = profiles.findByProvisionKey(r.key());
        if (found.isEmpty() || !secretMatches(found.get(), r.secret())) {
            return notFound();
        }
        DeviceProfile profile = found.get();
        try {
            return switch (profile.provisionType()) {
                case ALLOW_CREATE_NEW_DEVICES -> createNew(profile, r);
                case CHECK_PRE_PROVISIONED_DEVICES -> preProvisioned(profile, r);
                default -> notFound();
            };
        } catch (MoteException e) {
            if (e.errorCode().httpStatus() == 503) {
                throw e;
            }
            return failure(e.getMessage());
        }
    }

    private ProvisionResult createNew(DeviceProfile profile, Request r) {
        if (r.deviceName() != null && devices.findByName(profile.tenantId().id(), r.deviceName()).isPresent()) {
            return failure("Device with such name already exists!");
        }
        String name = r.deviceName() != null ? r.deviceName() : "device-" + deviceService.newAccessToken();
        DeviceCredentials requested = r.credentials() != null ? r.credentials()
                : new DeviceCredentials(null, null, null, CredentialsType.ACCESS_TOKEN, deviceService.newAccessToken(), null);
        DeviceCredentials saved = tx.execute(s -> {
            DeviceCredentials c = deviceService.createWithCredentials(profile, name, requested);
            attributes.saveIfAbsent(c.deviceId().id(), AttributeScope.SERVER_SCOPE,
                    KvEntry.ofString(PROVISION_STATE, PROVISIONED));
            return c;
        });
        log.info("Provisioned new device {} in profile {}", saved.deviceId().id(), profile.id().id());
        return success(saved);
    }

    private ProvisionResult preProvisioned(DeviceProfile profile, Request r) {
        if (r.deviceName() == null) {
            return failure("deviceName should be specified for a pre-provisioned device");
        }
        Device d = devices.findByName(profile.tenantId().id(), r.deviceName())
                .filter(found -> found.deviceProfileId().equals(profile.id()))
                .orElse(null);
        if (d == null) {
            return failure("No pre-provisioned device with this name in the profile");
        }
        Optional<DeviceCredentials> saved = tx.execute(s -> {
            if (!attributes.saveIfAbsent(d.id().id(), AttributeScope.SERVER_SCOPE,
                    KvEntry.ofString(PROVISION_STATE, PROVISIONED))) {
                return Optional.<DeviceCredentials>empty();
            }
            return Optional.of(r.credentials() == null
                    ? deviceService.credentialsOf(d.id().id()).orElseThrow(MoteException::notFound)
                    : deviceService.replaceCredentials(d, withDevice(r.credentials(), d)));
        });
        if (saved.isEmpty()) {
            return failure("Device is already provisioned");
        }
        log.info("Provisioned pre-provisioned device {} in profile {}", d.id().id(), profile.id().id());
        return success(saved.get());
    }

    private static DeviceCredentials withDevice(DeviceCredentials c, Device d) {
        return new DeviceCredentials(null, null, d.id(), c.credentialsType(), c.credentialsId(), c.credentialsValue());
    }

    private static boolean secretMatches(DeviceProfile profile, String secret) {
        JsonNode pc = profile.profileData() == null ? null : profile.profileData().get("provisionConfiguration");
        JsonNode expected = pc == null ? null : pc.get("provisionDeviceSecret");
        if (expected == null || !expected.isString() || expected.asString().isEmpty()) {
            return false;
        }
        return MessageDigest.isEqual(expected.asString().getBytes(StandardCharsets.UTF_8),
                secret.getBytes(StandardCharsets.UTF_8));
    }

    // ---- the request ----

    private static Request parse(String json) {
        JsonNode root = Json.parse(json);
        if (!root.isObject()) {
            throw MoteException.badRequest("Provision request must be a JSON object");
        }
        String name = text(root, "deviceName");
        if (name != null) {
            name = name.trim();
        }
        CredentialsType type = null;
        String typeText = text(root, "credentialsType");
        if (typeText != null) {
            try {
                type = CredentialsType.valueOf(typeText);
            } catch (IllegalArgumentException e) {
                type = null;
            }
            if (type == null || type == CredentialsType.LWM2M_CREDENTIALS) {
                throw MoteException.badRequest("Unsupported credentialsType '" + typeText + "'; use one of "
                        + Arrays.asList(CredentialsType.ACCESS_TOKEN, CredentialsType.MQTT_BASIC,
                        CredentialsType.X509_CERTIFICATE));
            }
        }
        String token = text(root, "token");
        String clientId = text(root, "clientId");
        String username = text(root, "username");
        String password = text(root, "password");
        String hash = text(root, "hash");
        DeviceCredentials credentials = null;
        if (type == null && token != null) {
            type = CredentialsType.ACCESS_TOKEN;
        }
        if (type != null) {
            credentials = switch (type) {
                case ACCESS_TOKEN -> new DeviceCredentials(null, null, null, type, token, null);
                case MQTT_BASIC -> {
                    ObjectNode v = Json.object();
                    v.put("clientId", clientId);
                    v.put("userName", username);
                    v.put("password", password);
                    yield new DeviceCredentials(null, null, null, type, null, Json.write(v));
                }
                default -> new DeviceCredentials(null, null, null, type, null, hash);
            };
        }
        return new Request(name, text(root, "provisionDeviceKey"), text(root, "provisionDeviceSecret"), credentials);
    }

    /** A string field; absent, null or empty is null; any other type is a bad request. */
    private static String text(JsonNode root, String field) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isString()) {
            throw MoteException.badRequest(field + " must be a string");
        }
        return v.asString().isEmpty() ? null : v.asString();
    }

    // ---- the answers ----

    private ProvisionResult success(DeviceCredentials c) {
        ObjectNode o = Json.object();
        o.put("status", "SUCCESS");
        o.put("credentialsType", c.credentialsType().name());
        switch (c.credentialsType()) {
            case ACCESS_TOKEN -> o.put("credentialsValue", c.credentialsId());
            case MQTT_BASIC -> o.set("credentialsValue", Json.parse(c.credentialsValue()));
            default -> o.put("credentialsValue", c.credentialsValue());
        }
        return new ProvisionResult(Json.write(o), true);
    }

    private static ProvisionResult notFound() {
        return answer("NOT_FOUND", NOT_FOUND_MSG);
    }

    private static ProvisionResult failure(String message) {
        return answer("FAILURE", message);
    }

    private static ProvisionResult answer(String status, String message) {
        ObjectNode o = Json.object();
        o.put("status", status);
        o.put("errorMsg", message);
        return new ProvisionResult(Json.write(o), false);
    }
}
