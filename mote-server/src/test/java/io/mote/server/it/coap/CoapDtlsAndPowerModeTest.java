package io.mote.server.it.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapObserveRelation;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;
import org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider;
import org.eclipse.californium.scandium.dtls.x509.StaticNewAdvancedCertificateVerifier;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;
import io.mote.server.it.Api;
import io.mote.transport.dtls.DtlsServerCredentials;

/** The token-less API over DTLS (X.509 and PSK), power-saving devices, and PROTOBUF profiles. */
class CoapDtlsAndPowerModeTest {

    private final Api anon = Coap.server().api();

    private static CoapClient dtlsClient(String path, DtlsConnectorConfig.Builder b) {
        return dtlsClient(path, b, true);
    }

    private static CoapClient dtlsClient(String path, DtlsConnectorConfig.Builder b, boolean certificates) {
        b.setAddress(new InetSocketAddress(0));
        if (certificates) {
            b.setAdvancedCertificateVerifier(StaticNewAdvancedCertificateVerifier.builder().setTrustAllCertificates().build());
        }
        CoapClient c = new CoapClient("coaps://127.0.0.1:" + Coap.server().coapDtlsPort() + path);
        c.setEndpoint(new CoapEndpoint.Builder().setConfiguration(Coap.CONFIG).setConnector(new DTLSConnector(b.build())).build());
        c.setTimeout(20_000L);
        return c;
    }

    /** A client that offers PSK cipher suites only (else it would pick a certificate suite and stay anonymous). */
    private static org.eclipse.californium.elements.config.Configuration pskOnly() {
        var config = new org.eclipse.californium.elements.config.Configuration(Coap.CONFIG);
        config.set(org.eclipse.californium.scandium.config.DtlsConfig.DTLS_CIPHER_SUITES,
                java.util.List.of(org.eclipse.californium.scandium.dtls.cipher.CipherSuite.TLS_PSK_WITH_AES_128_CCM_8));
        return config;
    }

    private static ObjectNode creds(String deviceId, String type, String id, String value) {
        ObjectNode c = Json.object();
        c.putObject("deviceId").put("entityType", "DEVICE").put("id", deviceId);
        c.put("credentialsType", type);
        if (id != null) {
            c.put("credentialsId", id);
        }
        c.put("credentialsValue", value);
        return c;
    }

    @Test
    void tokenlessOperationsWithASelfSignedClientCertificate() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("coap-x509");
        KeyPair pair = DtlsServerCredentials.generateEcKeyPair();
        X509Certificate cert = DtlsServerCredentials.selfSigned(pair, "device-" + UUID.randomUUID(), Duration.ofDays(2));
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(pem)) {
            w.writeObject(cert);
        }
        d.tenant().post("/api/device/credentials", creds(d.id(), "X509_CERTIFICATE", null, pem.toString())).ok();

        CoapClient c = dtlsClient("/api/v1/telemetry", DtlsConnectorConfig.builder(Coap.CONFIG)
                .setCertificateIdentityProvider(new SingleCertificateProvider(pair.getPrivate(), new Certificate[] {cert},
                        CertificateType.X_509)));
        try {
            assertThat(c.post("{\"secure\":1}", MediaTypeRegistry.APPLICATION_JSON).getCode()).isEqualTo(ResponseCode.CREATED);
            c.setURI("coaps://127.0.0.1:" + Coap.server().coapDtlsPort() + "/api/v1/attributes");
            assertThat(c.post("{\"fw\":\"2\"}", MediaTypeRegistry.APPLICATION_JSON).getCode()).isEqualTo(ResponseCode.CREATED);
            c.setURI("coaps://127.0.0.1:" + Coap.server().coapDtlsPort() + "/api/v1/attributes?clientKeys=fw");
            assertThat(Json.parse(c.get().getResponseText()).get("client").get("fw").asString()).isEqualTo("2");
        } finally {
            c.shutdown();
        }
        JsonNode v = d.tenant().get("/api/plugins/telemetry/DEVICE/" + d.id() + "/values/timeseries?keys=secure").ok();
        assertThat(v.get("secure").get(0).get("value").asString()).isEqualTo("1");
    }

    @Test
    void unknownClientCertificateIsRefused() throws Exception {
        KeyPair pair = DtlsServerCredentials.generateEcKeyPair();
        X509Certificate cert = DtlsServerCredentials.selfSigned(pair, "stranger", Duration.ofDays(2));
        CoapClient c = dtlsClient("/api/v1/telemetry", DtlsConnectorConfig.builder(Coap.CONFIG)
                .setCertificateIdentityProvider(new SingleCertificateProvider(pair.getPrivate(), new Certificate[] {cert},
                        CertificateType.X_509)));
        c.setTimeout(5_000L);
        try {
            assertThatThrownBy(() -> c.post("{\"x\":1}", MediaTypeRegistry.APPLICATION_JSON))
                    .hasMessageContaining("BAD_CERTIFICATE");
        } finally {
            c.shutdown();
        }
    }

    @Test
    void tokenlessOperationsWithPsk() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("coap-psk");
        String identity = "psk-" + UUID.randomUUID();
        String key = "000102030405060708090a0b0c0d0e0f";
        ObjectNode value = Json.object();
        value.putObject("client").put("securityConfigClientMode", "PSK").put("endpoint", identity)
                .put("identity", identity).put("key", key);
        value.putObject("bootstrap");
        d.tenant().post("/api/device/credentials", creds(d.id(), "LWM2M_CREDENTIALS", null, Json.write(value))).ok();

        CoapClient c = dtlsClient("/api/v1/telemetry", DtlsConnectorConfig.builder(pskOnly())
                .setAdvancedPskStore(new AdvancedSinglePskStore(identity, HexFormat.of().parseHex(key))), false);
        try {
            CoapResponse r = c.post("{\"viaPsk\":true}", MediaTypeRegistry.APPLICATION_JSON);
            assertThat(r.getCode()).as(r.getResponseText()).isEqualTo(ResponseCode.CREATED);
        } finally {
            c.shutdown();
        }
        JsonNode v = d.tenant().get("/api/plugins/telemetry/DEVICE/" + d.id() + "/values/timeseries?keys=viaPsk").ok();
        assertThat(v.get("viaPsk").get(0).get("value").asString()).isEqualTo("true");

        // A wrong key fails the handshake.
        CoapClient wrong = dtlsClient("/api/v1/telemetry", DtlsConnectorConfig.builder(pskOnly())
                .setAdvancedPskStore(new AdvancedSinglePskStore(identity, HexFormat.of().parseHex("ff" + key.substring(2)))), false);
        wrong.setTimeout(5_000L);
        try {
            CoapResponse refused = null;
            try {
                refused = wrong.post("{\"x\":1}", MediaTypeRegistry.APPLICATION_JSON);
            } catch (java.io.IOException expected) {
                // the handshake failed
            }
            assertThat(refused).isNull();
        } finally {
            wrong.shutdown();
        }
    }

    /** A DTLS client of a device whose credentials are a new self-signed certificate. */
    private static CoapClient x509Device(Api.TestDevice d, String path) throws Exception {
        KeyPair pair = DtlsServerCredentials.generateEcKeyPair();
        X509Certificate cert = DtlsServerCredentials.selfSigned(pair, "device-" + UUID.randomUUID(), Duration.ofDays(2));
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(pem)) {
            w.writeObject(cert);
        }
        d.tenant().post("/api/device/credentials", creds(d.id(), "X509_CERTIFICATE", null, pem.toString())).ok();
        return dtlsClient(path, DtlsConnectorConfig.builder(Coap.CONFIG)
                .setCertificateIdentityProvider(new SingleCertificateProvider(pair.getPrivate(), new Certificate[] {cert},
                        CertificateType.X_509)));
    }

    /** A DTLS client of a device whose credentials are a PSK (LWM2M_CREDENTIALS in mode PSK). */
    private static CoapClient pskDevice(Api.TestDevice d, String path) {
        String identity = "psk-" + UUID.randomUUID();
        String key = "000102030405060708090a0b0c0d0e0f";
        ObjectNode value = Json.object();
        value.putObject("client").put("securityConfigClientMode", "PSK").put("endpoint", identity)
                .put("identity", identity).put("key", key);
        value.putObject("bootstrap");
        d.tenant().post("/api/device/credentials", creds(d.id(), "LWM2M_CREDENTIALS", null, Json.write(value))).ok();
        return dtlsClient(path, DtlsConnectorConfig.builder(pskOnly())
                .setAdvancedPskStore(new AdvancedSinglePskStore(identity, HexFormat.of().parseHex(key))), false);
    }

    private static String secure(String path) {
        return "coaps://127.0.0.1:" + Coap.server().coapDtlsPort() + path;
    }

    /** Token-less observe of shared attributes and of RPC, and the RPC answer, over one DTLS session. */
    private static void observeAndRpc(Api.TestDevice d, CoapClient c) throws Exception {
        try {
            c.setURI(secure("/api/v1/attributes"));
            Notifications attrs = new Notifications();
            CoapObserveRelation ra = c.observeAndWait(attrs);
            CoapResponse first = attrs.responses.poll(10, TimeUnit.SECONDS);
            assertThat(first).isNotNull();
            assertThat(first.getOptions().getObserve()).isZero();
            assertThat(first.getResponseText()).isEqualTo("{}");
            d.tenant().post("/api/plugins/telemetry/DEVICE/" + d.id() + "/attributes/SHARED_SCOPE", "{\"secureMode\":\"on\"}").ok();
            CoapResponse change = attrs.responses.poll(10, TimeUnit.SECONDS);
            assertThat(change).isNotNull();
            assertThat(Json.parse(change.getResponseText()).get("secureMode").asString()).isEqualTo("on");

            c.setURI(secure("/api/v1/rpc"));
            Notifications rpc = new Notifications();
            CoapObserveRelation rr = c.observeAndWait(rpc);
            CoapResponse empty = rpc.responses.poll(10, TimeUnit.SECONDS);
            assertThat(empty).isNotNull();
            assertThat(empty.getOptions().getObserve()).isZero();
            CompletableFuture<Api.Res> call = CompletableFuture.supplyAsync(() -> d.tenant().post("/api/rpc/twoway/" + d.id(),
                    "{\"method\":\"setGpio\",\"params\":{\"pin\":7}}"));
            CoapResponse request = rpc.responses.poll(20, TimeUnit.SECONDS);
            assertThat(request).isNotNull();
            JsonNode req = Json.parse(request.getResponseText());
            assertThat(req.get("method").asString()).isEqualTo("setGpio");
            c.setURI(secure("/api/v1/rpc/" + req.get("id").asInt()));
            assertThat(c.post("{\"result\":\"done\"}", MediaTypeRegistry.APPLICATION_JSON).getCode()).isEqualTo(ResponseCode.CREATED);
            Api.Res res = call.get(20, TimeUnit.SECONDS);
            assertThat(res.status()).isEqualTo(200);
            assertThat(res.json().get("result").asString()).isEqualTo("done");
            ra.proactiveCancel();
            rr.proactiveCancel();
        } finally {
            c.shutdown();
        }
    }

    @Test
    void tokenlessObserveAndRpcWithAClientCertificate() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("coap-x509-observe");
        observeAndRpc(d, x509Device(d, "/api/v1/attributes"));
    }

    @Test
    void tokenlessObserveAndRpcWithPsk() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("coap-psk-observe");
        observeAndRpc(d, pskDevice(d, "/api/v1/attributes"));
    }

    private static String coapProfile(Api tenant, String clientSettings, String payloadType) {
        String profile = "{\"name\":\"coap-" + UUID.randomUUID() + "\",\"type\":\"DEFAULT\",\"transportType\":\"COAP\","
                + "\"profileData\":{\"configuration\":{\"type\":\"DEFAULT\"},\"transportConfiguration\":{\"type\":\"COAP\","
                + "\"coapDeviceTypeConfiguration\":{\"coapDeviceType\":\"DEFAULT\",\"transportPayloadTypeConfiguration\":"
                + "{\"transportPayloadType\":\"" + payloadType + "\"}},\"clientSettings\":" + clientSettings + "}}}";
        return Api.id(tenant.post("/api/deviceProfile", profile).ok());
    }

    private static String device(Api tenant, String profileId, String token) {
        return Api.id(tenant.post("/api/device?accessToken=" + token, "{\"name\":\"" + token + "\",\"deviceProfileId\":"
                + "{\"entityType\":\"DEVICE_PROFILE\",\"id\":\"" + profileId + "\"},\"deviceData\":{\"configuration\":"
                + "{\"type\":\"DEFAULT\"},\"transportConfiguration\":{\"type\":\"COAP\"}}}").ok());
    }


    @Test
    void psmDeviceGetsHeldNotificationsAndRpcWhenNextHeardFrom() throws Exception {
        Api tenant = anon.newTenant();
        String profile = coapProfile(tenant, "{\"powerMode\":\"PSM\",\"psmActivityTimer\":1500}", "JSON");
        String token = "psm-" + UUID.randomUUID();
        String id = device(tenant, profile, token);

        CoapClient attrs = Coap.client("/api/v1/" + token + "/attributes");
        CoapClient rpc = Coap.client("/api/v1/" + token + "/rpc");
        CoapClient uplink = Coap.client("/api/v1/" + token + "/telemetry");
        try {
            Notifications a = new Notifications();
            Notifications r = new Notifications();
            CoapObserveRelation ra = attrs.observeAndWait(a);
            CoapObserveRelation rr = rpc.observeAndWait(r);
            assertThat(a.responses.poll(10, TimeUnit.SECONDS)).isNotNull();
            assertThat(r.responses.poll(10, TimeUnit.SECONDS)).isNotNull();

            Thread.sleep(2000); // past the activity timer: the device sleeps
            tenant.post("/api/plugins/telemetry/DEVICE/" + id + "/attributes/SHARED_SCOPE", "{\"target\":21}").ok();
            tenant.post("/api/plugins/telemetry/DEVICE/" + id + "/attributes/SHARED_SCOPE", "{\"mode\":\"eco\"}").ok();
            CompletableFuture<Api.Res> call = CompletableFuture.supplyAsync(() -> tenant.post("/api/rpc/oneway/" + id,
                    "{\"method\":\"reboot\",\"params\":{},\"timeout\":30000}"));
            assertThat(a.responses.poll(1500, TimeUnit.MILLISECONDS)).as("held while asleep").isNull();
            assertThat(r.responses.poll(100, TimeUnit.MILLISECONDS)).as("held while asleep").isNull();

            assertThat(uplink.post("{\"wake\":1}", MediaTypeRegistry.APPLICATION_JSON).getCode()).isEqualTo(ResponseCode.CREATED);
            CoapResponse held = a.responses.poll(10, TimeUnit.SECONDS);
            assertThat(held).isNotNull();
            JsonNode merged = Json.parse(held.getResponseText());
            assertThat(merged.get("target").asInt()).isEqualTo(21);
            assertThat(merged.get("mode").asString()).isEqualTo("eco");
            CoapResponse request = r.responses.poll(10, TimeUnit.SECONDS);
            assertThat(request).isNotNull();
            assertThat(Json.parse(request.getResponseText()).get("method").asString()).isEqualTo("reboot");
            assertThat(call.get(20, TimeUnit.SECONDS).status()).isEqualTo(200);
            ra.proactiveCancel();
            rr.proactiveCancel();
        } finally {
            attrs.shutdown();
            rpc.shutdown();
            uplink.shutdown();
        }
    }
}
