package io.mote.core.resource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

import org.eclipse.leshan.core.model.InvalidDDFFileException;
import org.eclipse.leshan.core.model.InvalidModelException;
import org.eclipse.leshan.core.model.ObjectLoader;
import org.eclipse.leshan.core.model.ObjectModel;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.error.MoteException;
import io.mote.common.json.Json;

/** Parsing of OMA DDF files and the JSON views of an object model. */
public final class Lwm2mModels {

    public static final String LWM2M_MODEL = "LWM2M_MODEL";

    private Lwm2mModels() {
    }

    /** Parses and validates one DDF file holding exactly one object; a bad file is a 400 naming the problem. */
    public static ObjectModel parse(byte[] xml, String fileName) {
        if (xml == null || xml.length == 0) {
            throw MoteException.invalid("Resource data should be specified!");
        }
        List<ObjectModel> models;
        try {
            models = ObjectLoader.loadDdfFile(new ByteArrayInputStream(xml), fileName == null ? "model" : fileName, true);
        } catch (InvalidDDFFileException | InvalidModelException e) {
            throw MoteException.invalid("Invalid LwM2M model " + (fileName == null ? "" : "'" + fileName + "'")
                    + ": " + message(e));
        } catch (IOException | RuntimeException e) {
            throw MoteException.invalid("Invalid LwM2M model " + (fileName == null ? "" : "'" + fileName + "'")
                    + ": " + message(e));
        }
        if (models.size() != 1) {
            throw MoteException.invalid("An LwM2M model file must define exactly one object, found " + models.size());
        }
        return models.get(0);
    }

    private static String message(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        Throwable c = e.getCause();
        if (c != null && c.getMessage() != null && !sb.toString().contains(c.getMessage())) {
            sb.append(": ").append(c.getMessage());
        }
        return sb.toString();
    }

    /** {@code 3_1.2}: the key a model is stored and referred to under. */
    public static String key(ObjectModel m) {
        return m.id + "_" + m.version;
    }

    /**
     * The telemetry or attribute key a resource gets by default: its name in lower camel case, where
     * spaces, '-' and '_' separate words and every word but the first starts upper case.
     */
    public static String keyName(String resourceName) {
        String[] words = resourceName.replace('-', ' ').replace('_', ' ').split(" ");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words.length; i++) {
            String w = words[i];
            if (w.isEmpty()) {
                continue;
            }
            String first = w.substring(0, 1);
            sb.append(i == 0 ? first.toLowerCase(Locale.ROOT) : first.toUpperCase(Locale.ROOT))
                    .append(w.substring(1).toLowerCase(Locale.ROOT));
        }
        return sb.toString();
    }

    /**
     * The object as the profile editor lists it: {@code {"id","keyId","name","multiple","mandatory",
     * "instances":[{"id":0,"resources":[{"id","name","observe","attribute","telemetry","keyName"}]}]}}.
     */
    public static ObjectNode toLwm2mObject(ObjectModel m) {
        ObjectNode o = Json.object();
        o.put("id", m.id);
        o.put("keyId", key(m));
        o.put("name", m.name);
        o.put("multiple", m.multiple);
        o.put("mandatory", m.mandatory);
        ArrayNode instances = o.putArray("instances");
        ObjectNode instance = instances.addObject();
        instance.put("id", 0);
        ArrayNode resources = instance.putArray("resources");
        m.resources.values().stream().sorted((a, b) -> Integer.compare(a.id, b.id)).forEach(r -> {
            ObjectNode rn = resources.addObject();
            rn.put("id", r.id);
            rn.put("name", r.name);
            rn.put("observe", false);
            rn.put("attribute", false);
            rn.put("telemetry", false);
            rn.put("keyName", keyName(r.name));
        });
        return o;
    }
}
