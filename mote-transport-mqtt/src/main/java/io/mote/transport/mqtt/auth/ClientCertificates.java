package io.mote.transport.mqtt.auth;

import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLPeerUnverifiedException;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The client certificates a TLS connection presented, if any. */
public final class ClientCertificates {

    private static final Logger log = LoggerFactory.getLogger(ClientCertificates.class);

    private ClientCertificates() {
    }

    /**
     * The DER encodings of the peer's certificate chain as it sent it, leaf first; empty without TLS or
     * without a client certificate.
     */
    public static List<byte[]> of(Channel channel) {
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return List.of();
        }
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            List<byte[]> der = new ArrayList<>(chain.length);
            for (Certificate c : chain) {
                der.add(c.getEncoded());
            }
            return der;
        } catch (SSLPeerUnverifiedException e) {
            return List.of();
        } catch (CertificateEncodingException e) {
            log.debug("MQTT client certificate could not be encoded: {}", e.toString());
            return List.of();
        }
    }
}
