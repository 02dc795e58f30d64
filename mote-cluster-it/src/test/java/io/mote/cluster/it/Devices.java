package io.mote.cluster.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;

import tools.jackson.databind.JsonNode;

import io.mote.server.it.Api;

/** Devices and reads for the cluster tests: MQTT 5 clients on a transport node, REST reads on a core. */
final class Devices {

    private Devices() {
    }

    /** A device of the tenant: its access token and id. */
    record Device(String token, String id) {
    }

    static Device create(Api tenant, String prefix) {
        String token = prefix + "-" + UUID.randomUUID();
        return new Device(token, Api.id(tenant.createDevice(prefix + "-" + UUID.randomUUID(), token)));
    }

    /** An MQTT 5 client of the device, connected to the transport node's plain MQTT port. */
    static Mqtt5AsyncClient mqtt(MoteNode transport, Device device) {
        Mqtt5AsyncClient client = Mqtt5Client.builder().identifier("c-" + UUID.randomUUID())
                .serverHost("127.0.0.1").serverPort(transport.mqttPort()).buildAsync();
        client.connectWith().cleanStart(true).simpleAuth().username(device.token()).applySimpleAuth().send()
                .orTimeout(20, TimeUnit.SECONDS).join();
        return client;
    }

    /** Publishes at QoS 1 and tells whether the server acknowledged it (a PUBACK without an error reason). */
    static CompletableFuture<Boolean> publish(Mqtt5AsyncClient client, String topic, String payload) {
        return client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
                .payload(payload.getBytes(StandardCharsets.UTF_8)).send()
                .thenApply(Devices::acknowledged).exceptionally(err -> false);
    }

    static boolean acknowledged(Mqtt5PublishResult result) {
        if (result.getError().isPresent()) {
            return false;
        }
        return result instanceof Mqtt5PublishResult.Mqtt5Qos1Result q1 && !q1.getPubAck().getReasonCode().isError();
    }

    /** One point, acknowledged within the call or the test fails. */
    static void publishAcked(Mqtt5AsyncClient client, long ts, String key, Object value) {
        boolean acked = publish(client, "v1/devices/me/telemetry", point(ts, key, value)).orTimeout(30, TimeUnit.SECONDS)
                .join();
        assertThat(acked).as("PUBACK of point " + ts).isTrue();
    }

    static String point(long ts, String key, Object value) {
        return "{\"ts\":" + ts + ",\"values\":{\"" + key + "\":" + value + "}}";
    }

    /** Subscribes to the device's RPC requests and answers each with {@code {"echo": <params>}}. */
    static void answerRpc(Mqtt5AsyncClient client) {
        client.subscribeWith().topicFilter("v1/devices/me/rpc/request/+").qos(MqttQos.AT_LEAST_ONCE)
                .callback(p -> {
                    String id = p.getTopic().toString().substring("v1/devices/me/rpc/request/".length());
                    JsonNode req = io.mote.common.json.Json.MAPPER.readTree(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8));
                    client.publishWith().topic("v1/devices/me/rpc/response/" + id).qos(MqttQos.AT_LEAST_ONCE)
                            .payload(("{\"echo\":" + req.path("params") + "}").getBytes(StandardCharsets.UTF_8)).send();
                }).send().orTimeout(20, TimeUnit.SECONDS).join();
    }

    /** Subscribes to shared attribute updates, handing each to the consumer. */
    static void onAttributes(Mqtt5AsyncClient client, Consumer<Mqtt5Publish> updates) {
        client.subscribeWith().topicFilter("v1/devices/me/attributes").qos(MqttQos.AT_LEAST_ONCE).callback(updates)
                .send().orTimeout(20, TimeUnit.SECONDS).join();
    }

    /**
     * A two-way RPC over REST: sends it until the device's answer comes back (a session opened on a transport node
     * is known to the core shortly after the device's CONNACK/SUBACK, not before), at most 20 times.
     */
    static Api.Res rpcUntilAnswered(Api tenant, String deviceId, String body) throws InterruptedException {
        Api.Res last = null;
        for (int i = 0; i < 20; i++) {
            last = tenant.post("/api/rpc/twoway/" + deviceId, body);
            if (last.status() == 200) {
                return last;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no RPC answer from " + deviceId + ": " + last);
    }

    /** The timestamps of every stored point of the key, read on the given core. */
    static Set<Long> storedTs(Api tenant, String deviceId, String key) {
        JsonNode t = tenant.get("/api/plugins/telemetry/DEVICE/" + deviceId + "/values/timeseries?keys=" + key
                + "&startTs=0&endTs=" + (System.currentTimeMillis() + 86_400_000L) + "&limit=100000").ok();
        Set<Long> ts = new HashSet<>();
        t.path(key).forEach(p -> ts.add(p.get("ts").asLong()));
        return ts;
    }

    /** The latest value of a key as text, read on the given core ("" if none). */
    static String latest(Api tenant, String deviceId, String key) {
        return tenant.get("/api/plugins/telemetry/DEVICE/" + deviceId + "/values/timeseries?keys=" + key).ok()
                .path(key).path(0).path("value").asString("");
    }

    /**
     * Sets a shared attribute over REST until {@code received} reports the device got it (a subscription made
     * on a transport node reaches the core shortly after the SUBACK), at most 20 times 1 s.
     */
    static void setSharedUntil(Api tenant, String deviceId, String key, Supplier<String> received)
            throws InterruptedException {
        for (int i = 0; i < 20; i++) {
            String value = "v" + i;
            tenant.post("/api/plugins/telemetry/DEVICE/" + deviceId + "/attributes/SHARED_SCOPE", "{\"" + key + "\":\"" + value + "\"}")
                    .ok();
            for (int w = 0; w < 10; w++) {
                String got = received.get();
                if (got != null && got.contains("\"" + value + "\"")) {
                    return;
                }
                Thread.sleep(100);
            }
        }
        throw new AssertionError("shared attribute " + key + " never reached device " + deviceId + "; last: " + received.get());
    }
}
