package io.mote.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;

/** The few REST calls a load run needs: log in and make sure its devices exist. */
final class MoteAdmin {

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private String jwt;

    MoteAdmin(String base) {
        this.base = base;
    }

    void login(String username, String password) {
        JsonNode r = call("POST", "/api/auth/login",
                Json.write(Json.object().put("username", username).put("password", password)));
        jwt = r.get("token").asString();
    }

    /** The JWT of the login, for calls made elsewhere. */
    String token() {
        return jwt;
    }

    /** Creates the device with this access token unless a device of that name exists already. */
    void ensureDevice(String name, String token) {
        HttpResponse<String> found = send("GET", "/api/tenant/devices?deviceName="
                + URLEncoder.encode(name, StandardCharsets.UTF_8), null);
        if (found.statusCode() == 200) {
            return;
        }
        call("POST", "/api/device?accessToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8),
                Json.write(Json.object().put("name", name).put("type", "bench")));
    }

    /** As {@link #ensureDevice}, for a gateway (additionalInfo.gateway true). */
    void ensureGateway(String name, String token) {
        HttpResponse<String> found = send("GET", "/api/tenant/devices?deviceName="
                + URLEncoder.encode(name, StandardCharsets.UTF_8), null);
        if (found.statusCode() == 200) {
            return;
        }
        ObjectNode d = Json.object().put("name", name).put("type", "bench");
        d.putObject("additionalInfo").put("gateway", true);
        call("POST", "/api/device?accessToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8), Json.write(d));
    }

    /** The id of the device profile of this name, created with the LwM2M transport configuration when missing. */
    String ensureProfile(String name, ObjectNode transport) {
        return ensureProfile(name, "LWM2M", transport);
    }

    /** The id of the device profile of this name, created with the transport configuration when missing. */
    String ensureProfile(String name, String transportType, ObjectNode transport) {
        JsonNode page = call("GET", "/api/deviceProfiles?pageSize=100&page=0&textSearch="
                + URLEncoder.encode(name, StandardCharsets.UTF_8), null);
        for (JsonNode p : page.path("data")) {
            if (name.equals(p.path("name").asString())) {
                return p.path("id").path("id").asString();
            }
        }
        ObjectNode p = Json.object().put("name", name).put("type", "DEFAULT").put("transportType", transportType);
        ObjectNode data = p.putObject("profileData");
        data.putObject("configuration").put("type", "DEFAULT");
        data.set("transportConfiguration", transport);
        data.putObject("provisionConfiguration").put("type", "DISABLED");
        return call("POST", "/api/deviceProfile", Json.write(p)).path("id").path("id").asString();
    }

    /** Creates an LwM2M device with "No Security" credentials naming {@code endpoint}, unless it exists. */
    void ensureLwm2mDevice(String name, String endpoint, String profileId) {
        ObjectNode device = Json.object().put("name", name);
        device.putObject("deviceProfileId").put("entityType", "DEVICE_PROFILE").put("id", profileId);
        ObjectNode creds = Json.object().put("credentialsType", "LWM2M_CREDENTIALS").put("credentialsId", endpoint);
        ObjectNode value = Json.object();
        value.putObject("client").put("securityConfigClientMode", "NO_SEC").put("endpoint", endpoint);
        creds.put("credentialsValue", Json.write(value));
        ObjectNode body = Json.object();
        body.set("device", device);
        body.set("credentials", creds);
        HttpResponse<String> r = send("POST", "/api/device-with-credentials", Json.write(body));
        if (r.statusCode() != 200 && !r.body().contains("exist")) {
            throw new IllegalStateException("creating " + name + " answered " + r.statusCode() + ": " + r.body());
        }
    }

    /** Adds an LwM2M object model (DDF XML) to the tenant's resource library unless it has it already. */
    void ensureLwm2mModel(String fileName, String ddf) {
        ObjectNode body = Json.object().put("resourceType", "LWM2M_MODEL").put("title", fileName)
                .put("fileName", fileName)
                .put("data", java.util.Base64.getEncoder().encodeToString(ddf.getBytes(StandardCharsets.UTF_8)));
        HttpResponse<String> r = send("POST", "/api/resource", Json.write(body));
        if (r.statusCode() != 200 && r.statusCode() != 400) { // 400: the library has this object and version
            throw new IllegalStateException("uploading " + fileName + " answered " + r.statusCode() + ": " + r.body());
        }
    }

    /** Creates the device with these credentials ({@code type}, {@code value} JSON) unless it exists already. */
    void ensureDeviceWithCredentials(String name, String type, String value) {
        HttpResponse<String> found = send("GET", "/api/tenant/devices?deviceName="
                + URLEncoder.encode(name, StandardCharsets.UTF_8), null);
        if (found.statusCode() == 200) {
            return;
        }
        var body = Json.object();
        body.putObject("device").put("name", name).put("type", "bench");
        body.putObject("credentials").put("credentialsType", type).put("credentialsValue", value);
        call("POST", "/api/device-with-credentials", Json.write(body));
    }

    /**
     * Creates devices {@code prefix-0 … prefix-(count-1)} with access tokens {@code tokenPrefix-i}, with up
     * to {@code parallel} REST calls in flight; a device that exists already is left as it is.
     */
    void ensureDevices(String prefix, String tokenPrefix, int count, int parallel) throws InterruptedException {
        ensureDevices(count, parallel, i -> "/api/device?accessToken="
                        + URLEncoder.encode(tokenPrefix + "-" + i, StandardCharsets.UTF_8),
                i -> Json.object().put("name", prefix + "-" + i).put("type", "bench"));
    }

    /**
     * Creates {@code count} devices, POSTing {@code body(i)} to {@code path(i)} with up to {@code parallel}
     * REST calls in flight; a device that exists already is left as it is.
     */
    void ensureDevices(int count, int parallel, java.util.function.IntFunction<String> path,
                       java.util.function.IntFunction<ObjectNode> body) throws InterruptedException {
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(parallel);
        java.util.concurrent.atomic.AtomicReference<String> failure = new java.util.concurrent.atomic.AtomicReference<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < count && failure.get() == null; i++) {
            inFlight.acquire();
            HttpRequest r = HttpRequest.newBuilder(URI.create(base + path.apply(i)))
                    .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                    .header("X-Authorization", "Bearer " + jwt)
                    .POST(HttpRequest.BodyPublishers.ofString(Json.write(body.apply(i)))).build();
            client.sendAsync(r, HttpResponse.BodyHandlers.ofString()).whenComplete((res, err) -> {
                inFlight.release();
                if (err != null) {
                    failure.compareAndSet(null, err.toString());
                } else if (res.statusCode() != 200 && !res.body().contains("already exists")) {
                    failure.compareAndSet(null, res.statusCode() + " " + res.body());
                }
            });
        }
        inFlight.acquire(parallel);
        inFlight.release(parallel);
        if (failure.get() != null) {
            throw new IllegalStateException("Creating devices failed: " + failure.get());
        }
        System.out.printf("%d devices ensured in %d ms (%d REST calls in flight)%n", count,
                (System.nanoTime() - t0) / 1_000_000, parallel);
    }

    /** Creates an OTA package of the profile and uploads its file (SHA-256); returns its id. */
    String createPackage(String profileId, String type, String title, String version, byte[] file) {
        ObjectNode pkg = Json.object().put("title", title).put("version", version).put("type", type);
        pkg.putObject("deviceProfileId").put("entityType", "DEVICE_PROFILE").put("id", profileId);
        String id = call("POST", "/api/otaPackage", Json.write(pkg)).path("id").path("id").asString();
        String boundary = "mote-bench-" + System.nanoTime();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpRequest r = HttpRequest.newBuilder(URI.create(base + "/api/otaPackage/" + id + "?checksumAlgorithm=SHA256"))
                .timeout(Duration.ofSeconds(120)).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("X-Authorization", "Bearer " + jwt)
                .POST(HttpRequest.BodyPublishers.ofByteArrays(java.util.List.of(head, file, tail))).build();
        try {
            HttpResponse<String> res = client.send(r, HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() != 200) {
                throw new IllegalStateException("upload answered " + res.statusCode() + ": " + res.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException("upload failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return id;
    }

    /** Assigns the package to the profile as its firmware ({@code firmwareId}) or software. */
    void assignToProfile(String profileId, String field, String packageId) {
        ObjectNode profile = (ObjectNode) call("GET", "/api/deviceProfile/" + profileId, null);
        profile.putObject(field).put("entityType", "OTA_PACKAGE").put("id", packageId);
        call("POST", "/api/deviceProfile", Json.write(profile));
    }

    /** The latest value of a device's time series key, or "" (the device is found by name). */
    String latest(String deviceId, String key) {
        JsonNode t = call("GET", "/api/plugins/telemetry/DEVICE/" + deviceId + "/values/timeseries?keys=" + key, null);
        return t.path(key).path(0).path("value").asString("");
    }

    /** The id of the tenant's device of this name. */
    String deviceId(String name) {
        return call("GET", "/api/tenant/devices?deviceName=" + URLEncoder.encode(name, StandardCharsets.UTF_8), null)
                .path("id").path("id").asString();
    }

    /** GET of a REST path, answered 200, as JSON. */
    JsonNode get(String path) {
        return call("GET", path, null);
    }

    private JsonNode call(String method, String path, String body) {
        HttpResponse<String> r = send(method, path, body);
        if (r.statusCode() != 200) {
            throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return Json.parse(r.body());
    }

    /** One REST call with the logged-in user's token, whatever its status. */
    HttpResponse<String> send(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (jwt != null) {
            b.header("X-Authorization", "Bearer " + jwt);
        }
        try {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
