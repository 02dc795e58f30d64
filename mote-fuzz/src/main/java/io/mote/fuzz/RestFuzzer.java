package io.mote.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mote.fuzz.HttpWire.Conn;

/**
 * Operator REST API inputs as a tenant administrator, over raw TCP (keep-alive): mutated path variables
 * (ids, entity types, scopes), query parameters (paging, sorting, text search, keys, time windows,
 * aggregation) and bodies on devices, profiles, credentials, telemetry and attribute reads and writes, RPC,
 * OTA packages, users, customers, API keys and resources. Any 5xx, and any error answered without the JSON
 * error body {@code {"status","message","errorCode","timestamp"}}, is a defect. DELETEs never name the
 * fixtures (the device, profile, customer the run needs).
 */
public final class RestFuzzer {

    /** Method, path ({@code {dev}} and the like are path variables), query parameters, body kind. */
    private record Route(String method, String path, String[] params, String body) {
    }

    private static final String[] PAGE = {"pageSize", "page", "textSearch", "sortProperty", "sortOrder"};
    private static final String[] SERIES = {"keys", "startTs", "endTs", "interval", "agg", "limit", "orderBy",
            "useStrictDataTypes"};
    private static final Route[] ROUTES = {
            new Route("GET", "/api/tenant/devices", cat(PAGE, "type", "deviceName"), null),
            new Route("GET", "/api/customer/{cust}/devices", PAGE, null),
            new Route("GET", "/api/device/{dev}", new String[0], null),
            new Route("GET", "/api/device/{dev}/credentials", new String[0], null),
            new Route("POST", "/api/device", new String[] {"accessToken"}, "device"),
            new Route("POST", "/api/device-with-credentials", new String[0], "deviceWithCredentials"),
            new Route("POST", "/api/device/credentials", new String[0], "credentials"),
            new Route("DELETE", "/api/device/{other}", new String[0], null),
            new Route("POST", "/api/customer/{cust}/device/{dev}", new String[0], null),
            new Route("DELETE", "/api/customer/device/{dev}", new String[0], null),
            new Route("GET", "/api/deviceProfiles", PAGE, null),
            new Route("GET", "/api/deviceProfile/{prof}", new String[0], null),
            new Route("GET", "/api/deviceProfileInfo/{prof}", new String[0], null),
            new Route("GET", "/api/deviceProfileInfos", cat(PAGE, "transportType"), null),
            new Route("POST", "/api/deviceProfile", new String[0], "profile"),
            new Route("DELETE", "/api/deviceProfile/{other}", new String[0], null),
            new Route("GET", "/api/plugins/telemetry/{type}/{dev}/keys/timeseries", new String[0], null),
            new Route("GET", "/api/plugins/telemetry/{type}/{dev}/keys/attributes/{scope}", new String[0], null),
            new Route("GET", "/api/plugins/telemetry/{type}/{dev}/values/timeseries", SERIES, null),
            new Route("GET", "/api/plugins/telemetry/{type}/{dev}/values/timeseries", SERIES, null),
            new Route("GET", "/api/plugins/telemetry/{type}/{dev}/values/attributes/{scope}", new String[] {"keys"}, null),
            new Route("GET", "/api/plugins/telemetry/{type}/{dev}/values/attributes", new String[] {"keys"}, null),
            new Route("POST", "/api/plugins/telemetry/{type}/{dev}/timeseries/{scope}", new String[0], "json"),
            new Route("POST", "/api/plugins/telemetry/{type}/{dev}/timeseries/{scope}/{ttl}", new String[0], "json"),
            new Route("POST", "/api/plugins/telemetry/{type}/{dev}/attributes/{scope}", new String[0], "json"),
            new Route("POST", "/api/plugins/telemetry/{dev}/{scope}", new String[0], "json"),
            new Route("DELETE", "/api/plugins/telemetry/{type}/{dev}/timeseries/delete",
                    new String[] {"keys", "deleteAllDataForKeys", "startTs", "endTs", "deleteLatest", "rewriteLatestIfDeleted"}, null),
            new Route("DELETE", "/api/plugins/telemetry/{type}/{dev}/{scope}", new String[] {"keys"}, null),
            new Route("POST", "/api/rpc/oneway/{dev}", new String[0], "rpc"),
            new Route("POST", "/api/plugins/rpc/twoway/{dev}", new String[0], "rpc"),
            new Route("GET", "/api/rpc/persistent/{uuid}", new String[0], null),
            new Route("GET", "/api/rpc/persistent/device/{dev}", cat(PAGE, "rpcStatus"), null),
            new Route("DELETE", "/api/rpc/persistent/{uuid}", new String[0], null),
            new Route("GET", "/api/otaPackages", PAGE, null),
            new Route("GET", "/api/otaPackages/{prof}/{otaType}", PAGE, null),
            new Route("POST", "/api/otaPackage", new String[0], "ota"),
            new Route("GET", "/api/otaPackage/{uuid}", new String[0], null),
            new Route("GET", "/api/otaPackage/info/{uuid}", new String[0], null),
            new Route("GET", "/api/otaPackage/{uuid}/download", new String[0], null),
            new Route("DELETE", "/api/otaPackage/{uuid}", new String[0], null),
            new Route("GET", "/api/customers", PAGE, null),
            new Route("GET", "/api/customer/{cust}", new String[0], null),
            new Route("POST", "/api/customer", new String[0], "customer"),
            new Route("DELETE", "/api/customer/{other}", new String[0], null),
            new Route("GET", "/api/customer/{cust}/users", PAGE, null),
            new Route("GET", "/api/tenant/{tenant}/users", PAGE, null),
            new Route("POST", "/api/user", new String[] {"sendActivationMail"}, "user"),
            new Route("GET", "/api/user/{uuid}", new String[0], null),
            new Route("GET", "/api/user/{uuid}/activationLink", new String[0], null),
            new Route("GET", "/api/apiKeys", PAGE, null),
            new Route("POST", "/api/apiKey", new String[0], "apiKey"),
            new Route("PUT", "/api/apiKey/{uuid}/enabled/{bool}", new String[0], null),
            new Route("GET", "/api/resource", cat(PAGE, "resourceType"), null),
            new Route("GET", "/api/resource/lwm2m", new String[] {"sortOrder", "sortProperty", "objectIds"}, null),
            new Route("GET", "/api/resource/lwm2m/page", PAGE, null),
            new Route("GET", "/api/resource/{uuid}", new String[0], null),
            new Route("POST", "/api/resource", new String[0], "resource"),
            new Route("GET", "/api/lwm2m/deviceProfile/bootstrap/{bool}", new String[0], null),
            new Route("GET", "/api/auth/user", new String[0], null),
            new Route("POST", "/api/auth/token", new String[0], "refresh"),
            new Route("GET", "/api/tenant/{tenant}", new String[0], null),
            new Route("GET", "/api/transports", new String[0], null)};

    private static final String[] TYPES = {"DEVICE", "DEVICE", "DEVICE", "CUSTOMER", "TENANT", "ASSET", "device", "x", ""};
    private static final String[] SCOPES = {"SERVER_SCOPE", "SHARED_SCOPE", "CLIENT_SCOPE", "ANY", "server_scope", "x",
            "LATEST_TELEMETRY"};
    private static final String[] NUMBERS = {"0", "1", "10", "-1", "100", "999999999", "2147483647", "2147483648",
            "9223372036854775807", "9223372036854775808", "-9223372036854775808", "99999999999999999999", "1.5", "1e3",
            "x", "", "NaN", " 1", "0x10"};
    private static final String[] SORTS = {"createdTime", "name", "title", "type", "label", "email", "version", "id",
            "x", "", "name; DROP TABLE device", "createdTime,name", "tenantId", "additionalInfo"};
    private static final String[] ORDERS = {"ASC", "DESC", "asc", "desc", "x", "", "ASC;"};
    private static final String[] AGGS = {"NONE", "MIN", "MAX", "AVG", "SUM", "COUNT", "x", "", "none"};
    private static final String[] TEXTS = {"a", "%", "_", "'", "\\", "\"", "*", "a%b", "\u00fc", "\u0000", "x".repeat(300),
            "fuzz", "' OR '1'='1"};
    private static final String[] ENUMS = {"DEFAULT", "MQTT", "COAP", "LWM2M", "SNMP", "FIRMWARE", "SOFTWARE", "LWM2M_MODEL",
            "JKS", "PKCS_12", "QUEUED", "DELIVERED", "x", "", "true", "false"};

    private final InetSocketAddress target;
    private final String username;
    private final String password;
    private final String token;

    /** Logs in as {@code username} (a tenant administrator) first. */
    public RestFuzzer(InetSocketAddress target, String username, String password) {
        this.target = target;
        this.username = username;
        this.password = password;
        this.token = null;
    }

    /** Works with the JWT of a tenant administrator already logged in. */
    public RestFuzzer(InetSocketAddress target, String jwt) {
        this.target = target;
        this.username = null;
        this.password = null;
        this.token = jwt;
    }

    /** Ids the run works on, made (or read) once before the inputs. */
    private record Fixtures(String jwt, String refresh, String device, String profile, String customer,
                            String tenant, String user) {
    }

    public FuzzReport run(long seed, int count) throws IOException {
        return run(seed, count, 1);
    }

    /** {@code count} inputs over {@code parallel} connections at once, each worker from its own sub-seed. */
    public FuzzReport run(long seed, int count, int parallel) throws IOException {
        Fixtures f = fixtures(seed);
        FuzzReport report = new FuzzReport("rest");
        Workers.run(seed, count, parallel, (k, subSeed, share) -> worker(subSeed, share, f, report));
        report.finish();
        return report;
    }

    private Fixtures fixtures(long seed) throws IOException {
        try (Conn c = new Conn(target)) {
            String jwt = token;
            String refresh = token;
            if (jwt == null) {
                String login = call(c, "POST", "/api/auth/login", null,
                        "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
                jwt = field(login, "token");
                refresh = field(login, "refreshToken");
            }
            String me = call(c, "GET", "/api/auth/user", jwt, null);
            String tenant = id(me, "TENANT");
            String user = id(me, "USER");
            String suffix = seed + "-" + UUID.randomUUID();
            String device = id(call(c, "POST", "/api/device", jwt, "{\"name\":\"fuzz-rest-" + suffix + "\"}"), "DEVICE");
            String profile = id(call(c, "GET", "/api/deviceProfileInfo/default", jwt, null), "DEVICE_PROFILE");
            String customer = id(call(c, "POST", "/api/customer", jwt, "{\"title\":\"fuzz-rest-" + suffix + "\"}"), "CUSTOMER");
            return new Fixtures(jwt, refresh, device, profile, customer, tenant, user);
        }
    }

    private void worker(long seed, int count, Fixtures f, FuzzReport report) throws IOException {
        Mutator m = new Mutator(seed);
        Conn c = null;
        try {
            for (int i = 0; i < count; i++) {
                Route route = m.pick(ROUTES);
                byte[] request = request(m, route, f);
                String name = "seed " + seed + " input " + i + ": " + FuzzReport.show(request);
                report.sent();
                if (c == null) {
                    c = new Conn(target);
                }
                // A valid RPC to a device that is not connected waits for its timeout: not worth waiting for.
                c.socket.setSoTimeout(route.body() != null && route.body().equals("rpc") ? 2_000 : 10_000);
                try {
                    c.out.write(request);
                    c.out.flush();
                    HttpWire.Response r = HttpWire.read(c.in, false);
                    if (r == null) {
                        report.answer("closed");
                        c.close();
                        c = null;
                        continue;
                    }
                    classify(r, route, name, report);
                    if (r.close()) {
                        c.close();
                        c = null;
                    }
                } catch (SocketTimeoutException e) {
                    report.answer(route.body() != null && route.body().equals("rpc") ? "RPC waiting for the device" : "no answer");
                    c.close();
                    c = null;
                } catch (IOException | RuntimeException e) {
                    report.answer("closed");
                    c.close();
                    c = null;
                }
            }
        } finally {
            if (c != null) {
                c.close();
            }
        }
    }

    private static final Pattern ERROR_BODY = Pattern.compile(
            "(?s)\\{.*\"status\":\\d{3}.*\"message\":.*\"errorCode\":\\d+.*\"timestamp\":\\d+.*}");

    private static void classify(HttpWire.Response r, Route route, String name, FuzzReport report) {
        int code = r.code();
        String body = new String(r.body(), StandardCharsets.UTF_8);
        if (code == 504 && route.body() != null && route.body().equals("rpc") && ERROR_BODY.matcher(body).matches()) {
            report.answer("504 RPC timed out"); // the answer the API prescribes for an RPC the device did not take
        } else if (code >= 500 || code < 0) {
            report.serverError("HTTP " + code, name + " -> " + FuzzReport.show(r.body()));
        } else if (code >= 400) {
            if (!r.contentType().startsWith("application/json") || !ERROR_BODY.matcher(body).matches()) {
                report.serverError("HTTP " + code + " without the JSON error body", name + " -> " + FuzzReport.show(r.body()));
            } else {
                report.answer(Integer.toString(code));
            }
        } else {
            report.answer((code / 100) + "xx");
        }
    }

    // ---- inputs

    private byte[] request(Mutator m, Route route, Fixtures f) {
        String path = route.path();
        path = path.replace("{dev}", idOr(m, f.device())).replace("{cust}", idOr(m, f.customer()))
                .replace("{prof}", idOr(m, f.profile())).replace("{tenant}", idOr(m, f.tenant()))
                .replace("{other}", m.nextInt(2) == 0 ? UUID.randomUUID().toString() : encode(m.token())).replace("{uuid}", m.nextInt(3) == 0 ? mutatedId(m, f.user())
                        : idOr(m, UUID.nameUUIDFromBytes(new byte[] {(byte) m.nextInt(256)}).toString()))
                .replace("{type}", var(m, TYPES)).replace("{scope}", var(m, SCOPES)).replace("{ttl}", var(m, NUMBERS))
                .replace("{otaType}", var(m, new String[] {"FIRMWARE", "SOFTWARE", "x", "firmware"}))
                .replace("{bool}", var(m, new String[] {"true", "false", "x", "1", ""}));
        StringBuilder query = new StringBuilder();
        for (String p : route.params()) {
            if (m.nextInt(4) == 0) {
                continue; // left out: a required one missing is a 400
            }
            query.append(query.length() == 0 ? '?' : '&').append(m.nextInt(30) == 0 ? m.token() : p).append('=')
                    .append(m.nextInt(20) == 0 ? m.pick(new String[] {"%zz", "%", "%00", "%C3%28", "a&b", "%E2%82"})
                            : encode(param(m, p, f)));
            if (m.nextInt(20) == 0) {
                query.append('&').append(p).append('=').append(encode(param(m, p, f))); // repeated
            }
        }
        byte[] body = route.body() == null ? (m.nextInt(10) == 0 ? m.json().getBytes(StandardCharsets.ISO_8859_1) : null)
                : body(m, route.body(), f);
        String auth = switch (m.nextInt(40)) {
            case 0 -> null;
            case 1 -> "Bearer " + m.token();
            case 2 -> "Bearer " + f.jwt().substring(0, f.jwt().length() - 3) + "abc";
            case 3 -> "ApiKey " + m.token();
            default -> "Bearer " + f.jwt();
        };
        StringBuilder head = new StringBuilder(route.method()).append(' ').append(path).append(query)
                .append(" HTTP/1.1\r\nHost: localhost\r\n");
        if (auth != null) {
            head.append("X-Authorization: ").append(auth).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Type: ").append(m.pick(new String[] {"application/json", "application/json",
                    "application/json", "application/json; charset=UTF-8", "text/plain", "application/xml",
                    "application/json; charset=ISO-8859-1", "application/x-www-form-urlencoded"})).append("\r\n");
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        if (m.nextInt(15) == 0) {
            head.append(m.pick(new String[] {"Accept: text/html", "Accept: application/xml", "Accept: */*",
                    "Accept: application/json;q=0", "Accept-Charset: nope"})).append("\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        if (body != null) {
            out.writeBytes(body);
        }
        return out.toByteArray();
    }

    private static String var(Mutator m, String[] values) {
        return m.nextInt(15) == 0 ? encode(m.token()) : encode(m.pick(values));
    }

    /** The real id most of the time, else a damaged or made-up one (percent-encoded where it must be). */
    private static String idOr(Mutator m, String id) {
        return m.nextInt(4) == 0 ? mutatedId(m, id) : id;
    }

    private static String mutatedId(Mutator m, String id) {
        return switch (m.nextInt(9)) {
            case 0 -> encode(m.token());
            case 1 -> UUID.randomUUID().toString();
            case 2 -> "00000000-0000-0000-0000-000000000000";
            case 3 -> id.substring(0, id.length() - 1);
            case 4 -> id.toUpperCase(java.util.Locale.ROOT);
            case 5 -> id + "0";
            case 6 -> id.replace('-', '_');
            case 7 -> "%zz";
            default -> encode(id.substring(0, 8) + m.pick(new String[] {"'", "\"", "..", "\u00fc", " "}));
        };
    }

    private static String param(Mutator m, String p, Fixtures f) {
        if (m.nextInt(12) == 0) {
            return m.token();
        }
        return switch (p) {
            case "pageSize", "page", "limit", "interval", "startTs", "endTs" -> m.nextInt(3) == 0 ? m.pick(NUMBERS)
                    : Long.toString(p.endsWith("Ts") ? 1_700_000_000_000L + m.random().nextInt(1 << 30) : m.nextInt(50));
            case "sortProperty" -> m.pick(SORTS);
            case "sortOrder", "orderBy" -> m.pick(ORDERS);
            case "textSearch", "deviceName", "type" -> m.pick(TEXTS);
            case "keys", "objectIds" -> m.pick(new String[] {"temperature", "a,b", ",", "", "temperature,,x", "3_1.2",
                    "3,5", "x".repeat(300), "active"});
            case "agg" -> m.pick(AGGS);
            case "accessToken" -> m.pick(new String[] {"fuzz-" + m.nextInt(1000), "", " ", "x".repeat(300)});
            case "transportType", "resourceType", "rpcStatus" -> m.pick(ENUMS);
            default -> m.pick(new String[] {"true", "false", "x", "", "1"});
        };
    }

    private byte[] body(Mutator m, String kind, Fixtures f) {
        if (m.nextInt(8) == 0) {
            return m.json().getBytes(StandardCharsets.ISO_8859_1);
        }
        String ref = "{\"entityType\":\"DEVICE_PROFILE\",\"id\":\"" + f.profile() + "\"}";
        String doc = switch (kind) {
            case "device" -> "{\"name\":" + text(m) + ",\"type\":" + text(m) + ",\"label\":" + text(m)
                    + (m.nextInt(2) == 0 ? ",\"deviceProfileId\":" + (m.nextInt(3) == 0 ? m.edgeValue() : ref) : "")
                    + (m.nextInt(4) == 0 ? ",\"id\":{\"entityType\":\"DEVICE\",\"id\":" + m.edgeValue() + "}" : "")
                    + (m.nextInt(3) == 0 ? ",\"version\":" + m.edgeValue() : "")
                    + ",\"additionalInfo\":" + m.json() + "}";
            case "deviceWithCredentials" -> "{\"device\":{\"name\":" + text(m) + "},\"credentials\":" + credentials(m, null) + "}";
            case "credentials" -> credentials(m, f.device());
            case "profile" -> "{\"name\":" + text(m) + ",\"type\":" + enumValue(m) + ",\"transportType\":" + enumValue(m)
                    + ",\"provisionType\":" + enumValue(m) + ",\"profileData\":" + m.json() + "}";
            case "rpc" -> "{\"method\":" + text(m) + ",\"params\":" + m.json() + ",\"timeout\":"
                    + m.pick(new String[] {"5000", "0", "-1", "x", "99999999999999999999", "1e400", "null"})
                    + ",\"persistent\":" + m.pick(new String[] {"true", "true", "true", "true", "false", "x", "1"})
                    + ",\"expirationTime\":" + m.edgeValue() + ",\"retries\":" + m.edgeValue() + "}";
            case "ota" -> "{\"title\":" + text(m) + ",\"version\":" + text(m) + ",\"type\":" + enumValue(m)
                    + ",\"deviceProfileId\":" + (m.nextInt(3) == 0 ? m.edgeValue() : ref)
                    + (m.nextInt(2) == 0 ? ",\"url\":" + text(m) : "") + ",\"checksumAlgorithm\":" + enumValue(m) + "}";
            case "customer" -> "{\"title\":" + text(m) + ",\"email\":" + text(m) + ",\"additionalInfo\":" + m.json() + "}";
            case "user" -> "{\"email\":" + m.pick(new String[] {"\"fuzz" + m.nextInt(100000) + "@x.io\"", "\"x\"", "\"\"",
                    "null", "1"}) + ",\"authority\":" + m.pick(new String[] {"\"CUSTOMER_USER\"", "\"TENANT_ADMIN\"",
                    "\"SYS_ADMIN\"", "\"x\"", "null"}) + ",\"customerId\":{\"entityType\":\"CUSTOMER\",\"id\":"
                    + m.pick(new String[] {"\"" + f.customer() + "\"", "\"x\"", "null", "1"}) + "}}";
            case "apiKey" -> "{\"description\":" + text(m) + ",\"expirationTime\":" + m.edgeValue() + "}";
            case "resource" -> "{\"resourceType\":" + enumValue(m) + ",\"title\":" + text(m) + ",\"fileName\":" + text(m)
                    + ",\"data\":" + m.pick(new String[] {"\"PE9iamVjdC8+\"", "\"!!\"", "\"\"", "1", "null",
                    "\"" + java.util.Base64.getEncoder().encodeToString(m.json().getBytes(StandardCharsets.ISO_8859_1)) + "\""}) + "}";
            case "refresh" -> "{\"refreshToken\":" + m.pick(new String[] {"\"" + f.refresh() + "\"", "\"x\"", "null", "1",
                    "\"" + f.jwt() + "\""}) + "}";
            default -> m.json();
        };
        byte[] b = doc.getBytes(StandardCharsets.UTF_8);
        return m.nextInt(5) == 0 ? m.mutate(b, 65536) : b;
    }

    private static String credentials(Mutator m, String device) {
        return "{" + (device == null ? "" : "\"deviceId\":{\"entityType\":\"DEVICE\",\"id\":\"" + device + "\"},")
                + "\"credentialsType\":" + m.pick(new String[] {"\"ACCESS_TOKEN\"", "\"X509_CERTIFICATE\"", "\"MQTT_BASIC\"",
                "\"LWM2M_CREDENTIALS\"", "\"x\"", "null"}) + ",\"credentialsId\":" + text(m) + ",\"credentialsValue\":"
                + m.pick(new String[] {"null", "\"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\"",
                "\"{\\\"clientId\\\":1}\"", "{\"clientId\":\"a\",\"userName\":\"b\",\"password\":\"c\"}", "\"x\"", "[]",
                "{\"client\":{\"securityConfigClientMode\":\"x\"}}"}) + "}";
    }

    private static String text(Mutator m) {
        return m.nextInt(4) == 0 ? m.edgeValue() : "\"" + m.pick(TEXTS).replace("\\", "\\\\").replace("\"", "\\\"")
                .replace("\u0000", "\\u0000") + m.nextInt(100000) + "\"";
    }

    private static String enumValue(Mutator m) {
        return m.nextInt(5) == 0 ? m.edgeValue() : "\"" + m.pick(ENUMS) + "\"";
    }

    private static String[] cat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    // ---- set-up calls

    private static String call(Conn c, String method, String path, String jwt, String body) throws IOException {
        byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        String head = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n"
                + (jwt == null ? "" : "X-Authorization: Bearer " + jwt + "\r\n")
                + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: " + b.length + "\r\n") + "\r\n";
        c.out.write(head.getBytes(StandardCharsets.UTF_8));
        c.out.write(b);
        c.out.flush();
        HttpWire.Response r = HttpWire.read(c.in, false);
        String text = r == null ? "" : new String(r.body(), StandardCharsets.UTF_8);
        if (r == null || r.code() != 200) {
            throw new IOException(method + " " + path + " answered " + (r == null ? "nothing" : r.code() + " " + text));
        }
        return text;
    }

    private static String field(String json, String name) throws IOException {
        Matcher mt = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
        if (!mt.find()) {
            throw new IOException("no " + name + " in " + json);
        }
        return mt.group(1);
    }

    private static String id(String json, String entityType) throws IOException {
        Matcher mt = Pattern.compile("\\{\"entityType\"\\s*:\\s*\"" + entityType + "\"\\s*,\\s*\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"")
                .matcher(json);
        if (!mt.find()) {
            throw new IOException("no " + entityType + " id in " + json);
        }
        return mt.group(1);
    }
}
