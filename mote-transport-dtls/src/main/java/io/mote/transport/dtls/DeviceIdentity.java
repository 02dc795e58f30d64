package io.mote.transport.dtls;

import java.security.Principal;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Optional;

import org.eclipse.californium.elements.auth.PreSharedKeyIdentity;
import org.eclipse.californium.elements.auth.X509CertPath;

import io.mote.common.entity.CredentialIds;
import io.mote.common.entity.CredentialsType;

/**
 * The credentials look-up that a DTLS peer's authenticated identity stands for: an X.509 client
 * certificate is looked up as {@code X509_CERTIFICATE} by the SHA-256 of its DER encoding, a PSK
 * identity as {@code LWM2M_CREDENTIALS} (mode PSK) by the identity.
 */
public record DeviceIdentity(CredentialsType type, String credentialsId) {

    public static Optional<DeviceIdentity> of(Principal peer) {
        if (peer instanceof X509CertPath path) {
            X509Certificate leaf = path.getTarget();
            try {
                return Optional.of(new DeviceIdentity(CredentialsType.X509_CERTIFICATE, CredentialIds.x509(leaf.getEncoded())));
            } catch (CertificateEncodingException e) {
                return Optional.empty();
            }
        }
        if (peer instanceof PreSharedKeyIdentity psk) {
            return Optional.of(new DeviceIdentity(CredentialsType.LWM2M_CREDENTIALS, psk.getIdentity()));
        }
        return Optional.empty();
    }
}
