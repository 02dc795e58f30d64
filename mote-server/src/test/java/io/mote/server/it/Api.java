package io.mote.server.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;

/** A small REST client over the JDK HttpClient, holding the caller's token. */
public final class Api {

    /** A response: status and body (parsed when it is JSON). */
    public record Res(int status, String text) {
        public JsonNode json() {
            return text == null || text.isEmpty() ? Json.object() : Json.MAPPER.readTree(text);
        }

        /** The JSON body, after checking the status is 200. */
        public JsonNode ok() {
            if (status != 200) {
                throw new AssertionError("expected 200 but got " + status + ": " + text);
            }
            return json();
        }

        public String okText() {
            if (status != 200) {
                throw new AssertionError("expected 200 but got " + status + ": " + text);
            }
            return text;
        }
    }

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;
    private String authHeader;

    public Api(String base) {
        this.base = base;
    }

    public String base() {
        return base;
    }

    /** The access token this client sends (for the WebSocket URL). */
    public String authToken() {
        return authHeader.substring("Bearer ".length());
    }

    public Api withToken(String token) {
        Api a = new Api(base);
        a.authHeader = "Bearer " + token;
        return a;
    }

    public Api withApiKey(String key) {
        Api a = new Api(base);
        a.authHeader = "ApiKey " + key;
        return a;
    }

    /** Logs in and returns a client carrying the access token. */
    public Api login(String username, String password) {
        Res r = post("/api/auth/login", Json.object().put("username", username).put("password", password));
        if (r.status() != 200) {
            throw new AssertionError("login failed: " + r);
        }
        return withToken(r.json().get("token").asString());
    }

    public Api sysadmin() {
        return login("sysadmin@mote.local", TestServer.SYSADMIN_PASSWORD);
    }

    public Api defaultTenant() {
        return login("tenant@mote.local", TestServer.TENANT_PASSWORD);
    }

    /**
     * Creates a new tenant with an activated administrator and returns a client logged in as it, so
     * each test works in a tenant of its own.
     */
    public Api newTenant() {
        Api sys = sysadmin();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        JsonNode tenant = sys.post("/api/tenant", Json.object().put("title", "Tenant " + suffix)).ok();
        ObjectNode user = Json.object().put("email", "admin-" + suffix + "@example.com").put("authority", "TENANT_ADMIN");
        user.set("tenantId", tenant.get("id"));
        JsonNode created = sys.post("/api/user?sendActivationMail=false", user).ok();
        String link = sys.get("/api/user/" + created.get("id").get("id").asString() + "/activationLink").okText();
        String token = link.substring(link.indexOf("activateToken=") + "activateToken=".length());
        JsonNode pair = post("/api/noauth/activate", Json.object().put("activateToken", token).put("password", "secret-pw"))
                .ok();
        return withToken(pair.get("token").asString());
    }

    /**
     * Creates an activated CUSTOMER_USER of the given customer (this client must be its tenant
     * administrator) and returns a client logged in as it.
     */
    public Api newCustomerUser(String customerId) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        ObjectNode user = Json.object().put("email", "user-" + suffix + "@example.com").put("authority", "CUSTOMER_USER");
        user.putObject("customerId").put("entityType", "CUSTOMER").put("id", customerId);
        JsonNode created = post("/api/user", user).ok();
        String link = get("/api/user/" + id(created) + "/activationLink").okText();
        String token = link.substring(link.indexOf("activateToken=") + "activateToken=".length());
        JsonNode pair = withoutToken().post("/api/noauth/activate",
                Json.object().put("activateToken", token).put("password", "secret-pw")).ok();
        return withToken(pair.get("token").asString());
    }

    /** A client for the same server without credentials. */
    public Api withoutToken() {
        return new Api(base);
    }

    public Res get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    public Res delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    }

    public Res post(String path, Object body) {
        String text = body instanceof String s ? s : Json.write(body);
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(text)));
    }

    public Res postBytes(String path, byte[] body) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** A response with a binary body and its headers. */
    public record BytesRes(int status, byte[] body, java.net.http.HttpHeaders headers) {
        public byte[] ok() {
            if (status != 200) {
                throw new AssertionError("expected 200 but got " + status + ": "
                        + new String(body, StandardCharsets.UTF_8));
            }
            return body;
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    public BytesRes getBytes(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (authHeader != null) {
            b.header("X-Authorization", authHeader);
        }
        try {
            HttpResponse<byte[]> r = CLIENT.send(b.timeout(Duration.ofSeconds(120)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            return new BytesRes(r.statusCode(), r.body(), r.headers());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Posts a multipart/form-data body with one file part (no part when {@code partName} is null). */
    public Res postFile(String path, String partName, String fileName, String contentType, byte[] data) {
        String boundary = "----mote-test-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (partName != null) {
            body.writeBytes(("--" + boundary + "\r\n"
                    + "Content-Disposition: form-data; name=\"" + partName + "\"; filename=\"" + fileName + "\"\r\n"
                    + "Content-Type: " + contentType + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.writeBytes(data);
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        } else {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

    public Res send(HttpRequest.Builder b) {
        if (authHeader != null) {
            b.header("X-Authorization", authHeader);
        }
        HttpRequest request = b.timeout(Duration.ofSeconds(120)).build();
        try {
            HttpResponse<String> r;
            try {
                r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                // Tomcat closes the connection after a 400 or 413; the JDK client may already have taken
                // that pooled connection for the next request, which then fails before any byte of an
                // answer: the request went out on a closed connection. Send it once more.
                if (!String.valueOf(e.getMessage()).contains("received no bytes")) {
                    throw e;
                }
                r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            }
            return new Res(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A device in a fresh tenant of its own: the tenant admin's client, the device's token and id. */
    public record TestDevice(Api tenant, String token, String id) {
    }

    /** Creates a fresh tenant with one device (access token {@code prefix-<random>}). */
    public TestDevice newTenantWithDevice(String prefix) {
        Api tenant = newTenant();
        String token = prefix + "-" + UUID.randomUUID();
        return new TestDevice(tenant, token, id(tenant.createDevice(prefix + "-dev-" + UUID.randomUUID(), token)));
    }

    /** Creates a device with the given access token and returns its JSON. */
    public JsonNode createDevice(String name, String token) {
        return post("/api/device?accessToken=" + token, Json.object().put("name", name)).ok();
    }

    /** Creates a gateway device ({@code additionalInfo.gateway} true) with the given access token. */
    public JsonNode createGateway(String name, String token) {
        var body = Json.object().put("name", name);
        body.putObject("additionalInfo").put("gateway", true);
        return post("/api/device?accessToken=" + token, body).ok();
    }

    /** A fresh tenant with one gateway device (access token {@code prefix-<random>}). */
    public TestDevice newTenantWithGateway(String prefix) {
        Api tenant = newTenant();
        String token = prefix + "-" + UUID.randomUUID();
        return new TestDevice(tenant, token, id(tenant.createGateway(prefix + "-gw-" + UUID.randomUUID(), token)));
    }

    public static String id(JsonNode entity) {
        return entity.get("id").get("id").asString();
    }
}
