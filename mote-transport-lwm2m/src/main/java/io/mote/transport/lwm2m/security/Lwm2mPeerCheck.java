package io.mote.transport.lwm2m.security;

import java.security.PublicKey;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.eclipse.leshan.core.peer.IpPeer;
import org.eclipse.leshan.core.peer.LwM2mIdentity;
import org.eclipse.leshan.core.peer.LwM2mPeer;
import org.eclipse.leshan.core.peer.PskIdentity;
import org.eclipse.leshan.core.peer.RpkIdentity;
import org.eclipse.leshan.core.peer.X509Identity;
import org.slf4j.LoggerFactory;

import io.mote.common.log.RateLimitedLog;

import io.mote.common.entity.CredentialsType;
import io.mote.transport.api.AuthenticatedDevice;
import io.mote.transport.api.TransportService;
import io.mote.transport.dtls.DtlsRefusals;
import io.mote.transport.dtls.Lwm2mClientCredentials;

/**
 * Decides which device an LwM2M client is when it registers (or asks for bootstrap), from the endpoint name
 * it gives and how it authenticated:
 * <ul>
 * <li>no DTLS: the endpoint's credentials must be in NO_SEC mode;</li>
 * <li>PSK: the identity's credentials must be in PSK mode and name this endpoint (the key itself was proven
 * by the handshake);</li>
 * <li>RPK: the endpoint's credentials must be in RPK mode with this very public key;</li>
 * <li>X.509: the certificate's CN must be the endpoint, whose credentials are in X509 mode (the certificate
 * itself was checked by the handshake).</li>
 * </ul>
 * A refusal is reported with its reason and logged without key material.
 */
public class Lwm2mPeerCheck {

    private static final RateLimitedLog log = new RateLimitedLog(LoggerFactory.getLogger(Lwm2mPeerCheck.class));

    /** The outcome: the device, or why the client was refused. */
    public record Verdict(AuthenticatedDevice device, String reason, String detail) {
        public boolean approved() {
            return device != null;
        }
    }

    private final TransportService transport;
    private final DtlsRefusals refusals;
    private final long timeoutMs;

    public Lwm2mPeerCheck(TransportService transport, DtlsRefusals refusals, long timeoutMs) {
        this.transport = transport;
        this.refusals = refusals;
        this.timeoutMs = timeoutMs;
    }

    /**
     * Checks a client; blocks up to the core time-out (Leshan's authorizers are synchronous; the look-up is
     * served from the credentials cache).
     */
    public Verdict check(String endpoint, LwM2mPeer sender) {
        return check(endpoint, sender, null);
    }

    /**
     * The same with the endpoint's credentials already looked up ({@code byEndpoint}; null: look them up here),
     * so a registration whose look-up was started before Leshan got it does not wait on a Leshan thread.
     */
    public Verdict check(String endpoint, LwM2mPeer sender, Optional<AuthenticatedDevice> byEndpoint) {
        Verdict v = decide(endpoint, sender, byEndpoint);
        if (!v.approved()) {
            String peer = sender instanceof IpPeer ip ? String.valueOf(ip.getSocketAddress()) : String.valueOf(sender);
            log.info("LwM2M client '{}' from {} refused ({}): {}", endpoint, peer, v.reason(), v.detail());
            refusals.refused(v.reason(), peer, v.detail());
        }
        return v;
    }

    /** Whether a later request (update, de-register, send) comes with the identity the client registered with. */
    public static boolean sameIdentity(LwM2mPeer registered, LwM2mPeer sender) {
        LwM2mIdentity a = registered.getIdentity();
        LwM2mIdentity b = sender.getIdentity();
        if (!a.isSecure()) {
            return !b.isSecure();
        }
        return a.equals(b);
    }

    private Verdict decide(String endpoint, LwM2mPeer sender, Optional<AuthenticatedDevice> byEndpoint) {
        LwM2mIdentity id = sender.getIdentity();
        try {
            if (id instanceof PskIdentity psk) {
                Optional<AuthenticatedDevice> found = lookup(psk.getPskIdentity());
                if (found.isEmpty()) {
                    return refuse("unknown_identity", "unknown PSK identity '" + psk.getPskIdentity() + "'");
                }
                Lwm2mClientCredentials c = Lwm2mClientCredentials.of(found.get().credentialsValue());
                if (!Lwm2mClientCredentials.PSK.equals(c.mode())) {
                    return refuse("mode_mismatch", "credentials are in " + c.mode() + " mode, the client used PSK");
                }
                if (c.endpoint() != null && !c.endpoint().equals(endpoint)) {
                    return refuse("identity_mismatch", "PSK identity '" + psk.getPskIdentity() + "' belongs to endpoint '"
                            + c.endpoint() + "'");
                }
                return new Verdict(found.get(), null, null);
            }
            Optional<AuthenticatedDevice> found = byEndpoint != null ? byEndpoint : lookup(endpoint);
            if (found.isEmpty()) {
                return refuse("unknown_identity", "unknown endpoint");
            }
            Lwm2mClientCredentials c = Lwm2mClientCredentials.of(found.get().credentialsValue());
            if (id instanceof RpkIdentity rpk) {
                if (!Lwm2mClientCredentials.RPK.equals(c.mode())) {
                    return refuse("mode_mismatch", "credentials are in " + c.mode() + " mode, the client used RPK");
                }
                Optional<PublicKey> expected = c.publicKey();
                if (expected.isEmpty() || !Arrays.equals(expected.get().getEncoded(), rpk.getPublicKey().getEncoded())) {
                    return refuse("key_mismatch", "the client's public key is not the one in its credentials");
                }
            } else if (id instanceof X509Identity x509) {
                if (!Lwm2mClientCredentials.X509.equals(c.mode())) {
                    return refuse("mode_mismatch", "credentials are in " + c.mode() + " mode, the client used X.509");
                }
                if (!endpoint.equals(x509.getX509CommonName())) {
                    return refuse("identity_mismatch", "certificate CN '" + x509.getX509CommonName()
                            + "' is not the endpoint");
                }
            } else if (!id.isSecure()) {
                if (!Lwm2mClientCredentials.NO_SEC.equals(c.mode())) {
                    return refuse("mode_mismatch", "credentials are in " + c.mode() + " mode, the client used no DTLS");
                }
            } else {
                return refuse("mode_mismatch", "unsupported security " + id.getClass().getSimpleName());
            }
            return new Verdict(found.get(), null, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return refuse("core_unavailable", "interrupted");
        } catch (Exception e) {
            return refuse("core_unavailable", e.toString());
        }
    }

    private Optional<AuthenticatedDevice> lookup(String credentialsId) throws Exception {
        return transport.authenticate(CredentialsType.LWM2M_CREDENTIALS, credentialsId).get(timeoutMs, TimeUnit.MILLISECONDS);
    }

    private static Verdict refuse(String reason, String detail) {
        return new Verdict(null, reason, detail);
    }
}
