package io.mote.server.it.coap;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;

import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;
import io.mote.server.it.Api;

/** Firmware download over CoAP (blockwise, and by chunk), and claiming. */
class CoapOtaTest {

    private final Api anon = Coap.server().api();

    @Test
    void firmwareDownloadsBlockwiseAndByChunkWithTheRightChecksum() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("coap-fw");
        Api tenant = d.tenant();
        byte[] image = new byte[100_000 + 123];
        new Random(11).nextBytes(image);
        String profileId = Api.id(tenant.get("/api/deviceProfileInfo/default").ok());
        ObjectNode pkg = Json.object().put("title", "fw").put("version", "1.2").put("type", "FIRMWARE");
        pkg.putObject("deviceProfileId").put("entityType", "DEVICE_PROFILE").put("id", profileId);
        String pkgId = Api.id(tenant.post("/api/otaPackage", pkg).ok());
        tenant.postFile("/api/otaPackage/" + pkgId + "?checksumAlgorithm=SHA256", "file", "fw.bin",
                "application/octet-stream", image).ok();
        ObjectNode device = (ObjectNode) tenant.get("/api/device/" + d.id()).ok();
        device.putObject("firmwareId").put("entityType", "OTA_PACKAGE").put("id", pkgId);
        tenant.post("/api/device", device).ok();

        CoapClient c = Coap.client("/api/v1/" + d.token() + "/firmware?title=fw&version=1.2");
        try {
            CoapResponse r = c.get();
            assertThat(r.getCode()).isEqualTo(ResponseCode.CONTENT);
            byte[] got = r.getPayload();
            assertThat(got).hasSize(image.length);
            assertThat(MessageDigest.getInstance("SHA-256").digest(got))
                    .isEqualTo(MessageDigest.getInstance("SHA-256").digest(image));

            c.setURI(Coap.uri("/api/v1/" + d.token() + "/firmware?title=fw&version=1.2&size=500&chunk=3"));
            assertThat(c.get().getPayload()).isEqualTo(Arrays.copyOfRange(image, 1500, 2000));

            c.setURI(Coap.uri("/api/v1/" + d.token() + "/firmware?title=fw&version=9.9"));
            assertThat(c.get().getCode()).isEqualTo(ResponseCode.NOT_FOUND);
            c.setURI(Coap.uri("/api/v1/" + d.token() + "/software?title=fw&version=1.2"));
            assertThat(c.get().getCode()).isEqualTo(ResponseCode.NOT_FOUND);
        } finally {
            c.shutdown();
        }
    }

    @Test
    void claimIsAccepted() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("coap-claim");
        CoapClient c = Coap.client("/api/v1/" + d.token() + "/claim");
        try {
            CoapResponse r = c.post("{\"secretKey\":\"value\",\"durationMs\":60000}", MediaTypeRegistry.APPLICATION_JSON);
            assertThat(r.getCode()).as(r.getResponseText()).isEqualTo(ResponseCode.CREATED);
            assertThat(c.post("{\"secretKey\":", MediaTypeRegistry.APPLICATION_JSON).getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
        } finally {
            c.shutdown();
        }
    }
}
