package io.mote.core.device;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;

import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

import io.mote.common.entity.CredentialIds;
import io.mote.common.entity.CredentialsType;
import io.mote.common.entity.DeviceCredentials;
import io.mote.common.error.MoteException;
import io.mote.common.json.Json;

/**
 * Checks credentials by type and derives the credentials id a transport looks the device up by.
 * Messages name the offending field.
 */
@Component
public class CredentialsValidator {

    /** Returns the normalized credentials with the derived credentials id. */
    public DeviceCredentials normalize(DeviceCredentials c) {
        if (c.credentialsType() == null) {
            throw MoteException.invalid("Device credentials type should be specified!");
        }
        return switch (c.credentialsType()) {
            case ACCESS_TOKEN -> accessToken(c);
            case X509_CERTIFICATE -> x509(c);
            case MQTT_BASIC -> mqttBasic(c);
            case LWM2M_CREDENTIALS -> lwm2m(c);
        };
    }

    private static DeviceCredentials with(DeviceCredentials c, String id, String value) {
        return new DeviceCredentials(c.id(), c.createdTime(), c.deviceId(), c.credentialsType(), id, value);
    }

    private static DeviceCredentials accessToken(DeviceCredentials c) {
        String token = c.credentialsId();
        if (token == null || token.isBlank()) {
            throw MoteException.invalid("Device credentials id should be specified!");
        }
        if (token.length() > 255) {
            throw MoteException.invalid("Access token length must be equal or less than 255");
        }
        for (int i = 0; i < token.length(); i++) {
            char ch = token.charAt(i);
            if (ch <= ' ' || ch == '/' || ch == '?' || ch == '#' || ch == '%' || ch == 0x7f) {
                throw MoteException.invalid("Access token must not contain whitespace, control characters or '/?#%'");
            }
        }
        return with(c, token, null);
    }

    private static DeviceCredentials x509(DeviceCredentials c) {
        X509Certificate cert = parseCertificate(c.credentialsValue(), "credentialsValue");
        try {
            return with(c, CredentialIds.x509(cert.getEncoded()), c.credentialsValue().trim());
        } catch (CertificateException e) {
            throw MoteException.invalid("credentialsValue is not a valid X.509 certificate");
        }
    }

    /** Parses a certificate given as PEM or as base64 DER. */
    public static X509Certificate parseCertificate(String text, String field) {
        if (text == null || text.isBlank()) {
            throw MoteException.invalid(field + " should be specified!");
        }
        String body = text.replaceAll("-----(BEGIN|END) CERTIFICATE-----", "").replaceAll("\\s", "");
        try {
            byte[] der = Base64.getDecoder().decode(body);
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (IllegalArgumentException | CertificateException | ClassCastException e) {
            throw MoteException.invalid(field + " is not a valid X.509 certificate (PEM or base64 DER)");
        }
    }

    private static DeviceCredentials mqttBasic(DeviceCredentials c) {
        JsonNode v = jsonValue(c);
        String clientId = text(v, "clientId");
        String userName = text(v, "userName");
        String password = text(v, "password");
        if (clientId == null && userName == null) {
            throw MoteException.invalid("Both mqtt client id and user name are empty!");
        }
        if (clientId == null && password != null && !password.isEmpty() && userName == null) {
            throw MoteException.invalid("Mqtt user name is empty!");
        }
        return with(c, CredentialIds.mqttBasic(clientId, userName), Json.write(v));
    }

    private static DeviceCredentials lwm2m(DeviceCredentials c) {
        JsonNode v = jsonValue(c);
        return with(c, Lwm2mCredentialsValidator.credentialsId(v), Json.write(v));
    }

    private static JsonNode jsonValue(DeviceCredentials c) {
        if (c.credentialsValue() == null || c.credentialsValue().isBlank()) {
            throw MoteException.invalid("Device credentials value should be specified!");
        }
        JsonNode v = Json.parse(c.credentialsValue());
        if (!v.isObject()) {
            throw MoteException.invalid("credentialsValue must be a JSON object");
        }
        return v;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || !v.isString() || v.asString().isEmpty() ? null : v.asString();
    }
}
