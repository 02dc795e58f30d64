package io.mote.transport.snmp.config;

import java.util.ArrayList;
import java.util.List;

import org.snmp4j.smi.OID;
import tools.jackson.databind.JsonNode;

import io.mote.common.json.Json;
import io.mote.common.kv.DataType;

/**
 * A profile's {@code SnmpDeviceProfileTransportConfiguration}: {@code timeoutMs}, {@code retries} and the
 * communication configs. The core validated it on save; entries that still do not parse are skipped.
 */
public record SnmpProfileConfig(int timeoutMs, int retries, List<CommunicationConfig> configs) {

    public static final int DEFAULT_TIMEOUT_MS = 500;

    public static SnmpProfileConfig parse(String json) {
        JsonNode tc = Json.parse(json);
        List<CommunicationConfig> configs = new ArrayList<>();
        for (JsonNode c : tc.path("communicationConfigs")) {
            SnmpSpec spec;
            try {
                spec = SnmpSpec.valueOf(c.path("spec").asString(""));
            } catch (IllegalArgumentException e) {
                continue;
            }
            List<SnmpMapping> mappings = new ArrayList<>();
            for (JsonNode m : c.path("mappings")) {
                try {
                    mappings.add(new SnmpMapping(new OID(m.path("oid").asString()), m.path("key").asString(),
                            DataType.valueOf(m.path("dataType").asString("STRING"))));
                } catch (RuntimeException e) {
                    // not an OID or a data type: validated on save, so only older stored profiles
                }
            }
            configs.add(new CommunicationConfig(spec, spec.querying() ? c.path("queryingFrequencyMs").asLong(0) : 0,
                    List.copyOf(mappings)));
        }
        return new SnmpProfileConfig(tc.path("timeoutMs").asInt(DEFAULT_TIMEOUT_MS), tc.path("retries").asInt(0),
                List.copyOf(configs));
    }

    public CommunicationConfig config(SnmpSpec spec) {
        for (CommunicationConfig c : configs) {
            if (c.spec() == spec) {
                return c;
            }
        }
        return null;
    }
}
