package io.mote.transport.lwm2m.bootstrap;

import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;

import org.eclipse.leshan.core.SecurityMode;
import org.eclipse.leshan.core.request.BindingMode;
import org.eclipse.leshan.server.bootstrap.BootstrapConfig;
import org.eclipse.leshan.server.bootstrap.BootstrapConfig.ServerConfig;
import org.eclipse.leshan.server.bootstrap.BootstrapConfig.ServerSecurity;
import tools.jackson.databind.JsonNode;

import io.mote.common.json.Json;
import io.mote.transport.api.Lwm2mServerInfo;
import io.mote.transport.api.Lwm2mServerSecurityConfig;

/**
 * Builds a device's bootstrap configuration: Security (0) and Server (1) instances for each LwM2M server of
 * the profile's {@code bootstrap} list (this server when the list names none), secured as the credentials'
 * {@code bootstrap.lwm2mServer} says; and, only when the profile's {@code bootstrapServerUpdateEnable} is true,
 * the bootstrap account itself from {@code bootstrap.bootstrapServer}. Hosts left empty or as a wildcard in
 * the profile become this server's host; missing server keys become this server's.
 */
public final class DeviceBootstrapConfigs {

    private final Lwm2mServerInfo info;

    public DeviceBootstrapConfigs(Lwm2mServerInfo info) {
        this.info = info;
    }

    /**
     * @param credentialsValue the device's {@code LWM2M_CREDENTIALS} value
     * @param profileTransport the profile's transport configuration JSON
     */
    public BootstrapConfig build(String credentialsValue, String profileTransport) {
        JsonNode root = Json.parse(credentialsValue == null || credentialsValue.isBlank() ? "{}" : credentialsValue);
        JsonNode creds = root.path("bootstrap");
        JsonNode client = root.path("client");
        JsonNode tc = Json.parse(profileTransport == null || profileTransport.isBlank() ? "{}" : profileTransport);
        boolean updateBootstrap = tc.path("bootstrapServerUpdateEnable").asBoolean(false);

        List<JsonNode> servers = new ArrayList<>();
        JsonNode bootstrapEntry = null;
        for (JsonNode e : tc.path("bootstrap")) {
            if (e.path("bootstrapServerIs").asBoolean(false)) {
                bootstrapEntry = e;
            } else {
                servers.add(e);
            }
        }
        if (servers.isEmpty()) {
            servers.add(Json.MAPPER.valueToTree(info.lwm2mServer()));
        }
        BootstrapConfig config = new BootstrapConfig();
        // Bootstrap-Delete of /0 leaves the bootstrap account in place (LwM2M 1.1, 5.2.7.5).
        config.toDelete.add("/0");
        config.toDelete.add("/1");
        int instance = 0;
        for (JsonNode s : servers) {
            Lwm2mServerSecurityConfig dflt = info.lwm2mServer();
            ServerConfig sc = new ServerConfig();
            sc.shortId = s.path("shortServerId").asInt(dflt.shortServerId());
            sc.lifetime = s.path("lifetime").asInt(dflt.lifetime());
            sc.defaultMinPeriod = s.path("defaultMinPeriod").asInt(dflt.defaultMinPeriod());
            sc.notifIfDisabled = s.path("notifIfDisabled").asBoolean(dflt.notifIfDisabled());
            sc.binding = binding(s.path("binding").asString(dflt.binding()));
            config.servers.put(instance, sc);
            ServerSecurity sec = security(creds.path("lwm2mServer"), client, s, dflt, false);
            sec.serverId = sc.shortId;
            config.security.put(instance + 1, sec);
            instance++;
        }
        if (updateBootstrap) {
            Lwm2mServerSecurityConfig dflt = info.bootstrapServer().orElse(info.lwm2mServer());
            JsonNode e = bootstrapEntry != null ? bootstrapEntry : Json.MAPPER.valueToTree(dflt);
            ServerSecurity bs = security(creds.path("bootstrapServer"), client, e, dflt, true);
            bs.bootstrapServerAccountTimeout = e.path("bootstrapServerAccountTimeout").asInt(0);
            config.security.put(0, bs);
        }
        return config;
    }

    private static EnumSet<BindingMode> binding(String text) {
        try {
            return BindingMode.parse(text == null || text.isBlank() ? "U" : text);
        } catch (RuntimeException e) {
            return EnumSet.of(BindingMode.U);
        }
    }

    /**
     * {@code account}: the credentials' {@code bootstrap.lwm2mServer} or {@code bootstrap.bootstrapServer}; a PSK
     * account without identity or key takes the device's own ({@code client}).
     */
    private ServerSecurity security(JsonNode account, JsonNode client, JsonNode entry, Lwm2mServerSecurityConfig dflt,
                                    boolean bootstrap) {
        ServerSecurity sec = new ServerSecurity();
        sec.bootstrapServer = bootstrap;
        String mode = account.path("securityMode").asString(entry.path("securityMode").asString("NO_SEC"));
        sec.securityMode = SecurityMode.valueOf(mode);
        String host = entry.path("host").asString("");
        String secureHost = entry.path("securityHost").asString(host);
        boolean secure = sec.securityMode != SecurityMode.NO_SEC;
        String h = secure ? secureHost : host;
        if (h.isBlank() || "0.0.0.0".equals(h) || "::".equals(h)) {
            h = secure ? dflt.securityHost() : dflt.host();
        }
        int port = secure ? entry.path("securityPort").asInt(dflt.securityPort()) : entry.path("port").asInt(dflt.port());
        sec.uri = (secure ? "coaps://" : "coap://") + (h.contains(":") ? "[" + h + "]" : h) + ":" + port;
        sec.clientOldOffTime = entry.path("clientHoldOffTime").asInt(dflt.clientHoldOffTime());
        String id = account.path("clientPublicKeyOrId").asString("");
        String secret = account.path("clientSecretKey").asString("");
        String serverKey = entry.path("serverPublicKey").asString("");
        switch (sec.securityMode) {
            case PSK -> {
                String identity = id.isBlank() ? client.path("identity").asString("") : id;
                String key = secret.isBlank() ? client.path("key").asString("") : secret;
                sec.publicKeyOrId = identity.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                sec.secretKey = HexFormat.of().parseHex(key);
            }
            case RPK -> {
                sec.publicKeyOrId = base64(id);
                sec.secretKey = base64(secret);
                sec.serverPublicKey = base64(serverKey.isBlank() ? dflt.serverPublicKey() : serverKey);
            }
            case X509 -> {
                sec.publicKeyOrId = base64(id);
                sec.secretKey = base64(secret);
                String cert = entry.path("serverCertificate").asString("");
                sec.serverPublicKey = base64(cert.isBlank() ? dflt.serverCertificate() : cert);
            }
            default -> {
            }
        }
        return sec;
    }

    private static byte[] base64(String s) {
        String body = s.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }
}
