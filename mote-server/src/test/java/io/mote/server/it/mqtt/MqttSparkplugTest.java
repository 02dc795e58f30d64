package io.mote.server.it.mqtt;

import static io.mote.server.it.mqtt.MqttTestClients.await;
import static io.mote.server.it.mqtt.MqttTestClients.next;
import static io.mote.server.it.mqtt.MqttTestClients.publishes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3SubAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;
import io.mote.server.it.Api;
import io.mote.server.it.TestServer;
import io.mote.transport.mqtt.sparkplug.proto.SparkplugB.DataType;
import io.mote.transport.mqtt.sparkplug.proto.SparkplugB.Payload;
import io.mote.transport.mqtt.sparkplug.proto.SparkplugB.Payload.Metric;

/**
 * Sparkplug B: an edge node (a HiveMQ 3.1.1 client publishing real Sparkplug B protobuf payloads) births,
 * reports data by alias, gets its devices created, receives shared attributes and RPC as NCMD / DCMD, and
 * its devices' and its own deaths turn them inactive.
 */
class MqttSparkplugTest {

    private static final String GROUP = "Plant1";
    private static final String EDGE = "Edge1";
    private static final String NS = "spBv1.0/" + GROUP + "/";

    private final Api tenant = TestServer.shared().api().newTenant();

    /** A device of a Sparkplug profile; returns {token, id, profile name}. */
    private String[] sparkplugNode() {
        String profileName = "sparkplug-" + UUID.randomUUID().toString().substring(0, 8);
        ObjectNode p = Json.object().put("name", profileName).put("type", "DEFAULT").put("transportType", "MQTT");
        ObjectNode tc = ((ObjectNode) p.putObject("profileData")).putObject("transportConfiguration");
        tc.put("type", "MQTT").put("sparkplug", true);
        tc.putArray("sparkplugAttributesMetricNames").add("Properties/*").add("firmware");
        JsonNode profile = tenant.post("/api/deviceProfile", p).ok();
        String token = "spb-" + UUID.randomUUID();
        ObjectNode d = Json.object().put("name", "edge-" + UUID.randomUUID());
        d.set("deviceProfileId", profile.get("id"));
        JsonNode device = tenant.post("/api/device?accessToken=" + token, d).ok();
        return new String[] {token, Api.id(device), profileName};
    }

    private static Metric.Builder metric(String name, long alias, DataType type) {
        Metric.Builder m = Metric.newBuilder().setAlias(alias).setDatatype(type.getNumber());
        return name == null ? m : m.setName(name);
    }

    private static Payload bdSeq(long seq) {
        return Payload.newBuilder().setTimestamp(System.currentTimeMillis())
                .addMetrics(Metric.newBuilder().setName("bdSeq").setDatatype(DataType.UInt64.getNumber()).setLongValue(seq))
                .build();
    }

    private static Mqtt3BlockingClient connect(String token, String willTopic, Payload will) {
        Mqtt3BlockingClient c = MqttTestClients.v3("spb-" + UUID.randomUUID());
        var connect = c.connectWith().simpleAuth().username(token).applySimpleAuth().cleanSession(true).keepAlive(30);
        if (willTopic != null) {
            connect = connect.willPublish().topic(willTopic).payload(will.toByteArray()).qos(MqttQos.AT_LEAST_ONCE)
                    .applyWillPublish();
        }
        connect.send();
        return c;
    }

    private static void publish(Mqtt3BlockingClient c, String topic, Payload payload) {
        c.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload.toByteArray()).send();
    }

    private JsonNode latest(String id, String... keys) {
        String q = String.join(",", keys);
        return tenant.get("/api/plugins/telemetry/DEVICE/" + id + "/values/timeseries?keys="
                + URLEncoder.encode(q, StandardCharsets.UTF_8).replace("+", "%20")).ok();
    }

    private static String value(JsonNode latest, String key) {
        JsonNode v = latest.get(key);
        return v == null ? null : v.get(0).get("value").asString();
    }

    private boolean active(String id) {
        JsonNode attrs = tenant.get("/api/plugins/telemetry/DEVICE/" + id + "/values/attributes/SERVER_SCOPE").ok();
        for (JsonNode a : attrs) {
            if (a.get("key").asString().equals("active")) {
                return a.get("value").asBoolean();
            }
        }
        return false;
    }

    private String deviceId(String name) {
        return Api.id(tenant.get("/api/tenant/devices?deviceName=" + URLEncoder.encode(name, StandardCharsets.UTF_8)).ok());
    }

    @Test
    void nodeAndDevicesBirthDataCommandsAndDeath() throws Exception {
        String[] node = sparkplugNode();
        String nodeId = node[1];
        Mqtt3BlockingClient c = connect(node[0], NS + "NDEATH/" + EDGE, bdSeq(3));
        var in = publishes(c);
        c.subscribeWith().topicFilter(NS + "NCMD/" + EDGE + "/#").qos(MqttQos.AT_LEAST_ONCE).send();
        c.subscribeWith().topicFilter(NS + "DCMD/" + EDGE + "/#").qos(MqttQos.AT_LEAST_ONCE).send();

        // NBIRTH: names, aliases and types; a Properties/ metric is an attribute.
        long birthTs = 1_700_000_000_000L;
        publish(c, NS + "NBIRTH/" + EDGE, Payload.newBuilder().setTimestamp(birthTs).setSeq(0)
                .addMetrics(Metric.newBuilder().setName("bdSeq").setDatatype(DataType.UInt64.getNumber()).setLongValue(3))
                .addMetrics(metric("Node Control/Rebirth", 1, DataType.Boolean).setBooleanValue(false))
                .addMetrics(metric("temperature", 2, DataType.Double).setDoubleValue(21.5))
                .addMetrics(metric("Properties/hw", 3, DataType.String).setStringValue("rev2"))
                .addMetrics(metric("counter", 4, DataType.UInt32).setIntValue(-1))
                .build());
        JsonNode t = latest(nodeId, "temperature", "counter", "sparkplugConnectionState", "NBIRTH bdSeq", "NDEATH bdSeq");
        assertThat(value(t, "temperature")).isEqualTo("21.5");
        assertThat(t.get("temperature").get(0).get("ts").asLong()).isEqualTo(birthTs);
        assertThat(value(t, "counter")).isEqualTo("4294967295");
        assertThat(value(t, "sparkplugConnectionState")).isEqualTo("ONLINE");
        assertThat(value(t, "NBIRTH bdSeq")).isEqualTo("3");
        assertThat(value(t, "NDEATH bdSeq")).isEqualTo("3");
        JsonNode client = tenant.get("/api/plugins/telemetry/DEVICE/" + nodeId + "/values/attributes/CLIENT_SCOPE").ok();
        assertThat(client.toString()).contains("Properties/hw").contains("rev2");
        assertThat(t.has("Properties/hw")).isFalse();

        // NDATA by alias only, with a metric timestamp.
        publish(c, NS + "NDATA/" + EDGE, Payload.newBuilder().setTimestamp(birthTs + 5).setSeq(1)
                .addMetrics(metric(null, 2, DataType.Double).setTimestamp(birthTs + 1000).setDoubleValue(22.75)).build());
        t = latest(nodeId, "temperature");
        assertThat(value(t, "temperature")).isEqualTo("22.75");
        assertThat(t.get("temperature").get(0).get("ts").asLong()).isEqualTo(birthTs + 1000);

        // DBIRTH creates the device (type: the node's + " device"); DDATA uses its aliases.
        String pump = "Pump-" + UUID.randomUUID().toString().substring(0, 6);
        publish(c, NS + "DBIRTH/" + EDGE + "/" + pump, Payload.newBuilder().setTimestamp(birthTs).setSeq(2)
                .addMetrics(metric("speed", 10, DataType.Int32).setIntValue(-5))
                .addMetrics(metric("setpoint", 11, DataType.Float).setFloatValue(1.5f))
                .addMetrics(metric("levels", 12, DataType.Int16Array)
                        .setBytesValue(com.google.protobuf.ByteString.copyFrom(new byte[] {1, 0, (byte) 0xFF, (byte) 0xFF})))
                .build());
        JsonNode dev = tenant.get("/api/tenant/devices?deviceName=" + URLEncoder.encode(pump, StandardCharsets.UTF_8)).ok();
        assertThat(dev.get("type").asString()).isEqualTo(node[2] + " device");
        String pumpId = Api.id(dev);
        t = latest(pumpId, "speed", "setpoint", "levels", "sparkplugConnectionState", "DBIRTH seq");
        assertThat(value(t, "speed")).isEqualTo("-5");
        assertThat(value(t, "setpoint")).isEqualTo("1.5");
        assertThat(Json.parse(value(t, "levels")).toString()).isEqualTo("[1,-1]");
        assertThat(value(t, "sparkplugConnectionState")).isEqualTo("ONLINE");
        assertThat(value(t, "DBIRTH seq")).isEqualTo("2");
        publish(c, NS + "DDATA/" + EDGE + "/" + pump, Payload.newBuilder().setTimestamp(birthTs + 2000).setSeq(3)
                .addMetrics(metric(null, 10, DataType.Int32).setIntValue(7)).build());
        assertThat(value(latest(pumpId, "speed"), "speed")).isEqualTo("7");

        // A shared attribute named like a DBIRTH metric goes out as DCMD, by alias and in the BIRTH's type.
        tenant.post("/api/plugins/telemetry/DEVICE/" + pumpId + "/attributes/SHARED_SCOPE", "{\"setpoint\":3.25}").ok();
        Mqtt3Publish m = next(in);
        assertThat(m.getTopic().toString()).isEqualTo(NS + "DCMD/" + EDGE + "/" + pump);
        Metric cmd = Payload.parseFrom(m.getPayloadAsBytes()).getMetrics(0);
        assertThat(cmd.getAlias()).isEqualTo(11);
        assertThat(cmd.hasName()).isFalse();
        assertThat(cmd.getDatatype()).isEqualTo(DataType.Float.getNumber());
        assertThat(cmd.getFloatValue()).isEqualTo(3.25f);

        // ... and one of the node's BIRTH as NCMD.
        tenant.post("/api/plugins/telemetry/DEVICE/" + nodeId + "/attributes/SHARED_SCOPE",
                "{\"Node Control/Rebirth\":true,\"notAMetric\":1}").ok();
        m = next(in);
        assertThat(m.getTopic().toString()).isEqualTo(NS + "NCMD/" + EDGE);
        Payload ncmd = Payload.parseFrom(m.getPayloadAsBytes());
        assertThat(ncmd.getMetricsCount()).isEqualTo(1);
        assertThat(ncmd.getMetrics(0).getAlias()).isEqualTo(1);
        assertThat(ncmd.getMetrics(0).getBooleanValue()).isTrue();

        // RPC to a device: method DCMD, params {metricName, value}.
        CompletableFuture<Api.Res> call = CompletableFuture.supplyAsync(() -> tenant.post("/api/rpc/twoway/" + pumpId,
                "{\"method\":\"DCMD\",\"params\":{\"metricName\":\"speed\",\"value\":42}}"));
        m = next(in);
        assertThat(m.getTopic().toString()).isEqualTo(NS + "DCMD/" + EDGE + "/" + pump);
        cmd = Payload.parseFrom(m.getPayloadAsBytes()).getMetrics(0);
        assertThat(cmd.getAlias()).isEqualTo(10);
        assertThat(cmd.getIntValue()).isEqualTo(42);
        Api.Res answer = call.get(20, TimeUnit.SECONDS);
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.json().get("result").asString()).isEqualTo("Success");
        // A metric the device has no BIRTH of is refused in the answer, nothing is sent.
        answer = tenant.post("/api/rpc/twoway/" + pumpId, "{\"method\":\"DCMD\",\"params\":{\"metricName\":\"nope\",\"value\":1}}");
        assertThat(answer.text()).contains("does not have a metricName: [nope]");

        // DDEATH: the device is OFFLINE and inactive at once.
        publish(c, NS + "DDEATH/" + EDGE + "/" + pump, Payload.newBuilder().setTimestamp(System.currentTimeMillis()).setSeq(4).build());
        await("the device inactive", () -> !active(pumpId));
        assertThat(value(latest(pumpId, "sparkplugConnectionState"), "sparkplugConnectionState")).isEqualTo("OFFLINE");
        assertThat(active(nodeId)).isTrue();

        // An NDEATH of another bdSeq is refused (a 3.1.1 connection closes); losing the node's connection
        // turns it OFFLINE and inactive.
        assertThatThrownBy(() -> publish(c, NS + "NDEATH/" + EDGE, bdSeq(9))).isInstanceOf(RuntimeException.class);
        await("the refused NDEATH's disconnect", () -> !c.getState().isConnected());
        await("the node inactive once its connection is gone", () -> !active(nodeId));

        // The node's own NDEATH closes the connection and turns it inactive.
        Mqtt3BlockingClient again = connect(node[0], NS + "NDEATH/" + EDGE, bdSeq(4));
        await("the node active again", () -> active(nodeId));
        publish(again, NS + "NDEATH/" + EDGE, bdSeq(4));
        await("the NDEATH's disconnect", () -> !again.getState().isConnected());
        await("the node inactive", () -> !active(nodeId));
        assertThat(value(latest(nodeId, "sparkplugConnectionState"), "sparkplugConnectionState")).isEqualTo("OFFLINE");
    }

    @Test
    void aNodeWithoutAnNdeathWillIsRefusedAndForeignTopicsToo() throws Exception {
        String[] node = sparkplugNode();
        assertThatThrownBy(() -> connect(node[0], null, null))
                .isInstanceOfSatisfying(Mqtt3ConnAckException.class, e -> assertThat(e.getMqttMessage().getReturnCode())
                        .isEqualTo(Mqtt3ConnAckReturnCode.SERVER_UNAVAILABLE));
        assertThatThrownBy(() -> connect(node[0], NS + "NBIRTH/" + EDGE, bdSeq(0)))
                .isInstanceOf(Mqtt3ConnAckException.class);

        Mqtt3BlockingClient c = connect(node[0], NS + "NDEATH/" + EDGE, bdSeq(0));
        // Another node's command topics are not granted.
        assertThatThrownBy(() -> c.subscribeWith().topicFilter("spBv1.0/Other/NCMD/" + EDGE).qos(MqttQos.AT_LEAST_ONCE)
                .send()).isInstanceOf(Mqtt3SubAckException.class);
        // Data of another edge node closes the 3.1.1 connection.
        assertThatThrownBy(() -> publish(c, "spBv1.0/Other/NDATA/" + EDGE, bdSeq(0))).isInstanceOf(RuntimeException.class);
        await("the disconnect", () -> !c.getState().isConnected());
        assertThat(tenant.get("/api/tenant/devices?pageSize=10&page=0").ok().get("data").size()).isEqualTo(1);
    }
}
