package io.mote.server.it.lwm2m;

import java.net.InetSocketAddress;

import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.core.server.resources.Resource;

/**
 * A bare LwM2M client on Californium, driven by the test: it registers with the links it is given and answers
 * every Observe-Composite (FETCH on /) with exactly the bytes the test set, as a C client would send them;
 * {@link #notify(int, byte[])} sends the next notification.
 */
final class RawLwm2mClient implements AutoCloseable {

    private final CoapServer coap;
    private final CoapEndpoint endpoint;
    private final Root root = new Root();
    private final String serverUri;
    private String location;

    /** Answers FETCH / (Observe-Composite) with the current payload, and Observe notifications after each change. */
    private static final class Root extends CoapResource {
        volatile int format;
        volatile byte[] payload = new byte[0];
        final java.util.concurrent.atomic.AtomicInteger fetches = new java.util.concurrent.atomic.AtomicInteger();

        Root() {
            super("");
            setObservable(true);
        }

        @Override
        public void handleFETCH(CoapExchange exchange) {
            fetches.incrementAndGet();
            exchange.respond(ResponseCode.CONTENT, payload, format);
        }
    }

    /** Registers announcing {@code links}; {@code firstAnswer} (in {@code format}) answers the first Observe-Composite. */
    RawLwm2mClient(int serverPort, String endpointName, String version, String links, int format, byte[] firstAnswer)
            throws Exception {
        answer(format, firstAnswer);
        // A configuration of its own, not Californium's standard one (which would write a properties file).
        var config = org.eclipse.californium.elements.config.Configuration.createStandardWithoutFile();
        endpoint = new CoapEndpoint.Builder().setConfiguration(config)
                .setInetSocketAddress(new InetSocketAddress("127.0.0.1", 0)).build();
        coap = new CoapServer(config) {
            @Override
            protected Resource createRoot() {
                return root;
            }
        };
        coap.addEndpoint(endpoint);
        coap.start();
        serverUri = "coap://127.0.0.1:" + serverPort;
        Request register = Request.newPost();
        register.setURI(serverUri + "/rd?ep=" + endpointName + "&lt=300&lwm2m=" + version + "&b=U");
        register.getOptions().setContentFormat(40);
        register.setPayload(links);
        register.send(endpoint);
        Response r = register.waitForResponse(20_000);
        if (r == null || r.getCode() != ResponseCode.CREATED) {
            throw new IllegalStateException("registration answered " + (r == null ? "nothing" : r.getCode()));
        }
        location = r.getOptions().getLocationPathString();
    }

    /** The payload of the next answer or notification. */
    void answer(int format, byte[] payload) {
        root.format = format;
        root.payload = payload;
    }

    void notify(int format, byte[] payload) {
        answer(format, payload);
        root.changed();
    }

    int fetches() {
        return root.fetches.get();
    }

    @Override
    public void close() {
        try {
            if (location != null) {
                Request deregister = Request.newDelete();
                deregister.setURI(serverUri + "/" + location);
                deregister.send(endpoint);
                deregister.waitForResponse(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            coap.destroy();
        }
    }
}
