package io.mote.transport.coap;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.eclipse.californium.core.coap.BlockOption;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Response;

import io.mote.transport.api.OtaPackageRef;
import io.mote.transport.api.OtaPackageType;
import io.mote.transport.api.TransportService;

/**
 * The answer to a firmware or software download: the assigned package's whole image blockwise (RFC 7959
 * Block2, at most 1024-byte blocks), or one {@code chunk} of {@code size} bytes as ThingsBoard's CoAP API
 * serves it.
 */
final class OtaDownload {

    private static final int DEFAULT_BLOCK_SZX = BlockOption.size2Szx(1024);

    private OtaDownload() {
    }

    static CompletableFuture<Response> answer(TransportService transport, OtaPackageType type,
                                              Optional<OtaPackageRef> assigned, String title, String version,
                                              int size, int chunk, BlockOption block2) {
        String kind = type == OtaPackageType.FIRMWARE ? "firmware" : "software";
        if (assigned.isEmpty()) {
            throw new CoapError(ResponseCode.NOT_FOUND, "No " + kind + " is assigned to the device");
        }
        OtaPackageRef p = assigned.get();
        if (!title.equals(p.title()) || !version.equals(p.version())) {
            throw new CoapError(ResponseCode.NOT_FOUND, "The assigned " + kind + " is " + p.title() + " " + p.version());
        }
        if (size > 0) {
            long offset = (long) size * chunk;
            return transport.otaData(p.id(), offset, size).thenApply(bytes -> bytes(bytes, null));
        }
        int szx = block2 != null ? Math.min(block2.getSzx(), DEFAULT_BLOCK_SZX) : DEFAULT_BLOCK_SZX;
        int blockSize = BlockOption.szx2Size(szx);
        if (block2 == null && p.size() <= blockSize) {
            return transport.otaData(p.id(), 0, (int) p.size()).thenApply(bytes -> bytes(bytes, null));
        }
        int num = block2 == null ? 0 : block2.getNum();
        long offset = (long) num * blockSize;
        if (offset >= p.size() && p.size() > 0) {
            throw new CoapError(ResponseCode.BAD_OPTION, "Block " + num + " is past the end of the image");
        }
        return transport.otaData(p.id(), offset, blockSize).thenApply(bytes -> {
            Response r = bytes(bytes, p.size());
            r.getOptions().setBlock2(szx, offset + bytes.length < p.size(), num);
            return r;
        });
    }

    private static Response bytes(byte[] data, Long total) {
        Response r = new Response(ResponseCode.CONTENT);
        r.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_OCTET_STREAM);
        if (total != null) {
            r.getOptions().setSize2(total.intValue());
        }
        r.setPayload(data);
        return r;
    }
}
