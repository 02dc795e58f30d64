package io.mote.transport.lwm2m.bootstrap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.leshan.core.link.Link;
import org.eclipse.leshan.core.link.lwm2m.LwM2mLink;
import org.eclipse.leshan.core.link.attributes.Attribute;
import org.eclipse.leshan.core.request.BootstrapDiscoverRequest;
import org.eclipse.leshan.core.request.BootstrapReadRequest;
import org.eclipse.leshan.core.response.BootstrapDiscoverResponse;
import org.eclipse.leshan.core.response.LwM2mResponse;
import org.eclipse.leshan.server.bootstrap.BootstrapConfig;
import org.eclipse.leshan.server.bootstrap.BootstrapSession;
import org.eclipse.leshan.server.bootstrap.BootstrapTaskProvider;
import org.eclipse.leshan.server.bootstrap.BootstrapUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bootstrap sequence: Discover (which Security instance is the bootstrap account, which LwM2M version the
 * client speaks), Bootstrap-Read of the Server object where the client supports it (LwM2M 1.1 and later;
 * logged, so an operator sees what the client had), then Delete of /0 and /1, the Writes of the device's
 * configuration, and Finish (sent by the session manager).
 */
final class BootstrapTasks implements BootstrapTaskProvider {

    private static final Logger log = LoggerFactory.getLogger(BootstrapTasks.class);

    static final String CONFIG = "bootstrapConfig";

    private final Map<String, BootstrapConfig> configs;
    /** The Discover answer of each session that went on to a Bootstrap-Read, by configuration key. */
    private final Map<String, LwM2mLink[]> discovered = new ConcurrentHashMap<>();

    /** {@code configs}: each session's configuration, under the key its application data holds as {@link #CONFIG}. */
    BootstrapTasks(Map<String, BootstrapConfig> configs) {
        this.configs = configs;
    }

    @Override
    public Tasks getTasks(BootstrapSession session, List<LwM2mResponse> previous) {
        String key = session.getApplicationData() == null ? null : session.getApplicationData().get(CONFIG);
        BootstrapConfig config = key == null ? null : configs.get(key);
        if (config == null) {
            return null;
        }
        Tasks tasks = new Tasks();
        tasks.supportedObjects = new HashMap<>(Map.of(0, "1.1", 1, "1.1", 2, "1.0"));
        if (previous == null) {
            tasks.requestsToSend = new ArrayList<>(List.of(new BootstrapDiscoverRequest()));
            tasks.last = false;
            return tasks;
        }
        // Leshan hands over the answers to the previous batch only: after a Bootstrap-Read that is the Read's
        // answer, so the Discover answer is kept until the configuration is written.
        LwM2mResponse last = previous.get(0);
        LwM2mLink[] links;
        if (last instanceof BootstrapDiscoverResponse discover) {
            links = discover.isSuccess() && discover.getObjectLinks() != null ? discover.getObjectLinks() : new LwM2mLink[0];
            if (readSupported(links)) {
                discovered.put(key, links);
                tasks.requestsToSend = new ArrayList<>(List.of(new BootstrapReadRequest(1)));
                tasks.last = false;
                return tasks;
            }
        } else {
            log.debug("Bootstrap-Read of /1 from '{}': {}", session.getEndpoint(), last);
            links = discovered.remove(key);
            if (links == null) {
                links = new LwM2mLink[0];
            }
        }
        Integer bootstrapInstance = bootstrapInstance(links);
        tasks.requestsToSend = bootstrapInstance == null
                ? BootstrapUtil.toRequests(config, session.getContentFormat())
                : BootstrapUtil.toRequests(config, session.getContentFormat(), bootstrapInstance);
        tasks.last = true;
        return tasks;
    }

    /** Drops what a session that ended or failed left. */
    void forget(String key) {
        discovered.remove(key);
    }

    /** LwM2M 1.1 introduced Bootstrap-Read; the root link of the Discover answer carries the version. */
    private static boolean readSupported(LwM2mLink[] links) {
        for (LwM2mLink link : links) {
            if (link.getPath().isRoot()) {
                Attribute v = link.getAttributes().get("lwm2m");
                return v != null && !"1.0".equals(String.valueOf(v.getValue()));
            }
        }
        return false;
    }

    /** The Security instance without a short server id is the bootstrap account. */
    private static Integer bootstrapInstance(Link[] links) {
        for (Link l : links) {
            if (l instanceof LwM2mLink link && link.getPath().isObjectInstance() && link.getPath().getObjectId() == 0
                    && !link.getAttributes().contains("ssid")) {
                return link.getPath().getObjectInstanceId();
            }
        }
        return null;
    }
}
