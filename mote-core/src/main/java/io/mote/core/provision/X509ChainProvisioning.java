package io.mote.core.provision;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import io.mote.common.entity.CredentialIds;
import io.mote.common.entity.CredentialsType;
import io.mote.common.entity.Device;
import io.mote.common.entity.DeviceCredentials;
import io.mote.common.entity.DeviceProfile;
import io.mote.common.entity.ProvisionType;
import io.mote.common.error.MoteException;
import io.mote.common.kv.AttributeScope;
import io.mote.common.kv.KvEntry;
import io.mote.core.device.DeviceAuthCache;
import io.mote.core.device.DeviceService;
import io.mote.core.telemetry.AttributesService;
import io.mote.dao.DeviceDao;
import io.mote.dao.DeviceProfileDao;
import io.mote.transport.api.DeviceInfo;

/**
 * ThingsBoard's X.509 certificate chain provisioning: a device whose own certificate is not known yet
 * presents its chain (leaf first); a CA certificate of that chain that is some profile's
 * {@code X509_CERTIFICATE_CHAIN} certificate names the profile (by its provision device key, the
 * certificate's fingerprint). The leaf must chain to it (signatures, validity, CA constraints: PKIX); the
 * device name is the profile pattern's first group in the leaf's CN. A device of that name in that profile
 * is the device (its X.509 credentials follow a renewed certificate); otherwise, if the profile allows it,
 * the device is created with the leaf as its {@code X509_CERTIFICATE} credentials. Anything else: no device.
 */
@Service
public class X509ChainProvisioning {

    private static final Logger log = LoggerFactory.getLogger(X509ChainProvisioning.class);

    private final DeviceProfileDao profiles;
    private final DeviceDao devices;
    private final DeviceService deviceService;
    private final DeviceAuthCache auth;
    private final AttributesService attributes;
    private final TransactionTemplate tx;

    public X509ChainProvisioning(DeviceProfileDao profiles, DeviceDao devices, DeviceService deviceService,
                                 DeviceAuthCache auth, AttributesService attributes, TransactionTemplate tx) {
        this.profiles = profiles;
        this.devices = devices;
        this.deviceService = deviceService;
        this.auth = auth;
        this.attributes = attributes;
        this.tx = tx;
    }

    /** Blocking (database): the device the chain provisions, or empty. */
    public Optional<DeviceInfo> provision(List<byte[]> chainDer) {
        if (chainDer == null || chainDer.size() < 2) {
            return Optional.empty();
        }
        List<X509Certificate> chain = parse(chainDer);
        if (chain == null) {
            return Optional.empty();
        }
        for (int i = 1; i < chain.size(); i++) {
            Optional<DeviceProfile> profile = profiles.findByProvisionKey(CredentialIds.x509(chainDer.get(i)))
                    .filter(p -> p.provisionType() == ProvisionType.X509_CERTIFICATE_CHAIN);
            if (profile.isPresent()) {
                return provision(profile.get(), chain.subList(0, i), chainDer.get(0));
            }
        }
        return Optional.empty();
    }

    private Optional<DeviceInfo> provision(DeviceProfile profile, List<X509Certificate> path, byte[] leafDer) {
        X509ChainConfig config = X509ChainConfig.of(profile.profileData().path("provisionConfiguration"));
        if (!issuedBy(path, config.ca())) {
            log.debug("X.509 chain refused for profile {}: the certificate does not chain to its CA", profile.id().id());
            return Optional.empty();
        }
        String name = config.deviceName(commonName(path.get(0)));
        if (name == null) {
            log.debug("X.509 chain refused for profile {}: the CN does not match certificateRegExPattern",
                    profile.id().id());
            return Optional.empty();
        }
        String leafId = CredentialIds.x509(leafDer);
        Optional<Device> existing = devices.findByName(profile.tenantId().id(), name);
        if (existing.isPresent()) {
            return existingDevice(profile, existing.get(), leafId, leafDer);
        }
        if (!config.allowCreate()) {
            log.debug("X.509 chain refused for profile {}: no device '{}' and creating devices is not allowed",
                    profile.id().id(), name);
            return Optional.empty();
        }
        try {
            DeviceCredentials saved = tx.execute(s -> {
                DeviceCredentials c = deviceService.createWithCredentials(profile, name, x509(leafDer));
                attributes.saveIfAbsent(c.deviceId().id(), AttributeScope.SERVER_SCOPE,
                        KvEntry.ofString(ProvisionService.PROVISION_STATE, ProvisionService.PROVISIONED));
                return c;
            });
            log.info("Provisioned new device {} in profile {} from its X.509 certificate chain",
                    saved.deviceId().id(), profile.id().id());
        } catch (MoteException e) {
            if (e.errorCode().httpStatus() == 503) {
                throw e;
            }
            // The same device connecting twice at once: the other connection created it.
            log.debug("X.509 chain device '{}' in profile {} not created: {}", name, profile.id().id(), e.getMessage());
        }
        return auth.find(CredentialsType.X509_CERTIFICATE, leafId).map(a -> a.device());
    }

    private Optional<DeviceInfo> existingDevice(DeviceProfile profile, Device d, String leafId, byte[] leafDer) {
        if (!d.deviceProfileId().equals(profile.id())) {
            log.debug("X.509 chain refused for profile {}: device {} belongs to another profile",
                    profile.id().id(), d.id().id());
            return Optional.empty();
        }
        Optional<DeviceCredentials> current = deviceService.credentialsOf(d.id().id());
        if (current.isPresent() && current.get().credentialsType() == CredentialsType.X509_CERTIFICATE
                && !leafId.equals(current.get().credentialsId())) {
            // A renewed device certificate from the same CA replaces the old one, as in ThingsBoard.
            deviceService.replaceCredentials(d, x509(leafDer));
            log.info("Device {} in profile {}: X.509 credentials renewed from its certificate chain",
                    d.id().id(), profile.id().id());
        }
        return Optional.of(DeviceAuthCache.info(d));
    }

    private static DeviceCredentials x509(byte[] leafDer) {
        return new DeviceCredentials(null, null, null, CredentialsType.X509_CERTIFICATE, null,
                X509ChainConfig.pem(leafDer));
    }

    /** Whether {@code path} (leaf first, the CA itself left out) is a valid PKIX path to {@code ca}. */
    private static boolean issuedBy(List<X509Certificate> path, X509Certificate ca) {
        try {
            PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
            params.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX").validate(
                    CertificateFactory.getInstance("X.509").generateCertPath(path), params);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The leaf's most specific CN, or null. */
    static String commonName(X509Certificate c) {
        try {
            LdapName dn = new LdapName(c.getSubjectX500Principal().getName(X500Principal.RFC2253));
            List<Rdn> rdns = dn.getRdns();
            // LdapName lists the most significant RDN first; the CN that names the subject comes last.
            for (int i = rdns.size() - 1; i >= 0; i--) {
                if ("CN".equalsIgnoreCase(rdns.get(i).getType())) {
                    return rdns.get(i).getValue().toString();
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }

    private static List<X509Certificate> parse(List<byte[]> chainDer) {
        try {
            CertificateFactory f = CertificateFactory.getInstance("X.509");
            List<X509Certificate> out = new ArrayList<>(chainDer.size());
            for (byte[] der : chainDer) {
                out.add((X509Certificate) f.generateCertificate(new ByteArrayInputStream(der)));
            }
            return out;
        } catch (CertificateException | ClassCastException e) {
            return null;
        }
    }
}
