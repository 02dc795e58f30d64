package io.mote.transport.lwm2m;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntFunction;

import org.eclipse.leshan.core.model.ObjectModel;
import org.eclipse.leshan.core.model.ResourceModel;
import org.eclipse.leshan.core.node.LwM2mPath;

/**
 * The part of a profile a client can serve, given the object versions it announced. Profile paths carry the
 * version of their object ({@code /3_1.2/0/9}); a client may announce another one. Under
 * {@code clientLwM2mSettings.objectVersionPolicy} COMPATIBLE (the default) a resource is mapped when the
 * client's version defines it with the same id, type and multiplicity, and skipped otherwise; under STRICT
 * (ThingsBoard's behaviour) nothing of such an object is. Objects the client did not announce are skipped.
 * Every decision is one line for transportLog.
 */
final class VersionMapping {

    /** Object models by id and version; null when the library has none. */
    interface Models {
        ObjectModel model(int objectId, String version);
    }

    /** The profile as the client gets it, and what was decided on the way. */
    record Result(Lwm2mProfile profile, List<String> lines) {
    }

    private VersionMapping() {
    }

    /** {@code clientVersion}: the version the client announced of an object, or null when it has none. */
    static Result of(Lwm2mProfile p, IntFunction<String> clientVersion, Models models) {
        List<String> lines = new ArrayList<>();
        Set<Integer> droppedObjects = new HashSet<>();
        Set<String> droppedResources = new HashSet<>(); // "3/13"
        for (Map.Entry<Integer, Set<Integer>> e : resourcesByObject(p).entrySet()) {
            int id = e.getKey();
            String wanted = p.versions().get(id);
            String announced = clientVersion.apply(id);
            if (announced == null) {
                lines.add("Object " + id + (wanted == null ? "" : " (version " + wanted + " in the profile)")
                        + " is not announced by the client: its paths are skipped");
                droppedObjects.add(id);
                continue;
            }
            if (wanted == null || wanted.equals(announced)) {
                continue;
            }
            String versions = "Object " + id + ": the profile names version " + wanted + ", the client announced "
                    + announced;
            if (Lwm2mProfile.STRICT.equals(p.objectVersionPolicy())) {
                lines.add(versions + "; nothing of object " + id + " is read, observed or mapped (objectVersionPolicy STRICT)");
                droppedObjects.add(id);
                continue;
            }
            ObjectModel theirs = models.model(id, announced);
            if (theirs == null) {
                lines.add(versions + ", which the model library does not have; nothing of object " + id
                        + " is read, observed or mapped");
                droppedObjects.add(id);
                continue;
            }
            lines.add(versions + "; mapping the resources both versions define alike (objectVersionPolicy COMPATIBLE)");
            ObjectModel ours = models.model(id, wanted);
            for (int rid : e.getValue()) {
                String why = incompatibility(ours == null ? null : ours.resources.get(rid), theirs.resources.get(rid),
                        wanted, announced);
                if (why != null) {
                    lines.add("Object " + id + ": resource " + rid + " " + why + "; " + paths(p, id, rid) + " skipped");
                    droppedResources.add(id + "/" + rid);
                }
            }
        }
        if (droppedObjects.isEmpty() && droppedResources.isEmpty()) {
            return new Result(p, lines);
        }
        return new Result(p.without(path -> {
            LwM2mPath lp = new LwM2mPath(path);
            if (lp.isRoot()) {
                return false;
            }
            if (droppedObjects.contains(lp.getObjectId())) {
                return true;
            }
            return (lp.isResource() || lp.isResourceInstance())
                    && droppedResources.contains(lp.getObjectId() + "/" + lp.getResourceId());
        }), lines);
    }

    /** Why the client's version cannot stand for the profile's, or null when it can. */
    private static String incompatibility(ResourceModel ours, ResourceModel theirs, String wanted, String announced) {
        if (theirs == null) {
            return (ours == null ? "" : "(" + ours.name + ") ") + "is not defined by the client's version " + announced;
        }
        if (ours == null) {
            return null; // the profile's version is no longer in the library: the client's definition is all there is
        }
        if (ours.type != theirs.type) {
            return "(" + ours.name + ") is " + ours.type + " in version " + wanted + " but " + theirs.type
                    + " in the client's version " + announced;
        }
        if (!ours.multiple.equals(theirs.multiple)) {
            return "(" + ours.name + ") is " + (ours.multiple ? "multiple" : "single") + "-instance in version " + wanted
                    + " but not in the client's version " + announced;
        }
        return null;
    }

    /** The resource ids the profile names, per object (an object- or instance-level path adds only its object). */
    private static Map<Integer, Set<Integer>> resourcesByObject(Lwm2mProfile p) {
        Map<Integer, Set<Integer>> byObject = new TreeMap<>();
        for (String path : p.paths()) {
            LwM2mPath lp = new LwM2mPath(path);
            if (lp.isRoot()) {
                continue;
            }
            Set<Integer> ids = byObject.computeIfAbsent(lp.getObjectId(), k -> new TreeSet<>());
            if (lp.isResource() || lp.isResourceInstance()) {
                ids.add(lp.getResourceId());
            }
        }
        return byObject;
    }

    /** The profile's paths of one resource, for the log line. */
    private static String paths(Lwm2mProfile p, int objectId, int resourceId) {
        Set<String> s = new TreeSet<>();
        for (String path : p.paths()) {
            LwM2mPath lp = new LwM2mPath(path);
            if (!lp.isRoot() && lp.getObjectId() == objectId && (lp.isResource() || lp.isResourceInstance())
                    && lp.getResourceId() == resourceId) {
                s.add(path);
            }
        }
        return String.join(", ", s);
    }
}
