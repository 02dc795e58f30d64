package io.mote.transport.lwm2m.senml;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.eclipse.leshan.core.model.LwM2mModel;
import org.eclipse.leshan.core.model.ObjectLoader;
import org.eclipse.leshan.core.model.ObjectModel;
import org.eclipse.leshan.core.model.ResourceModel;
import org.eclipse.leshan.core.model.ResourceModel.Operations;
import org.eclipse.leshan.core.model.ResourceModel.Type;
import org.eclipse.leshan.core.model.StaticModel;
import org.eclipse.leshan.core.node.LwM2mMultipleResource;
import org.eclipse.leshan.core.node.LwM2mNode;
import org.eclipse.leshan.core.node.LwM2mObject;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.node.LwM2mResourceInstance;
import org.eclipse.leshan.core.node.LwM2mSingleResource;
import org.eclipse.leshan.core.node.TimestampedLwM2mNodes;
import org.eclipse.leshan.core.node.codec.LwM2mDecoder;
import org.eclipse.leshan.core.request.ContentFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SenML JSON and CBOR payloads as RFC 8428 and the LwM2M 1.1 / 1.2 TS allow them, each decoded as the
 * notification of a composite observation of its paths, and compared value by value.
 */
class SenmlCorpusTest {

    /** A test object with a resource of every LwM2M type. */
    static final ObjectModel TYPES = new ObjectModel(33000, "Types", "", "1.0", true, false,
            res(0, Type.INTEGER, false), res(1, Type.FLOAT, false), res(2, Type.UNSIGNED_INTEGER, false),
            res(3, Type.OBJLNK, false), res(4, Type.TIME, false), res(5, Type.OPAQUE, false),
            res(6, Type.BOOLEAN, false), res(7, Type.STRING, false), res(8, Type.INTEGER, true),
            res(9, Type.FLOAT, true));

    static final LwM2mModel MODEL = model();

    private static ResourceModel res(int id, Type type, boolean multiple) {
        return new ResourceModel(id, "r" + id, Operations.RW, multiple, false, type, "", "", "");
    }

    private static LwM2mModel model() {
        List<ObjectModel> models = new ArrayList<>(ObjectLoader.loadDefault());
        models.add(TYPES);
        return new StaticModel(models);
    }

    record Payload(String name, ContentFormat format, byte[] bytes, List<String> paths, Map<String, String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Payload json(String name, String json, List<String> paths, Map<String, String> expected) {
        return new Payload("JSON " + name, ContentFormat.SENML_JSON, json.getBytes(StandardCharsets.UTF_8), paths, expected);
    }

    private static Payload cbor(String name, Cbor c, List<String> paths, Map<String, String> expected) {
        return new Payload("CBOR " + name, ContentFormat.SENML_CBOR, c.bytes(), paths, expected);
    }

    // SenML CBOR labels (RFC 8428 table 6); vlo is the LwM2M text label.
    private static final int BN = -2, BT = -3, N = 0, V = 2, VS = 3, VB = 4, VD = 8, T = 6;

    static Stream<Payload> corpus() {
        List<String> dev = List.of("/3/0/9", "/3/0/0");
        List<String> types = List.of("/33000/0");
        return Stream.of(
                json("full names", "[{\"n\":\"/3/0/9\",\"v\":75},{\"n\":\"/3/0/0\",\"vs\":\"Mote\"}]", dev,
                        Map.of("/3/0/9", "75", "/3/0/0", "Mote")),
                json("base name and relative names", "[{\"bn\":\"/3/0/\",\"n\":\"9\",\"v\":75},{\"n\":\"0\",\"vs\":\"Mote\"}]",
                        dev, Map.of("/3/0/9", "75", "/3/0/0", "Mote")),
                json("base name alone names the resource", "[{\"bn\":\"/3/0/9\",\"v\":75}]", List.of("/3/0/9"),
                        Map.of("/3/0/9", "75")),
                json("base name changed midway", "[{\"bn\":\"/3/0/\",\"n\":\"9\",\"v\":75},{\"bn\":\"/1/0/\",\"n\":\"1\",\"v\":300}]",
                        List.of("/3/0/9", "/1/0/1"), Map.of("/3/0/9", "75", "/1/0/1", "300")),
                json("base time and relative time", "[{\"bn\":\"/3/0/\",\"bt\":1700000000,\"n\":\"9\",\"v\":75,\"t\":5}]",
                        List.of("/3/0/9"), Map.of("/3/0/9", "75")),
                json("base version", "[{\"bver\":10,\"bn\":\"/3/0/\",\"n\":\"9\",\"v\":75}]", List.of("/3/0/9"),
                        Map.of("/3/0/9", "75")),
                json("resource instances", "[{\"bn\":\"/33000/0/8/\",\"n\":\"0\",\"v\":1},{\"n\":\"1\",\"v\":-2}]",
                        List.of("/33000/0/8"), Map.of("/33000/0/8/0", "1", "/33000/0/8/1", "-2")),
                json("every value type", "[{\"bn\":\"/33000/0/\",\"n\":\"0\",\"v\":-5},{\"n\":\"1\",\"v\":21.5},"
                        + "{\"n\":\"2\",\"v\":4000000000},{\"n\":\"3\",\"vlo\":\"3:0\"},{\"n\":\"4\",\"v\":1700000000},"
                        + "{\"n\":\"5\",\"vd\":\"AQID\"},{\"n\":\"6\",\"vb\":true},{\"n\":\"7\",\"vs\":\"text\"}]", types,
                        Map.of("/33000/0/0", "-5", "/33000/0/1", "21.5", "/33000/0/2", "4000000000", "/33000/0/3", "/3/0",
                                "/33000/0/4", "1700000000", "/33000/0/5", "010203", "/33000/0/6", "true",
                                "/33000/0/7", "text")),
                json("integer value for a float resource", "[{\"n\":\"/33000/0/1\",\"v\":22}]", types,
                        Map.of("/33000/0/1", "22.0")),
                json("exponent notation", "[{\"n\":\"/33000/0/1\",\"v\":2.15e1},{\"n\":\"/33000/0/0\",\"v\":1e2}]", types,
                        Map.of("/33000/0/1", "21.5", "/33000/0/0", "100")),
                cbor("integer labels, major type 0",
                        Cbor.array(1).map(3).integer(BN).text("/3/0/").integer(N).text("9").integer(V).integer(75),
                        List.of("/3/0/9"), Map.of("/3/0/9", "75")),
                cbor("major type 1 (negative) and base time",
                        Cbor.array(1).map(4).integer(BN).text("/33000/0/").integer(BT).integer(1700000000L).integer(N)
                                .text("0").integer(V).integer(-500), types, Map.of("/33000/0/0", "-500")),
                cbor("half-precision float", Cbor.array(1).map(2).integer(N).text("/33000/0/1").integer(V).half(1.5f),
                        types, Map.of("/33000/0/1", "1.5")),
                cbor("single-precision float", Cbor.array(1).map(2).integer(N).text("/33000/0/1").integer(V).single(21.25f),
                        types, Map.of("/33000/0/1", "21.25")),
                cbor("double-precision float", Cbor.array(1).map(2).integer(N).text("/33000/0/1").integer(V).dbl(21.1),
                        types, Map.of("/33000/0/1", "21.1")),
                cbor("integer in a float resource", Cbor.array(1).map(2).integer(N).text("/33000/0/1").integer(V).integer(7),
                        types, Map.of("/33000/0/1", "7.0")),
                cbor("integral float in an integer resource", Cbor.array(1).map(2).integer(N).text("/33000/0/0").integer(V)
                        .half(3.0f), types, Map.of("/33000/0/0", "3")),
                cbor("unsigned beyond 32 bits", Cbor.array(1).map(2).integer(N).text("/33000/0/2").integer(V)
                        .integer(5_000_000_000L), types, Map.of("/33000/0/2", "5000000000")),
                cbor("every other value type", Cbor.array(6).map(3).integer(BN).text("/33000/0/").integer(N).text("3")
                                .text("vlo").text("3:0")
                                .map(2).integer(N).text("5").integer(VD).bytes(new byte[] {1, 2, 3})
                                .map(2).integer(N).text("6").integer(VB).bool(false)
                                .map(2).integer(N).text("7").integer(VS).text("text")
                                .map(2).integer(N).text("4").integer(V).integer(1700000000L)
                                .map(3).integer(N).text("9/0").integer(V).single(0.5f).integer(T).integer(-10),
                        types, Map.of("/33000/0/3", "/3/0", "/33000/0/5", "010203", "/33000/0/6", "false",
                                "/33000/0/7", "text", "/33000/0/4", "1700000000", "/33000/0/9/0", "0.5")),
                cbor("resource instances with relative names",
                        Cbor.array(2).map(3).integer(BN).text("/33000/0/8/").integer(N).text("0").integer(V).integer(1)
                                .map(2).integer(N).text("1").integer(V).integer(-1), List.of("/33000/0/8"),
                        Map.of("/33000/0/8/0", "1", "/33000/0/8/1", "-1")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void decodes(Payload p) {
        LwM2mDecoder decoder = SenmlDecoders.decoder();
        List<LwM2mPath> paths = p.paths().stream().map(LwM2mPath::new).toList();
        TimestampedLwM2mNodes nodes = decoder.decodeTimestampedNodes(p.bytes(), p.format(), paths, MODEL);
        Map<String, String> values = new TreeMap<>();
        for (var ts : nodes.getTimestamps()) {
            nodes.getNodesAt(ts).forEach((path, node) -> flatten(path, node, values));
        }
        assertThat(values).isEqualTo(new TreeMap<>(p.expected()));
        Map<String, String> untimed = new TreeMap<>();
        decoder.decodeNodes(p.bytes(), p.format(), paths, MODEL).forEach((path, node) -> flatten(path, node, untimed));
        assertThat(untimed).isEqualTo(new TreeMap<>(p.expected()));
    }

    private static void flatten(LwM2mPath path, LwM2mNode node, Map<String, String> out) {
        if (node == null) {
            return;
        }
        if (node instanceof LwM2mObject o) {
            o.getInstances().forEach((id, i) -> flatten(new LwM2mPath(path.getObjectId(), id), i, out));
        } else if (node instanceof LwM2mObjectInstance i) {
            i.getResources().forEach((id, r) -> flatten(new LwM2mPath(path.getObjectId(), i.getId(), id), r, out));
        } else if (node instanceof LwM2mSingleResource r) {
            out.put(new LwM2mPath(path.getObjectId(), path.getObjectInstanceId(), r.getId()).toString(), text(r.getValue()));
        } else if (node instanceof LwM2mMultipleResource r) {
            r.getInstances().forEach((id, ri) -> out.put(new LwM2mPath(path.getObjectId(), path.getObjectInstanceId(),
                    r.getId(), id).toString(), text(ri.getValue())));
        } else if (node instanceof LwM2mResourceInstance ri) {
            out.put(path.toString(), text(ri.getValue()));
        }
    }

    private static String text(Object v) {
        if (v instanceof byte[] b) {
            return java.util.HexFormat.of().formatHex(b);
        }
        if (v instanceof java.util.Date d) {
            return String.valueOf(d.getTime() / 1000);
        }
        return String.valueOf(v);
    }
}
