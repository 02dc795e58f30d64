package io.mote.server.it.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.mote.common.json.Json;
import io.mote.server.it.Api;
import io.mote.server.it.TestServer;

/** The console's files, the ports it prints, and the OpenAPI description with its Swagger UI, over HTTP. */
class ConsoleApiTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final TestServer server = TestServer.shared();

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theConsoleIsServedAtTheRootWithEveryModuleItImports() throws Exception {
        HttpResponse<String> index = get("/");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(index.body()).contains("console/main.js").doesNotContain("http://").doesNotContain("https://");
        // Every ES module the console imports is in the jar, and none comes from elsewhere (no CDN).
        Pattern imp = Pattern.compile("(?:import|from)\\s+'(\\./|\\.\\./)([\\w/.-]+)'");
        Deque<String> todo = new ArrayDeque<>(List.of("console/main.js"));
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            String path = todo.pop();
            if (!seen.add(path)) {
                continue;
            }
            HttpResponse<String> js = get("/" + path);
            assertThat(js.statusCode()).as(path).isEqualTo(200);
            assertThat(js.headers().firstValue("Content-Type").orElse("")).as(path).contains("javascript");
            assertThat(js.body()).as(path).doesNotContainPattern("from\\s+'https?:");
            Matcher m = imp.matcher(js.body());
            String dir = path.substring(0, path.lastIndexOf('/') + 1);
            while (m.find()) {
                String target = URI.create("/" + dir).resolve(m.group(1) + m.group(2)).getPath().substring(1);
                todo.add(target);
            }
        }
        assertThat(seen).contains("console/pages/devices.js", "console/pages/lwm2m.js", "console/ws.js");
        assertThat(get("/console/style.css").statusCode()).isEqualTo(200);
    }

    @Test
    void transportsNameThePortsThisServerListensOn() {
        Api tenant = server.api().newTenant();
        JsonNode t = tenant.get("/api/transports").ok();
        assertThat(t.get("http").get("port").asInt()).isEqualTo(server.port());
        assertThat(t.get("mqtt").get("port").asInt()).isEqualTo(server.mqttPort());
        assertThat(t.get("mqtt").get("sslPort").asInt()).isEqualTo(server.mqttSslPort());
        assertThat(t.get("coap").get("port").asInt()).isEqualTo(server.coapPort());
        assertThat(t.get("coap").get("dtlsPort").asInt()).isEqualTo(server.coapDtlsPort());
        assertThat(t.get("lwm2m").get("port").asInt()).isEqualTo(server.lwm2mPort());
        assertThat(t.get("lwm2m").get("securePort").asInt()).isEqualTo(server.lwm2mSecurePort());
        assertThat(t.get("lwm2m").get("bootstrapPort").asInt()).isEqualTo(server.lwm2mBootstrapPort());
        assertThat(t.get("lwm2m").get("host").asString()).isEqualTo("127.0.0.1");
        // Like the rest of the operator API, only for signed-in users.
        Api.Res anon = server.api().get("/api/transports");
        assertThat(anon.status()).isEqualTo(401);
        assertThat(anon.json().get("errorCode").asInt()).isEqualTo(10);
    }

    @Test
    void openApiDescribesTheLwm2mApiAsTheSpecDoes() throws Exception {
        HttpResponse<String> res = get("/v3/api-docs");
        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode api = Json.MAPPER.readTree(res.body());
        assertThat(api.get("openapi").asString()).startsWith("3.1");
        JsonNode paths = api.get("paths");

        // spec/lwm2m-rest-api.openapi.txt: both lwm2m-controller paths, methods, operation ids, parameter, schemas.
        JsonNode bootstrap = paths.get("/api/lwm2m/deviceProfile/bootstrap/{isBootstrapServer}").get("get");
        assertThat(bootstrap.get("operationId").asString()).isEqualTo("getLwm2mBootstrapSecurityInfo");
        assertThat(bootstrap.get("tags").get(0).asString()).isEqualTo("lwm-2m-controller");
        JsonNode param = bootstrap.get("parameters").get(0);
        assertThat(param.get("name").asString()).isEqualTo("isBootstrapServer");
        assertThat(param.get("in").asString()).isEqualTo("path");
        assertThat(param.get("required").asBoolean()).isTrue();
        assertThat(param.get("schema").get("type").asString()).isEqualTo("boolean");
        assertThat(bootstrap.get("responses").get("200").get("content").get("application/json").get("schema")
                .get("$ref").asString()).isEqualTo("#/components/schemas/LwM2MServerSecurityConfigDefault");

        JsonNode save = paths.get("/api/lwm2m/device-credentials").get("post");
        assertThat(save.get("operationId").asString()).isEqualTo("saveDeviceWithCredentials");
        assertThat(save.get("tags").get(0).asString()).isEqualTo("lwm-2m-controller");
        assertThat(save.get("requestBody").get("required").asBoolean()).isTrue();
        assertThat(save.get("responses").get("200").get("content").get("application/json").get("schema")
                .get("$ref").asString()).isEqualTo("#/components/schemas/Device");

        JsonNode schemas = api.get("components").get("schemas");
        JsonNode config = schemas.get("LwM2MServerSecurityConfigDefault").get("properties");
        for (String p : List.of("shortServerId", "bootstrapServerIs", "host", "port", "clientHoldOffTime",
                "serverPublicKey", "serverCertificate", "bootstrapServerAccountTimeout", "lifetime",
                "defaultMinPeriod", "notifIfDisabled", "binding", "securityHost", "securityPort")) {
            assertThat(config.has(p)).as("LwM2MServerSecurityConfigDefault." + p).isTrue();
        }
        assertThat(config.get("shortServerId").get("type").asString()).isEqualTo("integer");
        assertThat(config.get("bootstrapServerIs").get("type").asString()).isEqualTo("boolean");
        assertThat(config.get("binding").get("type").asString()).isEqualTo("string");
        JsonNode device = schemas.get("Device").get("properties");
        for (String p : List.of("id", "createdTime", "tenantId", "customerId", "name", "type", "label",
                "deviceProfileId", "firmwareId", "softwareId", "additionalInfo", "deviceData", "version")) {
            assertThat(device.has(p)).as("Device." + p).isTrue();
        }
        assertThat(device.get("createdTime").get("format").asString()).isEqualTo("int64");
        assertThat(device.get("version").get("format").asString()).isEqualTo("int64");

        // The whole operator API, but not the device API nor the caller as a parameter.
        assertThat(paths.has("/api/tenant/devices")).isTrue();
        assertThat(paths.has("/api/rpc/twoway/{deviceId}")).isTrue();
        assertThat(paths.has("/api/plugins/telemetry/{entityType}/{entityId}/values/timeseries")).isTrue();
        paths.propertyNames().forEach(p -> assertThat(p).doesNotStartWith("/api/v1/"));
        assertThat(res.body()).doesNotContain("SecurityUser");
        assertThat(api.get("components").get("securitySchemes").get("X-Authorization").get("in").asString())
                .isEqualTo("header");
    }

    @Test
    void swaggerUiIsServedFromTheJar() throws Exception {
        HttpResponse<String> folder = get("/swagger-ui/");
        assertThat(folder.statusCode()).isEqualTo(302);
        assertThat(folder.headers().firstValue("Location").orElse("")).endsWith("/swagger-ui/index.html");
        HttpResponse<String> ui = get("/swagger-ui/index.html");
        assertThat(ui.statusCode()).isEqualTo(200);
        assertThat(ui.body()).contains("swagger-ui").doesNotContain("cdn");
        assertThat(get("/swagger-ui/swagger-ui-bundle.js").statusCode()).isEqualTo(200);
        HttpResponse<String> config = get("/v3/api-docs/swagger-config");
        assertThat(config.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(config.body()).get("url").asString()).isEqualTo("/v3/api-docs");
    }
}
