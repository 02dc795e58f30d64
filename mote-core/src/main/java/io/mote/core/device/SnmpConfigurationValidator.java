package io.mote.core.device;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.error.MoteException;

/**
 * ThingsBoard's SNMP profile ({@code SnmpDeviceProfileTransportConfiguration}) and device
 * ({@code SnmpDeviceTransportConfiguration}) configurations, checked on save with messages naming the field.
 * The transport reads the same JSON; what passes here it can poll.
 */
final class SnmpConfigurationValidator {

    static final Set<String> SPECS = Set.of("TELEMETRY_QUERYING", "CLIENT_ATTRIBUTES_QUERYING",
            "SHARED_ATTRIBUTES_SETTING", "TO_DEVICE_RPC_REQUEST", "TO_SERVER_RPC_REQUEST",
            "TELEMETRY_TRAPS_RECEIVING", "CLIENT_ATTRIBUTES_TRAPS_RECEIVING");
    static final Set<String> QUERYING = Set.of("TELEMETRY_QUERYING", "CLIENT_ATTRIBUTES_QUERYING");
    static final Set<String> DATA_TYPES = Set.of("LONG", "DOUBLE", "BOOLEAN", "STRING", "JSON");
    static final List<String> VERSIONS = List.of("V1", "V2C", "V3");
    static final List<String> AUTH = List.of("SHA_1", "SHA_224", "SHA_256", "SHA_384", "SHA_512", "MD5");
    static final List<String> PRIV = List.of("DES", "AES_128", "AES_192", "AES_256");
    /** The fields that are secrets: never shown to customer users. */
    static final List<String> SECRETS = List.of("community", "authenticationPassphrase", "privacyPassphrase");

    static final long MIN_FREQUENCY_MS = 500;
    static final long MAX_FREQUENCY_MS = 86_400_000;
    private static final Pattern OID = Pattern.compile("\\.?[0-2](\\.(0|[1-9][0-9]{0,9}))+");

    private SnmpConfigurationValidator() {
    }

    static void validateProfile(JsonNode tc) {
        intField(tc, "timeoutMs", 1, 600_000);
        intField(tc, "retries", 0, 20);
        JsonNode configs = tc.path("communicationConfigs");
        if (configs.isMissingNode() || configs.isNull()) {
            return;
        }
        if (!configs.isArray()) {
            throw MoteException.invalid("transportConfiguration.communicationConfigs must be an array");
        }
        Set<String> specs = new HashSet<>();
        for (int i = 0; i < configs.size(); i++) {
            String path = "transportConfiguration.communicationConfigs[" + i + "]";
            JsonNode c = configs.get(i);
            if (!c.isObject()) {
                throw MoteException.invalid(path + " must be a JSON object");
            }
            String spec = c.path("spec").asString("");
            if (!SPECS.contains(spec)) {
                throw MoteException.invalid(path + ".spec '" + spec + "' is not an SNMP communication spec; use one of "
                        + new java.util.TreeSet<>(SPECS));
            }
            if (!specs.add(spec)) {
                throw MoteException.invalid(path + ".spec " + spec + " is given twice");
            }
            if (QUERYING.contains(spec)) {
                JsonNode f = c.path("queryingFrequencyMs");
                if (!f.isIntegralNumber() || f.asLong() < MIN_FREQUENCY_MS || f.asLong() > MAX_FREQUENCY_MS) {
                    throw MoteException.invalid(path + ".queryingFrequencyMs must be between " + MIN_FREQUENCY_MS
                            + " and " + MAX_FREQUENCY_MS + " ms");
                }
            }
            validateMappings(c.path("mappings"), path + ".mappings");
        }
    }

    private static void validateMappings(JsonNode mappings, String path) {
        if (mappings.isMissingNode() || mappings.isNull()) {
            return;
        }
        if (!mappings.isArray()) {
            throw MoteException.invalid(path + " must be an array");
        }
        Set<String> keys = new HashSet<>();
        for (int j = 0; j < mappings.size(); j++) {
            String mpath = path + "[" + j + "]";
            JsonNode m = mappings.get(j);
            if (!m.isObject()) {
                throw MoteException.invalid(mpath + " must be a JSON object");
            }
            String oid = m.path("oid").asString("");
            if (!OID.matcher(oid).matches()) {
                throw MoteException.invalid(mpath + ".oid '" + oid + "' is not a numeric OID (like 1.3.6.1.2.1.1.1.0)");
            }
            String key = m.path("key").asString("");
            if (key.isBlank() || key.length() > 255) {
                throw MoteException.invalid(mpath + ".key must be a non-empty string of at most 255 characters");
            }
            if (!keys.add(key)) {
                throw MoteException.invalid(mpath + ".key '" + key + "' is mapped twice");
            }
            String type = m.path("dataType").asString("");
            if (!DATA_TYPES.contains(type)) {
                throw MoteException.invalid(mpath + ".dataType '" + type + "' must be one of LONG, DOUBLE, BOOLEAN, STRING, JSON");
            }
        }
    }

    static void validateDevice(JsonNode tc) {
        String path = "deviceData.transportConfiguration";
        String host = tc.path("host").asString("");
        if (host.isBlank() || host.length() > 255) {
            throw MoteException.invalid(path + ".host should be specified!");
        }
        JsonNode port = tc.path("port");
        if (!port.isMissingNode() && !port.isNull() && (!port.isIntegralNumber() || port.asInt() < 1 || port.asInt() > 65535)) {
            throw MoteException.invalid(path + ".port must be between 1 and 65535");
        }
        String version = tc.path("protocolVersion").asString("");
        if (!VERSIONS.contains(version)) {
            throw MoteException.invalid(path + ".protocolVersion must be one of " + VERSIONS);
        }
        if (!version.equals("V3")) {
            if (!tc.path("community").isString() || tc.path("community").asString().isEmpty()) {
                throw MoteException.invalid(path + ".community should be specified!");
            }
            return;
        }
        if (!tc.path("username").isString() || tc.path("username").asString().isBlank()) {
            throw MoteException.invalid(path + ".username should be specified!");
        }
        String auth = optionalEnum(tc, "authenticationProtocol", AUTH, path);
        String priv = optionalEnum(tc, "privacyProtocol", PRIV, path);
        if (auth != null) {
            passphrase(tc, "authenticationPassphrase", path);
        }
        if (priv != null) {
            if (auth == null) {
                throw MoteException.invalid(path + ".privacyProtocol needs an authenticationProtocol");
            }
            passphrase(tc, "privacyPassphrase", path);
        }
        JsonNode engine = tc.path("engineId");
        if (engine.isString() && !engine.asString().isEmpty()
                && !engine.asString().matches("(0x)?([0-9a-fA-F]{2}:?){5,32}")) {
            throw MoteException.invalid(path + ".engineId must be hexadecimal (5 to 32 octets)");
        }
    }

    /** A copy of a device's transport configuration without its secrets, for readers who may not see them. */
    static JsonNode withoutSecrets(JsonNode tc) {
        if (!(tc instanceof ObjectNode o) || !"SNMP".equals(o.path("type").asString(""))) {
            return tc;
        }
        ObjectNode copy = o.deepCopy();
        SECRETS.forEach(copy::remove);
        return copy;
    }

    private static String optionalEnum(JsonNode tc, String field, List<String> values, String path) {
        JsonNode v = tc.path(field);
        if (v.isMissingNode() || v.isNull() || (v.isString() && v.asString().isEmpty())) {
            return null;
        }
        if (!v.isString() || !values.contains(v.asString())) {
            throw MoteException.invalid(path + "." + field + " must be one of " + values);
        }
        return v.asString();
    }

    private static void passphrase(JsonNode tc, String field, String path) {
        // RFC 3414: keys come from passphrases of at least 8 octets (net-snmp refuses shorter ones).
        if (!tc.path(field).isString() || tc.path(field).asString().length() < 8) {
            throw MoteException.invalid(path + "." + field + " must be at least 8 characters");
        }
    }

    private static void intField(JsonNode tc, String field, long min, long max) {
        JsonNode v = tc.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return;
        }
        if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
            throw MoteException.invalid("transportConfiguration." + field + " must be between " + min + " and " + max);
        }
    }
}
