package io.mote.transport.dtls;

import java.net.InetSocketAddress;
import java.security.cert.CertPath;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.List;

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

import io.mote.common.entity.CredentialIds;
import io.mote.common.entity.CredentialsType;
import io.mote.transport.api.TransportService;

/**
 * Trusts a client certificate when a device has it as {@code X509_CERTIFICATE} credentials (the
 * SHA-256 of the leaf's DER encoding is the credentials id), so self-signed device certificates work
 * without a CA. The leaf must be within its validity period. Looked up asynchronously on core threads.
 */
public class DeviceCertificateVerifier implements NewAdvancedCertificateVerifier {

    private final TransportService transport;
    private volatile HandshakeResultHandler resultHandler;

    public DeviceCertificateVerifier(TransportService transport) {
        this.transport = transport;
    }

    @Override
    public List<CertificateType> getSupportedCertificateTypes() {
        return List.of(CertificateType.X_509);
    }

    @Override
    public CertificateVerificationResult verifyCertificate(ConnectionId cid, ServerNames serverName,
                                                           InetSocketAddress remotePeer, boolean clientUsage,
                                                           boolean verifySubject, boolean truncateCertificatePath,
                                                           CertificateMessage message) {
        CertPath chain = message.getCertificateChain();
        if (chain == null || chain.getCertificates().isEmpty()) {
            return fail(cid, "no client certificate");
        }
        X509Certificate leaf = (X509Certificate) chain.getCertificates().get(0);
        String id;
        try {
            leaf.checkValidity();
            id = CredentialIds.x509(leaf.getEncoded());
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            return fail(cid, "client certificate is not valid now");
        } catch (CertificateEncodingException e) {
            return fail(cid, "client certificate cannot be encoded");
        }
        CertPath leafOnly = CertPathUtil.generateCertPath(List.of(leaf));
        transport.authenticate(CredentialsType.X509_CERTIFICATE, id).whenComplete((auth, err) -> {
            if (err == null && auth != null && auth.isPresent()) {
                resultHandler.apply(new CertificateVerificationResult(cid, leafOnly, null));
            } else {
                resultHandler.apply(fail(cid, "unknown client certificate"));
            }
        });
        return null;
    }

    private static CertificateVerificationResult fail(ConnectionId cid, String why) {
        return new CertificateVerificationResult(cid,
                new HandshakeException(why, new AlertMessage(AlertLevel.FATAL, AlertDescription.BAD_CERTIFICATE)), null);
    }

    @Override
    public List<X500Principal> getAcceptedIssuers() {
        return List.of();
    }

    @Override
    public void setResultHandler(HandshakeResultHandler resultHandler) {
        this.resultHandler = resultHandler;
    }
}
