package io.mote.transport.dtls;

/**
 * Told when a DTLS peer or an LwM2M client is refused: a short, stable {@code reason} (suitable as a metric
 * tag: {@code unknown_identity}, {@code mode_mismatch}, {@code key_mismatch}, {@code untrusted_certificate},
 * {@code handshake_failed}), the peer's address when known, and a detail for the log that never carries
 * key material.
 */
@FunctionalInterface
public interface DtlsRefusals {

    DtlsRefusals NONE = (reason, peer, detail) -> { };

    void refused(String reason, String peer, String detail);
}
