package io.mote.transport.lwm2m.ota;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Consumer;

import org.eclipse.leshan.core.model.ResourceModel;
import org.eclipse.leshan.core.node.LwM2mMultipleResource;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.CreateRequest;
import org.eclipse.leshan.core.request.WriteRequest;
import org.eclipse.leshan.core.response.LwM2mResponse;
import org.eclipse.leshan.server.registration.Registration;

import io.mote.common.json.Json;
import io.mote.transport.api.OtaPackageRef;

/**
 * BinaryAppDataContainer (Object 19) as ThingsBoard uses it for updates: resource 0 (Data, multi-instance
 * opaque) of instance 0 carries the package of {@code fwUpdateStrategy} 3, and instances 65533 (firmware)
 * and 65534 (software) carry the package's metadata when {@code useObject19ForOtaInfo} is set. Bytes go into
 * resource instance 0 of Data, written as the whole multi-instance resource (Replace, SenML CBOR or TLV), so
 * a 1.0 client takes it too; an instance the client lacks is created with that resource.
 */
final class DataContainer {

    static final int OBJECT = 19;
    static final int DATA = 0;
    /** The instance the package of strategy 3 goes into. */
    static final int PACKAGE_INSTANCE = 0;

    private DataContainer() {
    }

    /** Whether the client announced Object 19. */
    static boolean supported(Registration r) {
        return r.getSupportedVersion(OBJECT) != null;
    }

    /** The instance holding the metadata of a firmware (65533) or software (65534) package. */
    static int infoInstance(UpdateObject object) {
        return object == UpdateObject.FIRMWARE ? 65533 : 65534;
    }

    /** Where {@link #write} puts the bytes. */
    static String path(int instance) {
        return "/" + OBJECT + "/" + instance + "/" + DATA + "/0";
    }

    /**
     * The metadata ThingsBoard writes, as UTF-8 JSON: {@code title}, {@code version}, {@code checksum} (the
     * file's SHA-256 in hex, whatever the package's own checksum algorithm), {@code dataSize}, {@code fileName}.
     */
    static byte[] info(OtaPackageRef pkg, byte[] data) {
        var json = Json.object().put("title", pkg.title()).put("version", pkg.version())
                .put("checksum", sha256(data)).put("dataSize", data.length);
        if (pkg.fileName() != null) {
            json.put("fileName", pkg.fileName());
        }
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Writes {@code bytes} into Data instance 0 of the object instance: a Write (Replace) of the resource when
     * the client has the instance, else a Create of the instance with it. {@code onResponse} gets the answer.
     */
    static void write(OtaClient client, int instance, byte[] bytes, long timeoutMs,
                      Consumer<LwM2mResponse> onResponse, Consumer<Exception> onError) {
        Registration r = client.registration();
        if (r.getAvailableInstances().contains(new LwM2mPath(OBJECT, instance))) {
            client.send(new WriteRequest(format(r), OBJECT, instance, DATA, Map.of(0, bytes), ResourceModel.Type.OPAQUE),
                    timeoutMs, onResponse::accept, onError);
        } else {
            var data = LwM2mMultipleResource.newBinaryResource(DATA, Map.of(0, bytes));
            client.send(new CreateRequest(format(r), OBJECT, new LwM2mObjectInstance(instance, data)), timeoutMs,
                    onResponse::accept, onError);
        }
    }

    /**
     * A format that carries a multi-instance resource with its bytes as they are: SenML CBOR when the client
     * announced it, else TLV (LwM2M 1.0's, which 1.1 and 1.2 keep). SenML JSON would base64 them.
     */
    static ContentFormat format(Registration r) {
        var announced = r.getSupportedContentFormats();
        return announced != null && announced.contains(ContentFormat.SENML_CBOR) ? ContentFormat.SENML_CBOR
                : ContentFormat.TLV;
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
