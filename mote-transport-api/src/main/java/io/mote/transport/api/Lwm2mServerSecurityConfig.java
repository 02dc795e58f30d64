package io.mote.transport.api;

/**
 * One server account as ThingsBoard's {@code LwM2MServerSecurityConfigDefault} describes it: the plain
 * ({@code host}, {@code port}) and DTLS ({@code securityHost}, {@code securityPort}) addresses, the server's
 * public key (base64 SubjectPublicKeyInfo, for RPK clients) and certificate (base64 DER, for X.509 clients),
 * and the Security (0) / Server (1) object defaults.
 */
public record Lwm2mServerSecurityConfig(int shortServerId, boolean bootstrapServerIs, String host, int port,
                                        String securityHost, int securityPort, int clientHoldOffTime,
                                        String serverPublicKey, String serverCertificate,
                                        int bootstrapServerAccountTimeout, int lifetime, int defaultMinPeriod,
                                        boolean notifIfDisabled, String binding) {
}
