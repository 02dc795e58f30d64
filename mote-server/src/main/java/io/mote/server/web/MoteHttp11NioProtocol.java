package io.mote.server.web;

import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.tomcat.util.net.AbstractEndpoint;

/**
 * Tomcat's NIO protocol with its endpoint reachable (the open connections, for a deadline on the whole
 * request header, which Tomcat's per-read timeouts do not give); Tomcat instantiates it by class name.
 */
public class MoteHttp11NioProtocol extends Http11NioProtocol {

    public AbstractEndpoint<?, ?> endpoint() {
        return getEndpoint();
    }
}
