package io.mote.server.it.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAck;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.junit.jupiter.api.Test;

import io.mote.server.it.Api;
import io.mote.server.it.TestServer;

/**
 * Persistent sessions: MQTT 3.1.1 {@code cleanSession=false} and MQTT 5 Session Expiry. The first client
 * acknowledges nothing (HiveMQ's manual acknowledgement), disconnects, and a new client with the same
 * client id gets the unacknowledged messages again, in order, and keeps its subscriptions without
 * subscribing again; a clean session gets neither.
 */
class MqttPersistentSessionTest {

    private static final String RPC = "v1/devices/me/rpc/request/+";
    private static final String ATTRIBUTES = "v1/devices/me/attributes";

    private final Api anon = TestServer.shared().api();

    /** A message as the device saw it. */
    private record Got(String topic, String body) {
    }

    @Test
    void mqtt311UnacknowledgedRpcAndAttributeUpdateComeAgainAfterReconnect() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("persist3");
        String clientId = "p3-" + UUID.randomUUID();

        LinkedBlockingQueue<Got> first = new LinkedBlockingQueue<>();
        Mqtt3AsyncClient c1 = v3(clientId);
        // Manual acknowledgement, never given: every QoS 1 message stays unacknowledged.
        c1.publishes(MqttGlobalPublishFilter.ALL, p -> first.add(got(p)), true);
        assertThat(connect3(c1, d.token(), false).isSessionPresent()).isFalse();
        c1.subscribeWith().topicFilter(RPC).qos(MqttQos.AT_LEAST_ONCE).send().get(20, TimeUnit.SECONDS);
        c1.subscribeWith().topicFilter(ATTRIBUTES).qos(MqttQos.AT_LEAST_ONCE).send().get(20, TimeUnit.SECONDS);

        CompletableFuture<Api.Res> call = twoWayRpc(d, "getValue");
        Got rpc = next(first);
        assertThat(rpc.topic()).startsWith("v1/devices/me/rpc/request/");
        assertThat(rpc.body()).isEqualTo("{\"method\":\"getValue\",\"params\":{\"n\":1}}");
        d.tenant().post("/api/plugins/telemetry/DEVICE/" + d.id() + "/attributes/SHARED_SCOPE", "{\"target\":7}").ok();
        Got attr = next(first);
        assertThat(attr.topic()).isEqualTo(ATTRIBUTES);
        c1.disconnect().get(20, TimeUnit.SECONDS);

        LinkedBlockingQueue<Got> second = new LinkedBlockingQueue<>();
        Mqtt3AsyncClient c2 = v3(clientId);
        c2.publishes(MqttGlobalPublishFilter.ALL, p -> second.add(got(p)));
        assertThat(connect3(c2, d.token(), false).isSessionPresent()).isTrue();
        // Sent again, in the order first sent, without subscribing again.
        assertThat(next(second)).isEqualTo(rpc);
        assertThat(next(second)).isEqualTo(attr);
        String id = rpc.topic().substring(rpc.topic().lastIndexOf('/') + 1);
        c2.publishWith().topic("v1/devices/me/rpc/response/" + id).qos(MqttQos.AT_LEAST_ONCE)
                .payload("{\"value\":42}".getBytes(StandardCharsets.UTF_8)).send().get(20, TimeUnit.SECONDS);
        Api.Res answer = call.get(30, TimeUnit.SECONDS);
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.json().get("value").asInt()).isEqualTo(42);

        // The subscriptions survived: a new RPC and update reach the resumed session.
        CompletableFuture<Api.Res> again = twoWayRpc(d, "again");
        Got rpc2 = next(second);
        assertThat(rpc2.body()).contains("\"again\"");
        c2.publishWith().topic("v1/devices/me/rpc/response/" + rpc2.topic().substring(rpc2.topic().lastIndexOf('/') + 1))
                .qos(MqttQos.AT_LEAST_ONCE).payload("{}".getBytes()).send().get(20, TimeUnit.SECONDS);
        assertThat(again.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
        c2.disconnect().get(20, TimeUnit.SECONDS);

        // Acknowledged messages are not sent again.
        LinkedBlockingQueue<Got> third = new LinkedBlockingQueue<>();
        Mqtt3AsyncClient c3 = v3(clientId);
        c3.publishes(MqttGlobalPublishFilter.ALL, p -> third.add(got(p)));
        assertThat(connect3(c3, d.token(), false).isSessionPresent()).isTrue();
        assertThat(third.poll(2, TimeUnit.SECONDS)).isNull();
        c3.disconnect().get(20, TimeUnit.SECONDS);
    }

    @Test
    void mqtt311CleanSessionKeepsNothing() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("clean3");
        String clientId = "c3-" + UUID.randomUUID();
        LinkedBlockingQueue<Got> first = new LinkedBlockingQueue<>();
        Mqtt3AsyncClient c1 = v3(clientId);
        c1.publishes(MqttGlobalPublishFilter.ALL, p -> first.add(got(p)), true);
        connect3(c1, d.token(), false);
        c1.subscribeWith().topicFilter(ATTRIBUTES).qos(MqttQos.AT_LEAST_ONCE).send().get(20, TimeUnit.SECONDS);
        d.tenant().post("/api/plugins/telemetry/DEVICE/" + d.id() + "/attributes/SHARED_SCOPE", "{\"target\":1}").ok();
        next(first);
        c1.disconnect().get(20, TimeUnit.SECONDS);

        LinkedBlockingQueue<Got> second = new LinkedBlockingQueue<>();
        Mqtt3AsyncClient c2 = v3(clientId);
        c2.publishes(MqttGlobalPublishFilter.ALL, p -> second.add(got(p)));
        assertThat(connect3(c2, d.token(), true).isSessionPresent()).isFalse();
        d.tenant().post("/api/plugins/telemetry/DEVICE/" + d.id() + "/attributes/SHARED_SCOPE", "{\"target\":2}").ok();
        assertThat(second.poll(2, TimeUnit.SECONDS)).as("neither re-sent nor subscribed").isNull();
        c2.disconnect().get(20, TimeUnit.SECONDS);
    }

    @Test
    void mqtt5SessionExpiryKeepsTheSessionAndCleanStartDropsIt() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("persist5");
        String clientId = "p5-" + UUID.randomUUID();
        LinkedBlockingQueue<Got> first = new LinkedBlockingQueue<>();
        Mqtt5AsyncClient c1 = v5(clientId);
        c1.publishes(MqttGlobalPublishFilter.ALL, p -> first.add(got(p)), true);
        assertThat(connect5(c1, d.token(), false, 600).isSessionPresent()).isFalse();
        c1.subscribeWith().topicFilter(RPC).qos(MqttQos.AT_LEAST_ONCE).send().get(20, TimeUnit.SECONDS);
        CompletableFuture<Api.Res> call = twoWayRpc(d, "five");
        Got rpc = next(first);
        c1.disconnect().get(20, TimeUnit.SECONDS);

        LinkedBlockingQueue<Got> second = new LinkedBlockingQueue<>();
        Mqtt5AsyncClient c2 = v5(clientId);
        c2.publishes(MqttGlobalPublishFilter.ALL, p -> second.add(got(p)));
        assertThat(connect5(c2, d.token(), false, 600).isSessionPresent()).isTrue();
        assertThat(next(second)).isEqualTo(rpc);
        c2.publishWith().topic("v1/devices/me/rpc/response/" + rpc.topic().substring(rpc.topic().lastIndexOf('/') + 1))
                .qos(MqttQos.AT_LEAST_ONCE).payload("{\"ok\":true}".getBytes()).send().get(20, TimeUnit.SECONDS);
        assertThat(call.get(30, TimeUnit.SECONDS).json().get("ok").asBoolean()).isTrue();
        c2.disconnect().get(20, TimeUnit.SECONDS);

        // Clean Start: the kept session is discarded.
        Mqtt5AsyncClient c3 = v5(clientId);
        assertThat(connect5(c3, d.token(), true, 0).isSessionPresent()).isFalse();
        c3.disconnect().get(20, TimeUnit.SECONDS);
        // ... and with no expiry asked, nothing was kept either.
        Mqtt5AsyncClient c4 = v5(clientId);
        assertThat(connect5(c4, d.token(), false, 0).isSessionPresent()).isFalse();
        c4.disconnect().get(20, TimeUnit.SECONDS);
    }

    @Test
    void anotherDeviceUnderTheSameClientIdDoesNotGetTheSession() throws Exception {
        Api.TestDevice a = anon.newTenantWithDevice("owner");
        Api.TestDevice b = anon.newTenantWithDevice("intruder");
        String clientId = "shared-" + UUID.randomUUID();
        Mqtt3AsyncClient c1 = v3(clientId);
        connect3(c1, a.token(), false);
        c1.subscribeWith().topicFilter(RPC).qos(MqttQos.AT_LEAST_ONCE).send().get(20, TimeUnit.SECONDS);
        c1.disconnect().get(20, TimeUnit.SECONDS);
        Mqtt3AsyncClient c2 = v3(clientId);
        assertThat(connect3(c2, b.token(), false).isSessionPresent()).isFalse();
        c2.disconnect().get(20, TimeUnit.SECONDS);
    }

    private static CompletableFuture<Api.Res> twoWayRpc(Api.TestDevice d, String method) {
        return CompletableFuture.supplyAsync(() -> d.tenant().post("/api/rpc/twoway/" + d.id(),
                "{\"method\":\"" + method + "\",\"params\":{\"n\":1},\"timeout\":60000}"));
    }

    private static Mqtt3AsyncClient v3(String clientId) {
        return Mqtt3Client.builder().identifier(clientId).serverHost("127.0.0.1").serverPort(MqttTestClients.port())
                .buildAsync();
    }

    private static Mqtt5AsyncClient v5(String clientId) {
        return Mqtt5Client.builder().identifier(clientId).serverHost("127.0.0.1").serverPort(MqttTestClients.port())
                .buildAsync();
    }

    private static Mqtt3ConnAck connect3(Mqtt3AsyncClient c, String token, boolean clean) throws Exception {
        return c.connectWith().cleanSession(clean).simpleAuth().username(token).applySimpleAuth().send()
                .get(20, TimeUnit.SECONDS);
    }

    private static Mqtt5ConnAck connect5(Mqtt5AsyncClient c, String token, boolean cleanStart, long expirySeconds)
            throws Exception {
        return c.connectWith().cleanStart(cleanStart).sessionExpiryInterval(expirySeconds).simpleAuth().username(token)
                .applySimpleAuth().send().get(20, TimeUnit.SECONDS);
    }

    private static Got got(Mqtt3Publish p) {
        return new Got(p.getTopic().toString(), new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8));
    }

    private static Got got(Mqtt5Publish p) {
        return new Got(p.getTopic().toString(), new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8));
    }

    private static Got next(LinkedBlockingQueue<Got> q) throws InterruptedException {
        Got g = q.poll(20, TimeUnit.SECONDS);
        assertThat(g).as("a message within 20 s").isNotNull();
        return g;
    }
}
