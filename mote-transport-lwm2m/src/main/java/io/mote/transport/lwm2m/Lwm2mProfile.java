package io.mote.transport.lwm2m;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import com.google.common.collect.Interner;
import com.google.common.collect.Interners;
import tools.jackson.databind.JsonNode;

import io.mote.common.json.Json;
import io.mote.transport.lwm2m.rpc.Paths;

/**
 * The parts of an LWM2M profile the transport acts on: {@code observeAttr} with paths stripped of their
 * object version ({@code /3_1.2/0/9} → {@code /3/0/9}; the versions are kept per object), and from
 * {@code clientLwM2mSettings} the power mode with its timers (a device's own transport configuration
 * overrides them), the {@code transportLog} switch and the {@code objectVersionPolicy} ({@link VersionMapping}).
 */
record Lwm2mProfile(Map<String, String> keyNames, Set<String> attributes, Set<String> telemetry, Set<String> observe,
                    Map<String, JsonNode> attributeLwm2m, String observeStrategy, boolean initAttrTelAsObsStrategy,
                    Map<Integer, String> versions, Power power, boolean transportLog, String objectVersionPolicy) {

    static final String COMPATIBLE = "COMPATIBLE";
    static final String STRICT = "STRICT";

    /** How a device sleeps: PSM and E_DRX devices are reachable only for a window after each uplink. */
    record Power(String mode, long psmActivityTimer, long edrxCycle, long pagingTransmissionWindow) {
        static final Power DRX = new Power("DRX", 0, 0, 0);

        /** How long the device listens after an uplink, or 0 when it is always reachable. */
        long awakeWindowMs() {
            return switch (mode) {
                case "PSM" -> psmActivityTimer > 0 ? psmActivityTimer : 10_000;
                case "E_DRX" -> pagingTransmissionWindow > 0 ? pagingTransmissionWindow : 10_000;
                default -> 0;
            };
        }

        static Power of(JsonNode s, Power dflt) {
            if (s == null || !s.isObject() || !s.path("powerMode").isString()) {
                return dflt;
            }
            return new Power(s.path("powerMode").asString(), s.path("psmActivityTimer").asLong(0),
                    s.path("edrxCycle").asLong(0), s.path("pagingTransmissionWindow").asLong(0));
        }
    }

    /**
     * The clients of one profile (with the same object versions and power settings) hold one instance of it: parsed
     * per client, its sets, maps and paths were about 2 KB of every registered client's heap. Weak, so a profile no
     * client holds any more goes.
     */
    private static final Interner<Lwm2mProfile> SHARED = Interners.newWeakInterner();

    static final Lwm2mProfile EMPTY = new Lwm2mProfile(Map.of(), Set.of(), Set.of(), Set.of(), Map.of(), "SINGLE", false,
            Map.of(), Power.DRX, true, COMPATIBLE);

    /** The one instance equal to this that clients share (collections here are never changed once built). */
    Lwm2mProfile shared() {
        return SHARED.intern(this);
    }

    /** The profile's transport configuration, with the device's own power settings (either may be null). */
    static Lwm2mProfile parse(String profileJson, String deviceJson) {
        if (profileJson == null || profileJson.isBlank()) {
            return EMPTY;
        }
        JsonNode tc = Json.parse(profileJson);
        JsonNode settings = tc.path("clientLwM2mSettings");
        Power power = Power.of(settings, Power.DRX);
        if (deviceJson != null && !deviceJson.isBlank()) {
            power = Power.of(Json.parse(deviceJson), power);
        }
        boolean log = settings.path("transportLog").asBoolean(true);
        String policy = STRICT.equals(settings.path("objectVersionPolicy").asString("")) ? STRICT : COMPATIBLE;
        JsonNode oa = tc.path("observeAttr");
        if (!oa.isObject()) {
            return new Lwm2mProfile(Map.of(), Set.of(), Set.of(), Set.of(), Map.of(), "SINGLE", false, Map.of(), power, log,
                    policy);
        }
        Map<Integer, String> versions = new LinkedHashMap<>();
        Map<String, String> keyNames = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : oa.path("keyName").properties()) {
            keyNames.put(Paths.strip(e.getKey(), versions), e.getValue().asString(""));
        }
        Map<String, JsonNode> attrs = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : oa.path("attributeLwm2m").properties()) {
            attrs.put(Paths.strip(e.getKey(), versions), e.getValue());
        }
        return new Lwm2mProfile(keyNames, set(oa.path("attribute"), versions), set(oa.path("telemetry"), versions),
                set(oa.path("observe"), versions), attrs, oa.path("observeStrategy").asString("SINGLE"),
                oa.path("initAttrTelAsObsStrategy").asBoolean(false), versions, power, log, policy);
    }

    /** This profile without the paths {@code drop} accepts (of objects or resources the client cannot serve). */
    Lwm2mProfile without(Predicate<String> drop) {
        Map<String, String> keys = new LinkedHashMap<>(keyNames);
        keys.keySet().removeIf(drop);
        Map<String, JsonNode> attrs = new LinkedHashMap<>(attributeLwm2m);
        attrs.keySet().removeIf(drop);
        return new Lwm2mProfile(keys, kept(attributes, drop), kept(telemetry, drop), kept(observe, drop), attrs,
                observeStrategy, initAttrTelAsObsStrategy, versions, power, transportLog, objectVersionPolicy);
    }

    private static Set<String> kept(Set<String> paths, Predicate<String> drop) {
        Set<String> s = new LinkedHashSet<>(paths);
        s.removeIf(drop);
        return s;
    }

    /** Every path the profile names (keys, attribute, telemetry, observe, attributeLwm2m). */
    Set<String> paths() {
        Set<String> s = new LinkedHashSet<>(keyNames.keySet());
        s.addAll(attributes);
        s.addAll(telemetry);
        s.addAll(observe);
        s.addAll(attributeLwm2m.keySet());
        return s;
    }

    private static Set<String> set(JsonNode array, Map<Integer, String> versions) {
        Set<String> s = new LinkedHashSet<>();
        for (JsonNode p : array) {
            s.add(Paths.strip(p.asString(""), versions));
        }
        return s;
    }

    /** The key name a resource's value is stored under, or null when the profile does not map it. */
    String keyOf(String path) {
        return keyNames.get(path);
    }

    /** The path mapped to a key name, or null. */
    String pathOf(String key) {
        for (Map.Entry<String, String> e : keyNames.entrySet()) {
            if (e.getValue().equals(key)) {
                return e.getKey();
            }
        }
        return null;
    }

    /** Observations per the strategy: SINGLE none (one per path), COMPOSITE_ALL one group, COMPOSITE_BY_OBJECT one per object. */
    boolean composite() {
        return !"SINGLE".equals(observeStrategy);
    }
}
