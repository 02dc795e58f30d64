package io.mote.transport.dtls;

import org.eclipse.californium.scandium.ConnectionListener;
import org.eclipse.californium.scandium.dtls.AlertMessage.AlertDescription;
import org.eclipse.californium.scandium.dtls.Connection;
import org.eclipse.californium.scandium.dtls.DTLSContext;
import org.eclipse.californium.scandium.dtls.HandshakeException;
import org.eclipse.californium.scandium.dtls.Handshaker;
import org.eclipse.californium.scandium.dtls.SessionListener;

/**
 * Reports failed DTLS handshakes that the PSK store and the certificate verifier did not already report:
 * a wrong pre-shared key or private key shows up here as a failed Finished or signature check
 * ({@code key_mismatch}); another fatal alert (no common cipher suite, say) as {@code handshake_failed}. A
 * handshake that merely stops (timed out) is not a refusal.
 */
public class HandshakeRefusals implements SessionListener, ConnectionListener {

    /** Connections whose failed key check was already reported (a client repeats its Finished flight). */
    private final java.util.Set<Connection> reported =
            java.util.Collections.synchronizedSet(java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>()));

    private final DtlsRefusals refusals;

    public HandshakeRefusals(DtlsRefusals refusals) {
        this.refusals = refusals;
    }

    @Override
    public void handshakeFailed(Handshaker handshaker, Throwable error) {
        String peer = String.valueOf(handshaker.getPeerAddress());
        if (error instanceof HandshakeException h && h.getAlert() != null) {
            AlertDescription d = h.getAlert().getDescription();
            switch (d) {
                case UNKNOWN_PSK_IDENTITY, BAD_CERTIFICATE -> {
                    return; // reported where the identity or certificate was looked at
                }
                case DECRYPT_ERROR, BAD_RECORD_MAC, HANDSHAKE_FAILURE -> {
                    refusals.refused("key_mismatch", peer, "handshake failed: " + d.name().toLowerCase());
                    return;
                }
                default -> {
                    refusals.refused("handshake_failed", peer, "handshake failed: " + d.name().toLowerCase());
                    return;
                }
            }
        }
        // Anything else is a handshake that stopped (a flight timed out, often after one of the failures above,
        // or a client that went away): not counted as a refusal.
    }

    /**
     * A record that fails its integrity check during a handshake is a client whose pre-shared key differs
     * from the stored one (Scandium drops the record and the handshake would only time out).
     */
    @Override
    public boolean onConnectionMacError(Connection connection) {
        if (connection.hasOngoingHandshake() && reported.add(connection)) {
            refusals.refused("key_mismatch", String.valueOf(connection.getPeerAddress()),
                    "handshake record failed its integrity check (wrong key)");
        }
        return false;
    }

    @Override
    public void onConnectionEstablished(Connection connection) {
    }

    @Override
    public void onConnectionRemoved(Connection connection) {
    }

    @Override
    public boolean onConnectionUpdatesSequenceNumbers(Connection connection, boolean writeSequence) {
        return false;
    }

    @Override
    public void beforeExecution(Connection connection) {
    }

    @Override
    public void updateExecution(Connection connection) {
    }

    @Override
    public void afterExecution(Connection connection) {
    }

    @Override
    public void handshakeStarted(Handshaker handshaker) {
    }

    @Override
    public void contextEstablished(Handshaker handshaker, DTLSContext context) {
    }

    @Override
    public void handshakeCompleted(Handshaker handshaker) {
    }

    @Override
    public void handshakeFlightRetransmitted(Handshaker handshaker, int flight) {
    }
}
