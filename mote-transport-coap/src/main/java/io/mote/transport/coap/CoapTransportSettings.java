package io.mote.transport.coap;

/**
 * Settings of the CoAP device API.
 *
 * @param bindAddress     address the endpoints bind to (empty = every interface)
 * @param port            plain CoAP port (0 = a free port)
 * @param dtlsEnabled     whether the DTLS endpoint runs
 * @param dtlsPort        CoAP over DTLS port (0 = a free port)
 * @param maxPayloadSize  largest request body, in bytes (larger → 4.13)
 * @param profileCacheMs  how long a device's transport configuration (payload type, power mode) is reused
 * @param stateIdleMs     how long the transport remembers a device without observations after its last request
 * @param maxHeldAttributes how many changed shared-attribute keys one observation holds for a device that cannot
 *                        receive yet (asleep, or a notification in transit); past it the oldest change is dropped
 * @param ackTimeoutMs    how long the first transmission of a confirmable message (a notification) waits for its
 *                        ACK; each retransmission waits twice as long as the one before
 * @param maxRetransmit   retransmissions of an unacknowledged notification before the observer is dropped
 */
public record CoapTransportSettings(String bindAddress, int port, boolean dtlsEnabled, int dtlsPort,
                                    int maxPayloadSize, long profileCacheMs, long stateIdleMs, int maxHeldAttributes,
                                    long ackTimeoutMs, int maxRetransmit) {

    public CoapTransportSettings {
        if (stateIdleMs <= 0) {
            throw new IllegalArgumentException("stateIdleMs must be positive");
        }
        if (ackTimeoutMs <= 0 || maxRetransmit < 0) {
            throw new IllegalArgumentException("ackTimeoutMs must be positive and maxRetransmit not negative");
        }
        if (maxHeldAttributes <= 0) {
            throw new IllegalArgumentException("maxHeldAttributes must be positive");
        }
    }
}
