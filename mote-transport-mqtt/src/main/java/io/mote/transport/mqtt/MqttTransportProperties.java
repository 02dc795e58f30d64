package io.mote.transport.mqtt;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the MQTT device API ({@code mote.transport.mqtt.*}).
 *
 * @param enabled        start the MQTT transport at all
 * @param bindAddress    address to listen on (empty = every interface)
 * @param port           plain MQTT port (0 = any free port, logged)
 * @param sslPort        MQTT over TLS port (0 = any free port, logged)
 * @param maxPayloadSize largest MQTT packet accepted, in bytes after the fixed header (larger → disconnect)
 * @param connectTimeout milliseconds a new connection may take to send its whole CONNECT (from its start, not per read)
 * @param ssl            the TLS listener's key, certificate and client-certificate trust
 * @param persistentSession MQTT 3.1.1 {@code cleanSession=false} and MQTT 5 session expiry
 */
@ConfigurationProperties("mote.transport.mqtt")
public record MqttTransportProperties(@DefaultValue("true") boolean enabled,
                                      @DefaultValue("") String bindAddress,
                                      @DefaultValue("1883") int port,
                                      @DefaultValue("8883") int sslPort,
                                      @DefaultValue("65536") int maxPayloadSize,
                                      @DefaultValue("10000") long connectTimeout,
                                      @DefaultValue Ssl ssl,
                                      @DefaultValue PersistentSession persistentSession) {

    /**
     * Sessions kept across reconnects: subscriptions, and QoS 1 messages to the device (RPC requests,
     * shared-attribute updates, attribute responses) not yet acknowledged, sent again in order when the
     * client reconnects with the same client id.
     *
     * @param enabled     keep sessions at all (off: every session is clean, Session Present is always 0)
     * @param maxExpiry   seconds a session is kept after its connection ends at most; a 3.1.1 session
     *                    with {@code cleanSession=false} is kept this long, an MQTT 5 one as long as its
     *                    Session Expiry Interval asks, up to this
     * @param maxInFlight unacknowledged QoS 1 messages kept per session; past that the oldest is given up
     */
    public record PersistentSession(@DefaultValue("true") boolean enabled,
                                    @DefaultValue("86400") long maxExpiry,
                                    @DefaultValue("100") int maxInFlight) {
    }

    /**
     * TLS settings. A PEM certificate chain and key, or a PKCS#12 key store; when neither is set a
     * self-signed certificate is generated once under the data directory.
     *
     * @param enabled          open the TLS port
     * @param certFile         PEM certificate chain of the server
     * @param keyFile          PEM private key (PKCS#8) of the server
     * @param keyPassword      password of an encrypted key file, or of the key in the key store
     * @param keyStore         PKCS#12 key store holding the server key and certificate
     * @param keyStorePassword password of the key store
     * @param trustCerts       PEM file of CA certificates that client certificates must chain to; empty =
     *                         any client certificate is accepted and the device is found by its hash
     */
    public record Ssl(@DefaultValue("true") boolean enabled,
                      @DefaultValue("") String certFile,
                      @DefaultValue("") String keyFile,
                      @DefaultValue("") String keyPassword,
                      @DefaultValue("") String keyStore,
                      @DefaultValue("") String keyStorePassword,
                      @DefaultValue("") String trustCerts) {
    }
}
