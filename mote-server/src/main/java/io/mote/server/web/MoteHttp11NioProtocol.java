package io.mote.server.web;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.coyote.AbstractProcessor;
import org.apache.coyote.Constants;
import org.apache.coyote.Request;
import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.tomcat.util.net.AbstractEndpoint;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mote.common.log.RateLimitedLog;

/**
 * Tomcat's NIO protocol with a deadline on the whole request head (request line and headers). Tomcat's
 * own timeouts are per read, so a client sending a header byte every few seconds would hold its
 * connection forever; here a sweep on Tomcat's utility executor closes every connection whose request
 * began longer than the deadline ago and is still being parsed. Tomcat instantiates it by class name.
 */
public class MoteHttp11NioProtocol extends Http11NioProtocol {

    private static final Logger log = LoggerFactory.getLogger(MoteHttp11NioProtocol.class);
    private static final RateLimitedLog slowClients = new RateLimitedLog(log);

    private long headerDeadlineMs;
    private volatile ScheduledFuture<?> sweep;

    public AbstractEndpoint<?, ?> endpoint() {
        return getEndpoint();
    }

    /** The longest a request's line and headers may take to arrive, from their first byte; 0: none. */
    public void setHeaderDeadlineMs(long ms) {
        this.headerDeadlineMs = ms;
    }

    public long getHeaderDeadlineMs() {
        return headerDeadlineMs;
    }

    @Override
    public void start() throws Exception {
        super.start();
        if (headerDeadlineMs > 0) {
            long period = Math.max(100, Math.min(1000, headerDeadlineMs / 4));
            sweep = getUtilityExecutor().scheduleWithFixedDelay(this::closeSlowHeads, period, period,
                    TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void stop() throws Exception {
        ScheduledFuture<?> s = sweep;
        if (s != null) {
            s.cancel(false);
            sweep = null;
        }
        super.stop();
    }

    private void closeSlowHeads() {
        try {
            long now = System.nanoTime();
            long deadline = TimeUnit.MILLISECONDS.toNanos(headerDeadlineMs);
            AbstractEndpoint<?, ?> endpoint = getEndpoint();
            for (SocketWrapperBase<?> wrapper : endpoint.getConnections()) {
                // A connection between requests holds no processor. One whose head is incomplete keeps its
                // processor, whose request marked its start at the head's first byte, and waits for more
                // bytes in stage ENDED (Tomcat's service loop ends its pass there); an asynchronous request
                // (a long poll) waits in that stage too, but its processor says it is asynchronous.
                if (!(wrapper.getCurrentProcessor() instanceof AbstractProcessor p) || wrapper.isClosed()
                        || p.isAsync() || p.isUpgrade()) {
                    continue;
                }
                Request r = p.getRequest();
                int stage = r.getRequestProcessor().getStage();
                boolean parsing = stage == Constants.STAGE_NEW || stage == Constants.STAGE_PARSE
                        || stage == Constants.STAGE_KEEPALIVE || stage == Constants.STAGE_ENDED;
                long start = r.getStartTimeNanos();
                if (parsing && start != -1 && now - start > deadline) {
                    slowClients.info("HTTP client {} sent no complete request head within {} ms, closing",
                            wrapper.getRemoteAddr(), headerDeadlineMs);
                    close(endpoint, wrapper);
                }
            }
        } catch (RuntimeException e) {
            // The sweep must survive whatever a connection's state was; the next one tries again.
            log.debug("Request head deadline sweep failed: {}", e.toString());
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void close(AbstractEndpoint endpoint, SocketWrapperBase wrapper) {
        // Through the endpoint, so it is serialised with the socket's other processing and the processor
        // is released; closed directly only if it cannot be dispatched.
        if (!endpoint.processSocket(wrapper, SocketEvent.ERROR, true)) {
            wrapper.close();
        }
    }
}
