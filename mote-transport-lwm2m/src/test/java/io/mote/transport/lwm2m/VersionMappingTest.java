package io.mote.transport.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.eclipse.leshan.core.model.LwM2mModelRepository;
import org.eclipse.leshan.core.model.ObjectLoader;
import org.eclipse.leshan.core.model.ObjectModel;
import org.eclipse.leshan.core.model.ResourceModel;
import org.junit.jupiter.api.Test;

/** Which of a profile's paths a client's object versions let through, with Leshan's shipped models of objects 3 and 4. */
class VersionMappingTest {

    private static final LwM2mModelRepository LIBRARY = library();

    private static LwM2mModelRepository library() {
        try {
            List<ObjectModel> models = new java.util.ArrayList<>(ObjectLoader.loadDdfResources("/models/",
                    new String[] {"3.xml", "3-1_1.xml", "4.xml", "4-1_2.xml"}));
            // Object 30000 in two versions: resource 1 changes type, resource 2 multiplicity, resource 3 stays.
            models.add(object("1.0", ResourceModel.Type.INTEGER, false));
            models.add(object("1.1", ResourceModel.Type.STRING, true));
            return new LwM2mModelRepository(models);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectModel object(String version, ResourceModel.Type type1, boolean multiple2) {
        var ops = ResourceModel.Operations.R;
        return new ObjectModel(30000, "Gauge", "", version, false, false,
                new ResourceModel(1, "Level", ops, false, false, type1, null, null, ""),
                new ResourceModel(2, "Samples", ops, multiple2, false, ResourceModel.Type.FLOAT, null, null, ""),
                new ResourceModel(3, "Unit", ops, false, false, ResourceModel.Type.STRING, null, null, ""));
    }

    /** The README's Getting Started mapping: attributes of 3 (1.2), telemetry and observations of 4 (1.3). */
    private static Lwm2mProfile gettingStarted(String policy) {
        String json = """
                {"type":"LWM2M","observeAttr":{
                  "keyName":{"/3_1.2/0/0":"manufacturer","/3_1.2/0/9":"batteryLevel","/4_1.3/0/2":"rssi",
                             "/4_1.3/0/13":"coverage"},
                  "attribute":["/3_1.2/0/0"],"telemetry":["/3_1.2/0/9","/4_1.3/0/2","/4_1.3/0/13"],
                  "observe":["/3_1.2/0/9","/4_1.3/0/2","/4_1.3/0/13"],
                  "attributeLwm2m":{"/4_1.3/0/13":{"pmin":5},"/4_1.3/0":{"pmax":60}},"observeStrategy":"SINGLE"},
                 "clientLwM2mSettings":{%s}}""".formatted(policy == null ? "" : "\"objectVersionPolicy\":\"" + policy + "\"");
        return Lwm2mProfile.parse(json, null);
    }

    private static VersionMapping.Result map(Lwm2mProfile p, Map<Integer, String> announced) {
        return VersionMapping.of(p, announced::get, LIBRARY::getObjectModel);
    }

    @Test
    void sameVersionsChangeNothing() {
        Lwm2mProfile p = gettingStarted(null);
        VersionMapping.Result r = map(p, Map.of(3, "1.2", 4, "1.3"));
        assertThat(r.profile()).isEqualTo(p);
        assertThat(r.lines()).isEmpty();
    }

    @Test
    void compatibleMapsWhatBothVersionsDefineAndSkipsTheRestOnce() {
        VersionMapping.Result r = map(gettingStarted(null), Map.of(3, "1.1", 4, "1.2"));
        Lwm2mProfile p = r.profile();
        assertThat(p.attributes()).containsExactly("/3/0/0");
        assertThat(p.telemetry()).containsExactly("/3/0/9", "/4/0/2");
        assertThat(p.observe()).containsExactly("/3/0/9", "/4/0/2");
        assertThat(p.keyNames()).containsOnlyKeys("/3/0/0", "/3/0/9", "/4/0/2");
        assertThat(p.attributeLwm2m()).containsOnlyKeys("/4/0"); // the instance-level attributes stay
        assertThat(r.lines()).containsExactly(
                "Object 3: the profile names version 1.2, the client announced 1.1; mapping the resources both"
                        + " versions define alike (objectVersionPolicy COMPATIBLE)",
                "Object 4: the profile names version 1.3, the client announced 1.2; mapping the resources both"
                        + " versions define alike (objectVersionPolicy COMPATIBLE)",
                "Object 4: resource 13 (Coverage Enhancement Level) is not defined by the client's version 1.2;"
                        + " /4/0/13 skipped");
    }

    @Test
    void strictMapsNothingOfAMismatchedObject() {
        VersionMapping.Result r = map(gettingStarted("STRICT"), Map.of(3, "1.2", 4, "1.2"));
        Lwm2mProfile p = r.profile();
        assertThat(p.telemetry()).containsExactly("/3/0/9");
        assertThat(p.observe()).containsExactly("/3/0/9");
        assertThat(p.attributeLwm2m()).isEmpty();
        assertThat(r.lines()).containsExactly("Object 4: the profile names version 1.3, the client announced 1.2;"
                + " nothing of object 4 is read, observed or mapped (objectVersionPolicy STRICT)");
    }

    @Test
    void aTypeOrMultiplicityChangeSkipsTheResource() {
        String json = """
                {"observeAttr":{"keyName":{"/30000_1.0/0/1":"level","/30000_1.0/0/2":"samples","/30000_1.0/0/3":"unit"},
                 "telemetry":["/30000_1.0/0/1","/30000_1.0/0/2","/30000_1.0/0/3"]}}""";
        VersionMapping.Result r = map(Lwm2mProfile.parse(json, null), Map.of(30000, "1.1"));
        assertThat(r.profile().telemetry()).containsExactly("/30000/0/3");
        assertThat(r.lines()).contains(
                "Object 30000: resource 1 (Level) is INTEGER in version 1.0 but STRING in the client's version 1.1;"
                        + " /30000/0/1 skipped",
                "Object 30000: resource 2 (Samples) is single-instance in version 1.0 but not in the client's"
                        + " version 1.1; /30000/0/2 skipped");
    }

    @Test
    void aVersionTheLibraryLacksOrAnObjectTheClientLacksIsSkipped() {
        VersionMapping.Result r = map(gettingStarted(null), Map.of(3, "1.0"));
        assertThat(r.profile().paths()).isEmpty();
        assertThat(r.lines()).containsExactly(
                "Object 3: the profile names version 1.2, the client announced 1.0, which the model library does not"
                        + " have; nothing of object 3 is read, observed or mapped",
                "Object 4 (version 1.3 in the profile) is not announced by the client: its paths are skipped");
    }
}
