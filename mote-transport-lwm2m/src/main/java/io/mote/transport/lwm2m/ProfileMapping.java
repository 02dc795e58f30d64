package io.mote.transport.lwm2m;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.observation.CompositeObservation;
import org.eclipse.leshan.core.observation.Observation;
import org.eclipse.leshan.core.observation.SingleObservation;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.DownlinkRequest;
import org.eclipse.leshan.core.request.ObserveCompositeRequest;
import org.eclipse.leshan.core.request.ObserveRequest;
import org.eclipse.leshan.core.request.ReadCompositeRequest;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.request.WriteAttributesRequest;
import org.eclipse.leshan.core.response.LwM2mResponse;
import org.eclipse.leshan.core.response.ObserveCompositeResponse;
import org.eclipse.leshan.core.response.ObserveResponse;
import org.eclipse.leshan.core.response.ReadCompositeResponse;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.server.observation.ObservationService;
import org.eclipse.leshan.server.registration.Registration;
import tools.jackson.databind.JsonNode;

import io.mote.transport.lwm2m.rpc.CompositeFormats;
import io.mote.transport.lwm2m.rpc.WriteCommands;

/**
 * Applying a profile to a registered client: the initial reads of mapped resources, the notification
 * attributes, and the observations per the observe strategy (SINGLE, COMPOSITE_ALL, COMPOSITE_BY_OBJECT).
 */
final class ProfileMapping {

    private final Lwm2mClient client;

    ProfileMapping(Lwm2mClient client) {
        this.client = client;
    }

    /**
     * True when the client announced the path's object. Which versions stand for the profile's was settled when
     * the profile was read ({@link VersionMapping}): the profile held here has only the paths the client can serve.
     */
    boolean supports(String path, Lwm2mProfile p) {
        return client.registration().getSupportedVersion(new LwM2mPath(path).getObjectId()) != null;
    }

    /**
     * Moves the client from what {@code old} set up to what {@code p} asks for, leaving it as a fresh
     * registration with {@code p} would: when anything changed (a key, a list, an object version, the
     * strategy), every mapped path is read again, except those a new observation answers for.
     */
    void apply(Lwm2mProfile old, Lwm2mProfile p) {
        ContentFormat composite = p.composite() ? compositeFormat(p) : null;
        Set<String> observing = observe(old, p, composite);
        if (!old.equals(p)) {
            List<String> toRead = new ArrayList<>();
            for (String path : union(p)) {
                if (supports(path, p) && !observing.contains(path)) {
                    toRead.add(path);
                }
            }
            read(toRead, p, composite);
        }
        for (Map.Entry<String, JsonNode> e : p.attributeLwm2m().entrySet()) {
            if (!supports(e.getKey(), p) || e.getValue().equals(old.attributeLwm2m().get(e.getKey()))) {
                continue;
            }
            try {
                client.send(new WriteAttributesRequest(e.getKey(), WriteCommands.attributeSet(e.getValue())), r -> { });
            } catch (RuntimeException ex) {
                client.log("Attributes of " + e.getKey() + " are invalid: " + ex.getMessage());
            }
        }
    }

    private void read(List<String> toRead, Lwm2mProfile p, ContentFormat composite) {
        if (toRead.isEmpty()) {
            return;
        }
        if (p.initAttrTelAsObsStrategy() && composite != null) {
            // The initial reads follow the observe strategy: one Read-Composite for all, or one per object.
            for (List<LwM2mPath> group : groups(toRead, p)) {
                List<String> paths = group.stream().map(LwM2mPath::toString).toList();
                client.send(new ReadCompositeRequest(composite, composite, paths),
                        (ReadCompositeResponse r) -> {
                            if (r.isSuccess()) {
                                client.values().store(r.getContent(), System.currentTimeMillis());
                            }
                        });
            }
            return;
        }
        for (String path : toRead) {
            client.send(new ReadRequest(path), (ReadResponse r) -> {
                if (r.isSuccess()) {
                    client.values().store(Map.of(new LwM2mPath(path), r.getContent()), System.currentTimeMillis());
                }
            });
        }
    }

    /** The client's composite format; null (and a transportLog line) when it announced none. */
    private ContentFormat compositeFormat(Lwm2mProfile p) {
        ContentFormat f = CompositeFormats.announced(client.registration());
        if (f == null) {
            client.log("Observe strategy " + p.observeStrategy() + " needs SenML JSON or SenML CBOR, which the client"
                    + " did not announce (" + client.registration().getSupportedContentFormats()
                    + "): reading and observing each path on its own");
        }
        return f;
    }

    private static Set<String> union(Lwm2mProfile p) {
        Set<String> s = new LinkedHashSet<>(p.attributes());
        s.addAll(p.telemetry());
        return s;
    }

    /** Paths grouped per the observe strategy: all in one (COMPOSITE_ALL) or one group per object. */
    private static Collection<List<LwM2mPath>> groups(List<String> paths, Lwm2mProfile p) {
        Map<Integer, List<LwM2mPath>> groups = new LinkedHashMap<>();
        for (String path : paths) {
            LwM2mPath lp = new LwM2mPath(path);
            int group = "COMPOSITE_BY_OBJECT".equals(p.observeStrategy()) ? lp.getObjectId() : -1;
            groups.computeIfAbsent(group, g -> new ArrayList<>()).add(lp);
        }
        return groups.values();
    }

    /**
     * {@code composite}: the format of composite observations, or null for one observation per path. Returns the
     * paths of the observations it starts (their first answer brings the value); kept ones are not among them.
     */
    private Set<String> observe(Lwm2mProfile old, Lwm2mProfile p, ContentFormat composite) {
        ObservationService observations = client.observations();
        Registration registration = client.registration();
        Set<Observation> current = observations.getObservations(registration);
        List<String> wanted = p.observe().stream().filter(path -> supports(path, p)).toList();
        boolean single = composite == null;
        boolean compositeChanged = !old.observe().equals(p.observe()) || !old.observeStrategy().equals(p.observeStrategy());
        Set<String> observedSingle = new LinkedHashSet<>();
        boolean keepComposite = false;
        for (Observation o : current) {
            if (o instanceof SingleObservation so) {
                String path = so.getPath().toString();
                if (client.observedForUpdate(so.getPath())) {
                    continue; // State / Update Result of an update under way: not the profile's to cancel
                }
                if (!single || !wanted.contains(path)) {
                    observations.cancelObservation(o);
                    client.log("Observation of " + path + " cancelled");
                } else {
                    observedSingle.add(path);
                }
            } else if (o instanceof CompositeObservation co) {
                if (single || compositeChanged) {
                    observations.cancelObservation(o);
                    client.log("Composite observation of " + co.getPaths() + " cancelled");
                } else {
                    keepComposite = true;
                }
            }
        }
        Set<String> started = new LinkedHashSet<>();
        if (single) {
            for (String path : wanted) {
                if (!observedSingle.contains(path)) {
                    started.add(path);
                    observeSingle(path, p, 0);
                }
            }
            return started;
        }
        if (keepComposite || wanted.isEmpty()) {
            return started;
        }
        started.addAll(wanted);
        for (List<LwM2mPath> paths : groups(wanted, p)) {
            observeComposite(paths, composite, p, 0);
        }
        return started;
    }

    // ---- Observe, and again when it failed for now ----

    /**
     * The least pause before the first retry of a failed Observe; doubled at each one, at most {@link #LAST_RETRY_MS},
     * and stretched by up to as much again at random.
     */
    private static final long FIRST_RETRY_MS = 20_000;
    private static final long LAST_RETRY_MS = 300_000;
    private static final int RETRIES = 8;

    private void observeSingle(String path, Lwm2mProfile p, int attempt) {
        observe("Observe " + path, new ObserveRequest(path),
                (ObserveResponse r) -> client.values().store(Map.of(new LwM2mPath(path), r.getContent()),
                        System.currentTimeMillis()),
                () -> !observed(path), p, attempt, () -> observeSingle(path, p, attempt + 1));
    }

    private void observeComposite(List<LwM2mPath> paths, ContentFormat composite, Lwm2mProfile p, int attempt) {
        observe("Observe-Composite " + paths, new ObserveCompositeRequest(composite, composite, paths),
                (ObserveCompositeResponse r) -> client.values().store(r.getContent(), System.currentTimeMillis()),
                () -> !observed(paths), p, attempt, () -> observeComposite(paths, composite, p, attempt + 1));
    }

    /** Sends {@code request}; its content goes to {@code onContent}, a failure for now to {@link #retry}. */
    private <T extends LwM2mResponse> void observe(String what, DownlinkRequest<T> request, Consumer<T> onContent,
                                                   BooleanSupplier stillMissing, Lwm2mProfile p, int attempt,
                                                   Runnable again) {
        client.send(request, (T r) -> {
            if (r.isSuccess()) {
                onContent.accept(r);
            } else if (r.getCode().isServerError()) {
                retry(what, r.getCode().toString(), p, attempt, stillMissing, again);
            }
        }, e -> retry(what, e.toString(), p, attempt, stillMissing, again));
    }

    /**
     * An Observe that timed out, met a sleeping client or was answered 5.xx is sent again after a pause, while the
     * client stays registered with the same profile and the observation is still missing. Left alone, the resource
     * would go unobserved until the client registers again (a lifetime, often a day), and a client that answered
     * after the server gave up would have every notification reset. A 4.xx is the client's final word.
     */
    private void retry(String what, String cause, Lwm2mProfile p, int attempt, BooleanSupplier stillMissing,
                       Runnable again) {
        if (client.closed() || client.profile() != p) {
            return;
        }
        if (attempt >= RETRIES) {
            client.log(what + " failed (" + cause + ") " + (attempt + 1) + " times: not sent again until the profile"
                    + " changes or the client registers again");
            return;
        }
        // Up to twice the pause, at random: the Observes that timed out together in a registration storm do not
        // come back together.
        long pause = Math.min(LAST_RETRY_MS, FIRST_RETRY_MS << attempt);
        long delay = pause + ThreadLocalRandom.current().nextLong(pause);
        client.log(what + " failed (" + cause + "): sent again in " + delay / 1000 + " s");
        CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS).execute(() -> {
            if (!client.closed() && client.profile() == p && stillMissing.getAsBoolean()) {
                again.run();
            }
        });
    }

    private boolean observed(String path) {
        for (Observation o : client.observations().getObservations(client.registration())) {
            if (o instanceof SingleObservation so && so.getPath().toString().equals(path)) {
                return true;
            }
        }
        return false;
    }

    private boolean observed(List<LwM2mPath> paths) {
        for (Observation o : client.observations().getObservations(client.registration())) {
            if (o instanceof CompositeObservation co && co.getPaths().equals(paths)) {
                return true;
            }
        }
        return false;
    }
}
