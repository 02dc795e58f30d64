package io.mote.core.device;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.leshan.core.model.ObjectModel;
import org.eclipse.leshan.core.model.ResourceModel;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

import io.mote.common.error.MoteException;
import io.mote.core.resource.ResourceService;

/**
 * Checks an LWM2M profile's transport configuration against the tenant's model library: every path
 * ({@code /3_1.2/0/9}) must name an object version the library has and, below the instance, a resource
 * that object defines. Messages name the offending field and path.
 */
@Component
public class Lwm2mProfileValidator {

    /** {@code /objectId_version[/instance[/resource[/resourceInstance]]]}. */
    private static final Pattern PATH = Pattern.compile("^/(\\d+)(?:_(\\d+\\.\\d+))?((?:/\\d+){0,3})$");
    private static final Set<String> STRATEGIES = Set.of("SINGLE", "COMPOSITE_ALL", "COMPOSITE_BY_OBJECT");
    private static final Set<String> NOTIFICATION_ATTRIBUTES = Set.of("pmin", "pmax", "gt", "lt", "st", "epmin", "epmax");
    private static final Set<String> POWER_MODES = Set.of("PSM", "DRX", "E_DRX");
    private static final Set<String> VERSION_POLICIES = Set.of("COMPATIBLE", "STRICT");

    private final ResourceService resources;

    public Lwm2mProfileValidator(ResourceService resources) {
        this.resources = resources;
    }

    public void validate(UUID tenantId, JsonNode tc) {
        JsonNode observeAttr = tc.get("observeAttr");
        if (observeAttr != null && !observeAttr.isNull()) {
            if (!observeAttr.isObject()) {
                throw MoteException.invalid("observeAttr must be a JSON object");
            }
            validateObserveAttr(tenantId, observeAttr);
        }
        JsonNode bootstrap = tc.get("bootstrap");
        if (bootstrap != null && !bootstrap.isNull() && !bootstrap.isArray()) {
            throw MoteException.invalid("bootstrap must be a JSON array");
        }
        JsonNode settings = tc.get("clientLwM2mSettings");
        if (settings != null && !settings.isNull()) {
            if (!settings.isObject()) {
                throw MoteException.invalid("clientLwM2mSettings must be a JSON object");
            }
            JsonNode power = settings.get("powerMode");
            if (power != null && !power.isNull() && !POWER_MODES.contains(power.asString(""))) {
                throw MoteException.invalid("Unsupported clientLwM2mSettings.powerMode '" + power.asString("")
                        + "'; use PSM, DRX or E_DRX");
            }
            JsonNode policy = settings.get("objectVersionPolicy");
            if (policy != null && !policy.isNull() && !VERSION_POLICIES.contains(policy.asString(""))) {
                throw MoteException.invalid("Unsupported clientLwM2mSettings.objectVersionPolicy '"
                        + policy.asString(policy.toString()) + "'; use COMPATIBLE or STRICT");
            }
        }
    }

    private void validateObserveAttr(UUID tenantId, JsonNode oa) {
        JsonNode strategy = oa.get("observeStrategy");
        if (strategy != null && !strategy.isNull() && !STRATEGIES.contains(strategy.asString(""))) {
            throw MoteException.invalid("Unsupported observeAttr.observeStrategy '" + strategy.asString("")
                    + "'; use SINGLE, COMPOSITE_ALL or COMPOSITE_BY_OBJECT");
        }
        JsonNode keyName = oa.get("keyName");
        if (keyName != null && !keyName.isNull()) {
            if (!keyName.isObject()) {
                throw MoteException.invalid("observeAttr.keyName must be a JSON object {path: key}");
            }
            for (Map.Entry<String, JsonNode> e : keyName.properties()) {
                checkPath(tenantId, e.getKey(), "observeAttr.keyName", true);
                if (!e.getValue().isString() || e.getValue().asString().isBlank()) {
                    throw MoteException.invalid("observeAttr.keyName of " + e.getKey() + " must be a non-empty string");
                }
            }
        }
        for (String list : new String[] {"observe", "attribute", "telemetry"}) {
            JsonNode paths = oa.get(list);
            if (paths == null || paths.isNull()) {
                continue;
            }
            if (!paths.isArray()) {
                throw MoteException.invalid("observeAttr." + list + " must be a JSON array of paths");
            }
            for (JsonNode p : paths) {
                if (!p.isString()) {
                    throw MoteException.invalid("observeAttr." + list + " must hold path strings");
                }
                checkPath(tenantId, p.asString(), "observeAttr." + list, true);
                if (!"observe".equals(list) && (keyName == null || !keyName.hasNonNull(p.asString()))) {
                    throw MoteException.invalid("observeAttr." + list + " path " + p.asString()
                            + " has no key name in observeAttr.keyName");
                }
            }
        }
        JsonNode attrs = oa.get("attributeLwm2m");
        if (attrs != null && !attrs.isNull()) {
            if (!attrs.isObject()) {
                throw MoteException.invalid("observeAttr.attributeLwm2m must be a JSON object {path: {attribute: value}}");
            }
            for (Map.Entry<String, JsonNode> e : attrs.properties()) {
                checkPath(tenantId, e.getKey(), "observeAttr.attributeLwm2m", false);
                if (!e.getValue().isObject()) {
                    throw MoteException.invalid("observeAttr.attributeLwm2m of " + e.getKey() + " must be a JSON object");
                }
                for (Map.Entry<String, JsonNode> a : e.getValue().properties()) {
                    if (!NOTIFICATION_ATTRIBUTES.contains(a.getKey())) {
                        throw MoteException.invalid("observeAttr.attributeLwm2m of " + e.getKey() + ": '" + a.getKey()
                                + "' is not a notification attribute; use " + String.join(", ", NOTIFICATION_ATTRIBUTES));
                    }
                    if (!a.getValue().isNumber() && !(a.getValue().isString() && isNumber(a.getValue().asString()))) {
                        throw MoteException.invalid("observeAttr.attributeLwm2m of " + e.getKey() + ": '" + a.getKey()
                                + "' must be a number");
                    }
                }
            }
        }
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Checks a path; {@code resourceLevel} requires it to name a resource (or resource instance). */
    private void checkPath(UUID tenantId, String path, String field, boolean resourceLevel) {
        Matcher m = PATH.matcher(path);
        if (!m.matches()) {
            throw MoteException.invalid(field + ": '" + path + "' is not an LwM2M path like /3_1.2/0/9");
        }
        int objectId = Integer.parseInt(m.group(1));
        String version = m.group(2);
        if (version == null) {
            throw MoteException.invalid(field + ": path '" + path + "' must carry the object version, e.g. /"
                    + objectId + "_1.0" + m.group(3));
        }
        String[] rest = m.group(3).isEmpty() ? new String[0] : m.group(3).substring(1).split("/");
        if (resourceLevel && rest.length < 2) {
            throw MoteException.invalid(field + ": path '" + path + "' must name a resource (/object_version/instance/resource)");
        }
        ObjectModel model = resources.model(tenantId, objectId, version).orElseThrow(() -> MoteException.invalid(
                field + ": LwM2M object " + objectId + " version " + version + " (" + path
                        + ") is not in the model library"));
        if (rest.length >= 2) {
            int resourceId = Integer.parseInt(rest[1]);
            ResourceModel r = model.resources.get(resourceId);
            if (r == null) {
                throw MoteException.invalid(field + ": resource " + resourceId + " (" + path + ") is not defined by object "
                        + objectId + "_" + version + " (" + model.name + ")");
            }
            if (rest.length == 3 && !r.multiple) {
                throw MoteException.invalid(field + ": resource " + resourceId + " (" + path
                        + ") is single-instance and has no resource instances");
            }
        }
    }
}
