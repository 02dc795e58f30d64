package io.mote.transport.snmp;

import java.util.Map;

import org.snmp4j.CommunityTarget;
import org.snmp4j.Target;
import org.snmp4j.UserTarget;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.security.AuthHMAC128SHA224;
import org.snmp4j.security.AuthHMAC192SHA256;
import org.snmp4j.security.AuthHMAC256SHA384;
import org.snmp4j.security.AuthHMAC384SHA512;
import org.snmp4j.security.AuthMD5;
import org.snmp4j.security.AuthSHA;
import org.snmp4j.security.PrivAES128;
import org.snmp4j.security.PrivAES192;
import org.snmp4j.security.PrivAES256;
import org.snmp4j.security.PrivDES;
import org.snmp4j.security.SecurityLevel;
import org.snmp4j.security.SecurityModel;
import org.snmp4j.security.SecurityProtocols;
import org.snmp4j.security.USM;
import org.snmp4j.security.UsmUser;
import org.snmp4j.smi.Address;
import org.snmp4j.smi.GenericAddress;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UdpAddress;

import io.mote.transport.snmp.config.SnmpDeviceConfig;

/**
 * The schema's security names mapped to SNMP4J's protocols, and the targets and USM users built from a
 * device's configuration.
 */
public final class SnmpSecurity {

    private static final Map<String, OID> AUTH = Map.of(
            "MD5", AuthMD5.ID, "SHA_1", AuthSHA.ID, "SHA_224", AuthHMAC128SHA224.ID,
            "SHA_256", AuthHMAC192SHA256.ID, "SHA_384", AuthHMAC256SHA384.ID, "SHA_512", AuthHMAC384SHA512.ID);
    private static final Map<String, OID> PRIV = Map.of(
            "DES", PrivDES.ID, "AES_128", PrivAES128.ID, "AES_192", PrivAES192.ID, "AES_256", PrivAES256.ID);

    private SnmpSecurity() {
    }

    /** Every protocol the schema names, registered once per process (SNMP4J keeps them in a singleton). */
    public static synchronized SecurityProtocols protocols() {
        SecurityProtocols p = SecurityProtocols.getInstance();
        p.addAuthenticationProtocol(new AuthMD5());
        p.addAuthenticationProtocol(new AuthSHA());
        p.addAuthenticationProtocol(new AuthHMAC128SHA224());
        p.addAuthenticationProtocol(new AuthHMAC192SHA256());
        p.addAuthenticationProtocol(new AuthHMAC256SHA384());
        p.addAuthenticationProtocol(new AuthHMAC384SHA512());
        p.addPrivacyProtocol(new PrivDES());
        p.addPrivacyProtocol(new PrivAES128());
        p.addPrivacyProtocol(new PrivAES192());
        p.addPrivacyProtocol(new PrivAES256());
        return p;
    }

    public static Address address(SnmpDeviceConfig c) {
        return GenericAddress.parse("udp:" + c.host() + "/" + c.port());
    }

    /** The target of requests to the device: a community target for v1 / v2c, a user target for v3. */
    public static Target<Address> target(SnmpDeviceConfig c, int timeoutMs, int retries) {
        Target<Address> t;
        if (c.v3()) {
            UserTarget<Address> u = new UserTarget<>();
            u.setSecurityName(new OctetString(c.usmName()));
            u.setSecurityLevel(securityLevel(c));
            u.setSecurityModel(SecurityModel.SECURITY_MODEL_USM);
            if (c.engineId() != null) {
                u.setAuthoritativeEngineID(engineId(c.engineId()).getValue());
            }
            u.setVersion(SnmpConstants.version3);
            t = u;
        } else {
            CommunityTarget<Address> ct = new CommunityTarget<>();
            ct.setCommunity(new OctetString(c.community() == null ? "" : c.community()));
            ct.setVersion("V1".equals(c.protocolVersion()) ? SnmpConstants.version1 : SnmpConstants.version2c);
            t = ct;
        }
        t.setAddress(address(c));
        t.setTimeout(timeoutMs);
        t.setRetries(retries);
        return t;
    }

    public static int securityLevel(SnmpDeviceConfig c) {
        if (c.authenticationProtocol() == null) {
            return SecurityLevel.NOAUTH_NOPRIV;
        }
        return c.privacyProtocol() == null ? SecurityLevel.AUTH_NOPRIV : SecurityLevel.AUTH_PRIV;
    }

    public static UsmUser user(SnmpDeviceConfig c) {
        OID auth = c.authenticationProtocol() == null ? null : AUTH.get(c.authenticationProtocol());
        OID priv = c.privacyProtocol() == null ? null : PRIV.get(c.privacyProtocol());
        return new UsmUser(new OctetString(c.usmName()), auth,
                auth == null ? null : new OctetString(c.authenticationPassphrase()), priv,
                priv == null ? null : new OctetString(c.privacyPassphrase()));
    }

    /**
     * Adds the device's v3 user: for the engine the configuration names, or else for the engine discovered
     * at the device's address ({@code discovered}, null before the first request), with keys localized to
     * it, so devices may share a user name with different passphrases and a changed passphrase applies at
     * the next request. The engine-less entry stays for the first discovery.
     */
    public static void addUser(USM usm, SnmpDeviceConfig c, byte[] discovered) {
        OctetString name = new OctetString(c.usmName());
        if (c.engineId() != null) {
            usm.addUser(name, engineId(c.engineId()), user(c));
            return;
        }
        usm.addUser(name, user(c));
        if (discovered != null && discovered.length > 0) {
            usm.addUser(name, new OctetString(discovered), user(c));
        }
    }

    public static OctetString engineId(String hex) {
        String h = hex.startsWith("0x") ? hex.substring(2) : hex;
        return OctetString.fromHexStringPairs(h.replace(":", ""));
    }

    /** The address as the trap listener sees senders: host only. */
    public static String host(Address a) {
        return a instanceof UdpAddress u ? u.getInetAddress().getHostAddress() : a.toString();
    }
}
