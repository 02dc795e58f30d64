package io.mote.transport.mqtt.ota;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.netty.handler.codec.mqtt.MqttReasonCodes;

import io.mote.common.error.MoteException;
import io.mote.transport.api.OtaPackageRef;
import io.mote.transport.api.OtaPackageType;
import io.mote.transport.mqtt.MqttConnection;
import io.mote.transport.mqtt.MqttUtil;
import io.mote.transport.mqtt.Publish;

/**
 * Firmware and software downloads in chunks: {@code v2/fw/request/{requestId}/chunk/{n}} with the chunk
 * size as payload (empty = the size asked for last under that request id) is answered on
 * {@code v2/fw/response/{requestId}/chunk/{n}}, errors on {@code v2/fw/error}; {@code v2/sw/...} likewise.
 * One per connection, created on first use, touched on its event loop only.
 */
public final class FirmwareChunks {

    public static final String FIRMWARE = "v2/fw/";
    public static final String SOFTWARE = "v2/sw/";
    /** Request ids whose chunk size is remembered, at most. */
    private static final int MAX_REMEMBERED = 16;

    private final MqttConnection connection;
    /** Chunk size last asked for per request id. */
    private final Map<String, Integer> chunkSizes = new HashMap<>(2);

    public FirmwareChunks(MqttConnection connection) {
        this.connection = connection;
    }

    public static boolean isRequestTopic(String topic) {
        return topic.startsWith(FIRMWARE + "request/") || topic.startsWith(SOFTWARE + "request/");
    }

    /** A subscription a device may make for its chunks and errors. */
    public static boolean isResponseFilter(String f, String prefix) {
        return f.equals(prefix + "response/+/chunk/+") || f.equals(prefix + "response/#") || f.equals(prefix + "error")
                || f.equals(prefix + "#");
    }

    public void request(Publish p) {
        MqttConnection c = connection;
        boolean firmware = p.topic().startsWith(FIRMWARE);
        String prefix = firmware ? FIRMWARE : SOFTWARE;
        String[] levels = p.topic().split("/");
        if (levels.length != 6 || !levels[4].equals("chunk")) {
            c.reject(p, MqttReasonCodes.PubAck.TOPIC_NAME_INVALID, "Expected " + prefix + "request/{requestId}/chunk/{n}");
            return;
        }
        String requestId = levels[3];
        int chunk = MqttUtil.intLevel(levels[5], "chunk");
        int size = chunkSize(requestId, p.text().trim());
        String errorTopic = prefix + "error";
        byte qos = MqttUtil.qosOr0(firmware ? c.subscriptions().firmware() : c.subscriptions().software());
        int max = c.maxPayloadSize();
        if (size > max) {
            c.publish(errorTopic, ("Chunk size " + size + " is over the maximum payload size " + max)
                    .getBytes(StandardCharsets.UTF_8), qos);
            c.ack(p);
            return;
        }
        String responseTopic = prefix + "response/" + requestId + "/chunk/" + chunk;
        OtaPackageType type = firmware ? OtaPackageType.FIRMWARE : OtaPackageType.SOFTWARE;
        c.complete(p, c.transport().otaPackage(c.device(), type).thenCompose(ref -> {
            if (ref.isEmpty()) {
                c.publish(errorTopic, ("No " + (firmware ? "firmware" : "software") + " is assigned to the device")
                        .getBytes(StandardCharsets.UTF_8), qos);
                return CompletableFuture.completedFuture(null);
            }
            OtaPackageRef pkg = ref.get();
            int length = size == 0 ? (int) Math.min(pkg.size(), max) : size;
            long offset = size == 0 ? 0 : (long) chunk * size;
            if (size == 0 && chunk > 0) {
                offset = pkg.size();
            }
            return c.transport().otaData(pkg.id(), offset, length).thenAccept(data -> c.publish(responseTopic, data, qos));
        }));
    }

    private int chunkSize(String requestId, String sizeText) {
        if (sizeText.isEmpty()) {
            return chunkSizes.getOrDefault(requestId, 0);
        }
        int size;
        try {
            size = Integer.parseInt(sizeText);
        } catch (NumberFormatException e) {
            throw MoteException.badRequest("Chunk size must be an integer");
        }
        if (size < 0) {
            throw MoteException.badRequest("Chunk size must not be negative");
        }
        if (chunkSizes.size() < MAX_REMEMBERED || chunkSizes.containsKey(requestId)) {
            chunkSizes.put(requestId, size);
        }
        return size;
    }
}
