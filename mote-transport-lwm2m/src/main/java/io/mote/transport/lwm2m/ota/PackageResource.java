package io.mote.transport.lwm2m.ota;

import java.net.InetAddress;
import java.security.Principal;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.core.server.resources.Resource;
import org.eclipse.californium.elements.auth.PreSharedKeyIdentity;
import org.eclipse.californium.elements.auth.RawPublicKeyIdentity;
import org.eclipse.californium.elements.auth.X509CertPath;
import org.eclipse.leshan.core.peer.IpPeer;
import org.eclipse.leshan.core.peer.LwM2mIdentity;
import org.eclipse.leshan.core.peer.PskIdentity;
import org.eclipse.leshan.core.peer.RpkIdentity;
import org.eclipse.leshan.core.peer.X509Identity;
import org.eclipse.leshan.server.registration.Registration;

/**
 * The CoAP resource {@code /ota/{token}} on the LwM2M server's own endpoints, serving the package of a
 * Package URI update (strategy 2). Each update gets its own random token; the file is answered blockwise
 * (Block2, by Californium) only to the client the update is for: over DTLS the same identity it registered
 * with, over plain CoAP the address it registered from. A token is withdrawn once the client reports the
 * package downloaded or the update ends, so a second fetch is refused (4.04).
 */
final class PackageResource extends CoapResource {

    static final String NAME = "ota";

    /** A download offered to one client. */
    record Offer(Registration registration, byte[] data) {
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Offer> offers = new ConcurrentHashMap<>();

    PackageResource() {
        super(NAME);
        setVisible(false);
    }

    /** Offers the bytes to the registration's client; returns the token of its URL. */
    String offer(Registration registration, byte[] data) {
        byte[] raw = new byte[24];
        random.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        offers.put(token, new Offer(registration, data));
        return token;
    }

    void withdraw(String token) {
        if (token != null) {
            offers.remove(token);
        }
    }

    int offered() {
        return offers.size();
    }

    @Override
    public Resource getChild(String name) {
        return this; // /ota/{token}: the token is read from the request's path
    }

    @Override
    public void handleGET(CoapExchange exchange) {
        List<String> path = exchange.getRequestOptions().getUriPath();
        Offer offer = path.size() == 2 ? offers.get(path.get(1)) : null;
        if (offer == null) {
            exchange.respond(ResponseCode.NOT_FOUND, "No such package download, or it is over");
            return;
        }
        if (!sameClient(offer.registration(), exchange)) {
            exchange.respond(ResponseCode.FORBIDDEN, "This package download is for another LwM2M client");
            return;
        }
        exchange.respond(ResponseCode.CONTENT, offer.data(), MediaTypeRegistry.APPLICATION_OCTET_STREAM);
    }

    private static boolean sameClient(Registration r, CoapExchange exchange) {
        LwM2mIdentity registered = r.getClientTransportData() instanceof IpPeer ip ? ip.getIdentity() : null;
        Principal principal = exchange.advanced().getRequest().getSourceContext().getPeerIdentity();
        if (registered == null || !registered.isSecure()) {
            // Plain CoAP proves no identity: the download must come from the client's own host and no DTLS peer.
            InetAddress from = exchange.getSourceAddress();
            return principal == null && r.getSocketAddress().getAddress().equals(from);
        }
        if (registered instanceof PskIdentity psk) {
            return principal instanceof PreSharedKeyIdentity p && p.getIdentity().equals(psk.getPskIdentity());
        }
        if (registered instanceof RpkIdentity rpk) {
            return principal instanceof RawPublicKeyIdentity p && p.getKey().equals(rpk.getPublicKey());
        }
        if (registered instanceof X509Identity x509) {
            return principal instanceof X509CertPath p && x509.getX509CommonName().equals(p.getCN());
        }
        return false;
    }
}
