package io.mote.transport.lwm2m.senml;

import java.util.Map;

import org.eclipse.leshan.core.node.codec.DefaultLwM2mDecoder;
import org.eclipse.leshan.core.node.codec.LwM2mDecoder;
import org.eclipse.leshan.core.node.codec.NodeDecoder;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.senml.cbor.upokecenter.SenMLCborUpokecenterEncoderDecoder;
import org.eclipse.leshan.senml.json.jackson.SenMLJsonJacksonEncoderDecoder;

/**
 * The decoder the LwM2M server registers in Leshan: Leshan's own, with SenML JSON and CBOR through
 * {@link LenientSenmlDecoder} so every form RFC 8428 and the LwM2M TS allow is decoded.
 */
public final class SenmlDecoders {

    private SenmlDecoders() {
    }

    public static LwM2mDecoder decoder() {
        Map<ContentFormat, NodeDecoder> decoders = DefaultLwM2mDecoder.getDefaultNodeDecoders(true);
        decoders.put(ContentFormat.SENML_JSON, new LenientSenmlDecoder(new SenMLJsonJacksonEncoderDecoder()));
        decoders.put(ContentFormat.SENML_CBOR, new LenientSenmlDecoder(new SenMLCborUpokecenterEncoderDecoder()));
        return new DefaultLwM2mDecoder(decoders, DefaultLwM2mDecoder.getDefaultPathDecoder());
    }
}
