package io.mote.bench;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.elements.config.Configuration;

import io.mote.fuzz.CoapFuzzer;
import io.mote.fuzz.FuzzReport;
import io.mote.fuzz.HttpFuzzer;
import io.mote.fuzz.Lwm2mFuzzer;
import io.mote.fuzz.MqttFuzzer;
import io.mote.fuzz.RestFuzzer;

/**
 * Mutated and garbage input, {@code --inputs} per protocol (HTTP device API, MQTT 3.1.1 and 5, CoAP,
 * LwM2M registration, operator REST API), from {@code --seed}, over {@code --parallel} connections at once
 * (each with its own sub-seed), in chunks of {@code --chunk} (each from a seed of its own) until the inputs are
 * sent or {@code --max-minutes} have passed; then a valid request on every protocol. Prints inputs per
 * second, answers by class and the server errors (which should be none) of each.
 */
final class FuzzLoad {

    private FuzzLoad() {
    }

    static void run(BenchArgs args) throws Exception {
        String url = args.string("url", "http://127.0.0.1:8080");
        String host = args.string("host", "127.0.0.1");
        int inputs = args.integer("inputs", 100_000);
        long seed = Long.parseLong(args.string("seed", "12"));
        List<String> protocols = List.of(args.string("protocols", "http,mqtt,coap,lwm2m,rest").split(","));
        int parallel = args.integer("parallel", 8);
        String username = args.string("username", "tenant@mote.local");
        String password = args.string("password", "");
        MoteAdmin admin = new MoteAdmin(url);
        admin.login(username, password);
        admin.ensureDevice("bench-fuzz", "bench-fuzz-token");
        admin.ensureGateway("bench-fuzz-gw", "bench-fuzz-gw-token");
        String endpoint = "bench-fuzz-ep";
        admin.ensureLwm2mDevice("bench-fuzz-lwm2m", endpoint, admin.ensureProfile("bench-fuzz-lwm2m", Lwm2mLoad.profile()));
        int httpPort = java.net.URI.create(url).getPort();
        int mqttPort = args.integer("mqtt-port", 1883);
        int coapPort = args.integer("coap-port", 5683);
        int lwm2mPort = args.integer("lwm2m-port", 5685);

        // Bounded in time: the inputs go in chunks (chunk c from its own seed), and no chunk starts after the
        // protocol's --max-minutes.
        int chunk = args.integer("chunk", 10_000);
        long budgetMs = args.integer("max-minutes", 10) * 60_000L;
        List<FuzzReport> reports = new ArrayList<>();
        for (String p : protocols) {
            FuzzReport total = null;
            long start = System.nanoTime();
            for (int c = 0, done = 0; done < inputs && (System.nanoTime() - start) / 1_000_000 < budgetMs; c++) {
                int n = Math.min(chunk, inputs - done);
                long s = c == 0 ? seed : seed * 7919 + c;
                FuzzReport r = switch (p.trim()) {
                    case "http" -> new HttpFuzzer(new InetSocketAddress(host, httpPort), "bench-fuzz-token").run(s, n, parallel);
                    case "mqtt" -> new MqttFuzzer(new InetSocketAddress(host, mqttPort), "bench-fuzz-token",
                            "bench-fuzz-gw-token").run(s, n, parallel);
                    case "coap" -> new CoapFuzzer(new InetSocketAddress(host, coapPort), "bench-fuzz-token").run(s, n, parallel);
                    case "lwm2m" -> new Lwm2mFuzzer(new InetSocketAddress(host, lwm2mPort), endpoint).run(s, n, parallel);
                    case "rest" -> new RestFuzzer(new InetSocketAddress(host, httpPort), username, password).run(s, n, parallel);
                    default -> throw new IllegalArgumentException("unknown protocol " + p);
                };
                done += n;
                if (total == null) {
                    total = r;
                } else {
                    total.add(r);
                }
                System.out.printf("  %s: %,d of %,d inputs, %,d s%n", p.trim(), done, inputs, (System.nanoTime() - start) / 1_000_000_000);
            }
            System.out.println(total.summary());
            reports.add(total);
        }

        // Health check: a valid request on every protocol fuzzed.
        List<String> health = new ArrayList<>();
        for (String p : protocols) {
            health.add(p.trim() + " " + (healthy(p.trim(), url, host, mqttPort, coapPort, lwm2mPort, username, password)
                    ? "ok" : "FAILED"));
        }
        System.out.println("health after fuzzing: " + String.join(", ", health));
        long errors = reports.stream().mapToLong(FuzzReport::serverErrors).sum();
        System.out.println("server errors in total: " + errors);
        if (errors > 0 || health.stream().anyMatch(h -> h.endsWith("FAILED"))) {
            System.exit(1);
        }
    }

    private static boolean healthy(String protocol, String url, String host, int mqttPort, int coapPort, int lwm2mPort,
                                   String username, String password) {
        try {
            return switch (protocol) {
                case "rest" -> {
                    MoteAdmin a = new MoteAdmin(url);
                    a.login(username, password);
                    a.ensureDevice("bench-fuzz", "bench-fuzz-token");
                    yield true;
                }
                case "http" -> java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create(url + "/api/v1/bench-fuzz-token/telemetry"))
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"health\":1}")).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                case "mqtt" -> {
                    Mqtt5BlockingClient c = Mqtt5Client.builder().serverHost(host).serverPort(mqttPort)
                            .identifier("bench-fuzz-health").simpleAuth().username("bench-fuzz-token").applySimpleAuth()
                            .buildBlocking();
                    c.connect();
                    c.publishWith().topic("v1/devices/me/telemetry").qos(MqttQos.AT_LEAST_ONCE)
                            .payload("{\"health\":1}".getBytes(StandardCharsets.UTF_8)).send();
                    c.disconnect();
                    yield true;
                }
                case "coap" -> {
                    CoapResponse r = coap("coap://" + host + ":" + coapPort + "/api/v1/bench-fuzz-token/telemetry")
                            .post("{\"health\":1}", MediaTypeRegistry.APPLICATION_JSON);
                    yield r != null && r.getCode() == ResponseCode.CREATED;
                }
                case "lwm2m" -> {
                    CoapResponse r = coap("coap://" + host + ":" + lwm2mPort + "/rd?ep=bench-fuzz-ep&lt=60&lwm2m=1.1&b=U")
                            .post("</1/0>,</3/0>", MediaTypeRegistry.APPLICATION_LINK_FORMAT);
                    yield r != null && r.getCode() == ResponseCode.CREATED;
                }
                default -> false;
            };
        } catch (Exception e) {
            System.out.println(protocol + " health check failed: " + e);
            return false;
        }
    }

    /** A client on an endpoint of its own, configured in code (Californium would write a properties file). */
    private static CoapClient coap(String uri) {
        Configuration config = new Configuration(CoapConfig.DEFINITIONS, UdpConfig.DEFINITIONS);
        CoapClient c = new CoapClient(uri).setTimeout(30_000L);
        c.setEndpoint(new CoapEndpoint.Builder().setConfiguration(config).build());
        return c;
    }
}
