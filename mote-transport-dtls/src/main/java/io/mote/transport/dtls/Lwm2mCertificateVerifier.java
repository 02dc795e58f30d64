package io.mote.transport.dtls;

import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import javax.security.auth.x500.X500Principal;

import org.eclipse.californium.elements.util.CertPathUtil;
import org.eclipse.californium.scandium.dtls.AlertMessage;
import org.eclipse.californium.scandium.dtls.AlertMessage.AlertDescription;
import org.eclipse.californium.scandium.dtls.AlertMessage.AlertLevel;
import org.eclipse.californium.scandium.dtls.CertificateMessage;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.CertificateVerificationResult;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.HandshakeException;
import org.eclipse.californium.scandium.dtls.HandshakeResultHandler;
import org.eclipse.californium.scandium.dtls.x509.NewAdvancedCertificateVerifier;
import org.eclipse.californium.scandium.util.ServerNames;

import io.mote.common.entity.CredentialsType;
import io.mote.transport.api.AuthenticatedDevice;
import io.mote.transport.api.TransportService;

/**
 * Verifies LwM2M clients that authenticate with a key pair:
 * <ul>
 * <li>a raw public key is accepted by the handshake; which device it belongs to is only known once the client
 * names its endpoint, so the LwM2M server compares it with that device's RPK credentials at registration;</li>
 * <li>an X.509 certificate names its endpoint in the subject's CN. The device with that endpoint must be in
 * X509 mode, and then either its credentials pin this very certificate, or (no certificate stored) the
 * chain must lead to one of the trusted CA certificates. The leaf must be valid now.</li>
 * </ul>
 * Look-ups run on core threads; the result goes back to Scandium asynchronously.
 */
public class Lwm2mCertificateVerifier implements NewAdvancedCertificateVerifier {

    private final TransportService transport;
    private final X509Certificate[] trusted;
    private final DtlsRefusals refusals;
    private volatile HandshakeResultHandler resultHandler;

    public Lwm2mCertificateVerifier(TransportService transport, List<X509Certificate> trusted, DtlsRefusals refusals) {
        this.transport = transport;
        this.trusted = trusted.toArray(X509Certificate[]::new);
        this.refusals = refusals;
    }

    @Override
    public List<CertificateType> getSupportedCertificateTypes() {
        return List.of(CertificateType.X_509, CertificateType.RAW_PUBLIC_KEY);
    }

    @Override
    public CertificateVerificationResult verifyCertificate(ConnectionId cid, ServerNames serverName,
                                                           InetSocketAddress remotePeer, boolean clientUsage,
                                                           boolean verifySubject, boolean truncateCertificatePath,
                                                           CertificateMessage message) {
        String peer = String.valueOf(remotePeer);
        if (message.getPublicKey() != null && message.getCertificateChain() == null) {
            return new CertificateVerificationResult(cid, message.getPublicKey(), null);
        }
        CertPath chain = message.getCertificateChain();
        if (chain == null || chain.getCertificates().isEmpty()) {
            return fail(cid, peer, "untrusted_certificate", "no client certificate");
        }
        X509Certificate leaf = (X509Certificate) chain.getCertificates().get(0);
        String endpoint = CertPathUtil.getSubjectsCn(leaf);
        try {
            leaf.checkValidity();
        } catch (GeneralSecurityException e) {
            return fail(cid, peer, "untrusted_certificate", "certificate of '" + endpoint + "' is not valid now");
        }
        if (endpoint == null || endpoint.isEmpty()) {
            return fail(cid, peer, "untrusted_certificate", "certificate without a CN (the endpoint name)");
        }
        transport.authenticate(CredentialsType.LWM2M_CREDENTIALS, endpoint).whenComplete((auth, err) -> {
            CertificateVerificationResult r;
            if (err != null || auth == null || auth.isEmpty()) {
                r = fail(cid, peer, "unknown_identity", "no device with endpoint '" + endpoint + "' (certificate CN)");
            } else {
                r = decide(cid, peer, endpoint, chain, leaf, auth.get(), truncateCertificatePath);
            }
            resultHandler.apply(r);
        });
        return null;
    }

    private CertificateVerificationResult decide(ConnectionId cid, String peer, String endpoint, CertPath chain,
                                                 X509Certificate leaf, AuthenticatedDevice device, boolean truncate) {
        Lwm2mClientCredentials c = Lwm2mClientCredentials.of(device.credentialsValue());
        if (!Lwm2mClientCredentials.X509.equals(c.mode())) {
            return fail(cid, peer, "mode_mismatch", "endpoint '" + endpoint + "' is in " + c.mode()
                    + " mode, not X509");
        }
        Optional<X509Certificate> pinned = c.certificate();
        if (pinned.isPresent()) {
            try {
                if (Arrays.equals(pinned.get().getEncoded(), leaf.getEncoded())) {
                    return new CertificateVerificationResult(cid, CertPathUtil.generateCertPath(List.of(leaf)), null);
                }
            } catch (CertificateEncodingException e) {
                // falls through to the refusal
            }
            return fail(cid, peer, "key_mismatch", "certificate of '" + endpoint + "' differs from its credentials");
        }
        if (trusted.length == 0) {
            return fail(cid, peer, "untrusted_certificate", "endpoint '" + endpoint
                    + "' has no certificate in its credentials and no CA is trusted");
        }
        try {
            CertPath valid = CertPathUtil.validateCertificatePathWithIssuer(truncate, chain, trusted);
            return new CertificateVerificationResult(cid, valid, null);
        } catch (GeneralSecurityException e) {
            return fail(cid, peer, "untrusted_certificate", "certificate of '" + endpoint
                    + "' does not chain to a trusted CA");
        }
    }

    private CertificateVerificationResult fail(ConnectionId cid, String peer, String reason, String detail) {
        refusals.refused(reason, peer, detail);
        return new CertificateVerificationResult(cid,
                new HandshakeException(detail, new AlertMessage(AlertLevel.FATAL, AlertDescription.BAD_CERTIFICATE)), null);
    }

    /**
     * No issuer list: a client picks its certificate by the issuers the server names, and a device whose
     * own (self-signed) certificate is pinned in its credentials matches none of the trusted CAs.
     */
    @Override
    public List<X500Principal> getAcceptedIssuers() {
        return List.of();
    }

    @Override
    public void setResultHandler(HandshakeResultHandler resultHandler) {
        this.resultHandler = resultHandler;
    }
}
