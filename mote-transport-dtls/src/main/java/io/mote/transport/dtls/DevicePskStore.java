package io.mote.transport.dtls;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import javax.crypto.SecretKey;

import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.HandshakeResultHandler;
import org.eclipse.californium.scandium.dtls.PskPublicInformation;
import org.eclipse.californium.scandium.dtls.PskSecretResult;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedPskStore;
import org.eclipse.californium.scandium.util.SecretUtil;
import org.eclipse.californium.scandium.util.ServerNames;
import org.slf4j.LoggerFactory;

import io.mote.common.log.RateLimitedLog;

import io.mote.common.entity.CredentialsType;
import io.mote.transport.api.AuthenticatedDevice;
import io.mote.transport.api.TransportService;

/**
 * A server-side PSK store backed by device credentials: the PSK identity is looked up as
 * {@code LWM2M_CREDENTIALS} and its key read with {@link PskCredentials}. The look-up runs on core
 * threads and its result is handed back to Scandium asynchronously, so no DTLS thread waits on it.
 */
public class DevicePskStore implements AdvancedPskStore {

    private static final RateLimitedLog log = new RateLimitedLog(LoggerFactory.getLogger(DevicePskStore.class));

    private final TransportService transport;
    private final DtlsRefusals refusals;
    private volatile HandshakeResultHandler resultHandler;

    public DevicePskStore(TransportService transport) {
        this(transport, DtlsRefusals.NONE);
    }

    /** A store that reports identities it cannot serve (unknown, or not a PSK device) to {@code refusals}. */
    public DevicePskStore(TransportService transport, DtlsRefusals refusals) {
        this.transport = transport;
        this.refusals = refusals;
    }

    @Override
    public boolean hasEcdhePskSupported() {
        return true;
    }

    @Override
    public PskSecretResult requestPskSecretResult(ConnectionId cid, ServerNames serverName, PskPublicInformation identity,
                                                  String hmacAlgorithm, SecretKey otherSecret, byte[] seed,
                                                  boolean useExtendedMasterSecret) {
        String id = new String(identity.getBytes(), StandardCharsets.UTF_8);
        transport.authenticate(CredentialsType.LWM2M_CREDENTIALS, id).whenComplete((auth, err) -> {
            Optional<byte[]> key = err != null || auth == null ? Optional.empty()
                    : auth.map(AuthenticatedDevice::credentialsValue).flatMap(PskCredentials::key);
            if (err != null) {
                log.warn("PSK look-up for identity {} failed: {}", id, err.toString());
            } else if (key.isEmpty()) {
                boolean known = auth != null && auth.isPresent();
                refusals.refused(known ? "mode_mismatch" : "unknown_identity", null, known
                        ? "PSK identity '" + id + "' belongs to a device that is not in PSK mode"
                        : "unknown PSK identity '" + id + "'");
            }
            SecretKey secret = key.map(k -> SecretUtil.create(k, "PSK")).orElse(null);
            resultHandler.apply(new PskSecretResult(cid, identity, secret));
        });
        return null;
    }

    @Override
    public PskPublicInformation getIdentity(InetSocketAddress peerAddress, ServerNames virtualHost) {
        return null;
    }

    @Override
    public void setResultHandler(HandshakeResultHandler resultHandler) {
        this.resultHandler = resultHandler;
    }
}
