package io.mote.transport.mqtt.sparkplug;

import java.util.LinkedHashSet;
import java.util.Set;

import tools.jackson.databind.JsonNode;

import io.mote.common.json.Json;
import io.mote.transport.api.TransportConfiguration;

/**
 * The Sparkplug settings of an MQTT device profile's transport configuration, as ThingsBoard names them:
 * {@code sparkplug} (the profile's devices are Sparkplug B edge nodes) and
 * {@code sparkplugAttributesMetricNames} (metrics stored as attributes rather than time series; a name
 * ending in {@code *} stands for every metric name it starts).
 */
public record SparkplugSettings(boolean enabled, Set<String> attributeMetricNames) {

    public static final SparkplugSettings OFF = new SparkplugSettings(false, Set.of());

    public static SparkplugSettings of(TransportConfiguration configuration) {
        String profile = configuration == null ? null : configuration.profile();
        if (profile == null || !profile.contains("sparkplug")) {
            return OFF;
        }
        JsonNode tc = Json.parse(profile);
        if (!"MQTT".equals(tc.path("type").asString("")) || !tc.path("sparkplug").asBoolean(false)) {
            return OFF;
        }
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode n : tc.path("sparkplugAttributesMetricNames")) {
            if (n.isString() && !n.asString().isBlank()) {
                names.add(n.asString());
            }
        }
        return new SparkplugSettings(true, Set.copyOf(names));
    }

    /** Whether a metric of this name is stored as an attribute. */
    public boolean isAttribute(String metricName) {
        for (String n : attributeMetricNames) {
            if (n.endsWith("*") ? metricName.startsWith(n.substring(0, n.length() - 1)) : metricName.equals(n)) {
                return true;
            }
        }
        return false;
    }
}
