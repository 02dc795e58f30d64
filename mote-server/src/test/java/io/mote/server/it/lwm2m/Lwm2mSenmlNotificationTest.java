package io.mote.server.it.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Composite notifications in the forms C clients send them (timestamped records, relative names, integers and
 * floats of every CBOR width by value), from a bare CoAP client announcing LwM2M 1.2; a payload that cannot be
 * decoded ends its observation, said in transportLog.
 */
class Lwm2mSenmlNotificationTest extends Lwm2mTestBase {

    private RawLwm2mClient raw;

    @AfterEach
    void closeRaw() {
        if (raw != null) {
            raw.close();
        }
    }

    private static long nowSeconds() {
        return System.currentTimeMillis() / 1000;
    }

    @Test
    void senmlCborNotificationsOfEveryNumberForm() throws Exception {
        // The first answer is timestamped (bt), which Leshan's decoder refused in a composite answer.
        registerRawWith("112", 112, SenmlCbor.record("/3/0/", nowSeconds(), "9", c -> c.integer(75)));
        awaitTelemetry("batteryLevel", "75");
        raw.notify(112, SenmlCbor.record("/3/0/", null, "9", c -> c.half(60.0f))); // integral half float
        awaitTelemetry("batteryLevel", "60");
        raw.notify(112, SenmlCbor.record("/3/0/9", null, null, c -> c.single(42.0f))); // base name alone, single float
        awaitTelemetry("batteryLevel", "42");
        raw.notify(112, SenmlCbor.record("/3/0/", null, "9", c -> c.dbl(17.0))); // double
        awaitTelemetry("batteryLevel", "17");

        raw.notify(112, new byte[] {(byte) 0x9f, 0x01}); // an unterminated indefinite array: not SenML
        assertThat(awaitLog("observation cancelled")).contains("Notification of [/3/0/9] cannot be decoded");
        assertThat(rpc("ObserveReadAll", "{}").get("value").asString()).isEqualTo("[]");
    }

    @Test
    void senmlJsonNotificationsWithTimesAndExponents() throws Exception {
        long now = nowSeconds();
        registerRawWith("110", 110, ("[{\"bn\":\"/3/0/\",\"bt\":" + now + ",\"n\":\"9\",\"v\":70,\"t\":-2},"
                + "{\"n\":\"9\",\"v\":71}]").getBytes(StandardCharsets.UTF_8));
        awaitTelemetry("batteryLevel", "71"); // the newest of the two
        raw.notify(110, "[{\"bn\":\"/3/0/9\",\"v\":6.5e1}]".getBytes(StandardCharsets.UTF_8));
        awaitTelemetry("batteryLevel", "65");
        raw.notify(110, "[{\"n\":\"/3/0/9\",\"v\":\"not a number\"}]".getBytes(StandardCharsets.UTF_8));
        assertThat(awaitLog("observation cancelled")).contains("Notification of [/3/0/9] cannot be decoded");
    }

    private void registerRawWith(String ct, int format, byte[] firstAnswer) throws Exception {
        setUp(Profiles.transport(Map.of(dev + "9", "batteryLevel"), new String[0], new String[] {dev + "9"},
                new String[] {dev + "9"}, "COMPOSITE_ALL"));
        raw = new RawLwm2mClient(server.lwm2mPort(), endpoint, "1.2",
                "</>;ct=\"" + ct + "\",</1/0>,</3>;ver=" + TestClient.deviceVersion() + ",</3/0>", format, firstAnswer);
    }
}
