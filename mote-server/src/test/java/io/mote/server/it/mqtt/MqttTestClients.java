package io.mote.server.it.mqtt;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import tools.jackson.databind.JsonNode;

import io.mote.common.json.Json;
import io.mote.server.it.TestServer;

/** HiveMQ MQTT clients (3.1.1 and 5) connected to the shared test server. */
final class MqttTestClients {

    private MqttTestClients() {
    }

    static int port() {
        return TestServer.shared().mqttPort();
    }

    static Mqtt5BlockingClient v5(String clientId) {
        return Mqtt5Client.builder().identifier(clientId).serverHost("127.0.0.1").serverPort(port()).buildBlocking();
    }

    static Mqtt3BlockingClient v3(String clientId) {
        return Mqtt3Client.builder().identifier(clientId).serverHost("127.0.0.1").serverPort(port()).buildBlocking();
    }

    /** An MQTT 5 client connected with the access token. */
    static Mqtt5BlockingClient v5Token(String token) {
        Mqtt5BlockingClient c = v5("c-" + UUID.randomUUID());
        c.connectWith().simpleAuth().username(token).applySimpleAuth().keepAlive(30).send();
        return c;
    }

    /** An MQTT 3.1.1 client connected with the access token. */
    static Mqtt3BlockingClient v3Token(String token) {
        Mqtt3BlockingClient c = v3("c-" + UUID.randomUUID());
        c.connectWith().simpleAuth().username(token).applySimpleAuth().keepAlive(30).send();
        return c;
    }

    static void publish(Mqtt5BlockingClient c, String topic, String payload) {
        c.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload.getBytes(StandardCharsets.UTF_8)).send();
    }

    static void publish(Mqtt3BlockingClient c, String topic, String payload) {
        c.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload.getBytes(StandardCharsets.UTF_8)).send();
    }

    static Mqtt5BlockingClient.Mqtt5Publishes publishes(Mqtt5BlockingClient c) {
        return c.publishes(MqttGlobalPublishFilter.ALL);
    }

    static Mqtt3BlockingClient.Mqtt3Publishes publishes(Mqtt3BlockingClient c) {
        return c.publishes(MqttGlobalPublishFilter.ALL);
    }

    static Mqtt5Publish next(Mqtt5BlockingClient.Mqtt5Publishes p) throws InterruptedException {
        Optional<Mqtt5Publish> m = p.receive(20, TimeUnit.SECONDS);
        if (m.isEmpty()) {
            throw new AssertionError("no message within 20 s");
        }
        return m.get();
    }

    static Mqtt3Publish next(Mqtt3BlockingClient.Mqtt3Publishes p) throws InterruptedException {
        Optional<Mqtt3Publish> m = p.receive(20, TimeUnit.SECONDS);
        if (m.isEmpty()) {
            throw new AssertionError("no message within 20 s");
        }
        return m.get();
    }

    static String text(Mqtt5Publish p) {
        return new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    static String text(Mqtt3Publish p) {
        return new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    static JsonNode json(Mqtt5Publish p) {
        return Json.MAPPER.readTree(text(p));
    }

    static JsonNode json(Mqtt3Publish p) {
        return Json.MAPPER.readTree(text(p));
    }

    /** Polls until the condition holds (at most 20 s). */
    static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(25);
        }
    }
}
