package io.mote.transport.dtls;

import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.CoAPMessageFormatException;
import org.eclipse.californium.core.coap.Message;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.serialization.MessageHeader;
import org.eclipse.californium.core.network.serialization.UdpDataParser;
import org.eclipse.californium.core.network.serialization.UdpDataSerializer;
import org.eclipse.californium.elements.util.DatagramReader;

/**
 * Californium's parser, with the checks it makes by throwing unchecked exceptions (a Block1 payload
 * larger than its block size, for one) turned into format errors: the endpoint then answers a
 * confirmable request 4.00 Bad Request and logs nothing, where the unchecked exception was logged as an
 * ERROR with a stack trace per datagram and the request went unanswered. Shared by the CoAP device API
 * and the LwM2M (server and bootstrap) endpoints. A Size1 the server can never take is 4.13.
 */
public final class CheckedUdpDataParser extends UdpDataParser {

    /** Makes {@code endpoint} parse its datagrams with this parser (and serialize with Californium's). */
    public static CoapEndpoint.Builder install(CoapEndpoint.Builder endpoint) {
        return endpoint.setDataSerializerAndParser(new UdpDataSerializer(), new CheckedUdpDataParser());
    }

    @Override
    protected Message parseMessage(DatagramReader reader, MessageHeader header, Message message) {
        Message parsed;
        try {
            parsed = super.parseMessage(reader, header, message);
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw formatError(header, e.getMessage(), ResponseCode.BAD_REQUEST);
        }
        // Size1 is an unsigned 4-byte size; Californium keeps it in an int, so 2 GB and more read as a
        // negative size that passes its "too large" check and fails allocating the upload's buffer.
        if (parsed.getOptions().hasSize1() && parsed.getOptions().getSize1() < 0) {
            throw formatError(header, "Size1 beyond 2 GB", ResponseCode.REQUEST_ENTITY_TOO_LARGE);
        }
        return parsed;
    }

    private static CoAPMessageFormatException formatError(MessageHeader header, String description, ResponseCode code) {
        return new CoAPMessageFormatException(description, header.getToken(), header.getMID(), header.getCode(),
                header.getType() == CoAP.Type.CON, code);
    }
}
