package io.mote.transport.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodes;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mote.common.log.RateLimitedLog;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import io.mote.common.error.MoteException;
import io.mote.common.json.Json;
import io.mote.transport.api.DeviceInfo;
import io.mote.transport.api.DeviceSession;
import io.mote.transport.api.TransportService;
import io.mote.transport.mqtt.auth.ClientCertificates;
import io.mote.transport.mqtt.auth.ConnectAuthenticator;
import io.mote.transport.mqtt.gateway.GatewaySessions;
import io.mote.transport.mqtt.ota.FirmwareChunks;
import io.mote.transport.mqtt.payload.JsonPayloadAdaptor;
import io.mote.transport.mqtt.payload.PayloadAdaptor;
import io.mote.transport.mqtt.provision.ProvisionRequests;
import io.mote.transport.mqtt.session.InFlight;
import io.mote.transport.mqtt.session.PersistedSession;
import io.mote.transport.mqtt.session.SessionStore;
import io.mote.transport.mqtt.sparkplug.SparkplugNode;

/**
 * One MQTT connection: the Netty handler that owns its state, answers CONNECT, and routes each PUBLISH,
 * SUBSCRIBE and UNSUBSCRIBE to the class that handles that topic ({@code device}, {@code gateway},
 * {@code ota}, {@code provision} packages; acknowledgements in {@link PublishAcks}). Every field is touched
 * on the channel's event loop only; the core's futures and session callbacks hop back onto it with
 * {@code eventLoop().execute}. Nothing here blocks.
 */
public final class MqttConnection extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(MqttConnection.class);
    /** What a client not yet authenticated causes: one line each, rate-limited. */
    private static final RateLimitedLog refusals = new RateLimitedLog(log);

    private final MqttTransportServer server;
    private final TransportService transport;
    private final PublishAcks acks = new PublishAcks(this);
    private Subscriptions subscriptions = new Subscriptions();
    private Channel channel;
    private Outbound out;

    private boolean connectReceived;
    private boolean connected;
    private boolean closing;
    private boolean provisioning;
    private boolean v5;
    private String clientId;
    private boolean clientIdAssigned;
    private DeviceInfo device;
    private DeviceSession session;
    private MqttTopics topics = MqttTopics.DEFAULT;
    private PayloadAdaptor payloads = JsonPayloadAdaptor.INSTANCE;
    /** As CONNECT asked: Clean Session (3.1.1) or Clean Start (5), and the session expiry wanted. */
    private boolean cleanStart = true;
    private long requestedExpiryMs;
    /** The session this connection works in; null until CONNECT succeeds, and on provisioning connections. */
    private PersistedSession persisted;

    /** Created on first use. */
    private FirmwareChunks firmware;
    /** Child devices of a gateway; created on first gateway message. */
    private GatewaySessions gateway;
    /** The CONNECT's will, and the Sparkplug B node it names when the profile says {@code sparkplug}. */
    private SparkplugNode.Will will;
    private SparkplugNode sparkplug;

    MqttConnection(MqttTransportServer server) {
        this.server = server;
        this.transport = server.transport();
    }

    // ---------------------------------------------------------------- Netty events

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        // Until the session is known (and for a provisioning connection, for good) messages in flight are
        // the connection's own.
        out = new Outbound(channel, new InFlight(server.props().persistentSession().maxInFlight()));
        // The idle handler's connect timeout is per read: a client trickling its CONNECT a byte at a time
        // would reset it forever, so the whole CONNECT gets a deadline of its own.
        ctx.executor().schedule(() -> {
            if (!connectReceived && channel.isOpen()) {
                log.debug("MQTT connection from {} sent no complete CONNECT in time, closing", channel.remoteAddress());
                channel.close();
            }
        }, server.props().connectTimeout(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof MqttMessage m)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            if (m.decoderResult().isFailure()) {
                onDecodeFailure(m.decoderResult().cause());
                return;
            }
            if (closing) {
                return;
            }
            MqttMessageType type = m.fixedHeader().messageType();
            if (type == MqttMessageType.CONNECT) {
                onConnect((MqttConnectMessage) m);
                return;
            }
            if (!connected) {
                // Anything before CONNECT (or a second CONNECT) is a protocol violation [MQTT-3.1.0-1].
                channel.close();
                return;
            }
            switch (type) {
                case PUBLISH -> onPublish((MqttPublishMessage) m);
                case SUBSCRIBE -> SubscribeHandler.subscribe(this, (MqttSubscribeMessage) m);
                case UNSUBSCRIBE -> SubscribeHandler.unsubscribe(this, (MqttUnsubscribeMessage) m);
                case PINGREQ -> channel.writeAndFlush(new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGRESP,
                        false, MqttQoS.AT_MOST_ONCE, false, 0)));
                case PUBREL -> acks.onPubRel(m);
                case DISCONNECT -> {
                    closing = true;
                    channel.close();
                }
                case PUBACK, PUBREC, PUBCOMP -> acks.onDeviceAck(m);
                default -> disconnect(MqttReasonCodes.Disconnect.PROTOCOL_ERROR);
            }
        } catch (MoteException e) {
            log.debug("MQTT client {}: {}", clientId, e.getMessage());
            disconnect(MqttReasonCodes.Disconnect.PAYLOAD_FORMAT_INVALID);
        } catch (RuntimeException e) {
            log.warn("MQTT client {}: failed on a {}", clientId, m.fixedHeader().messageType(), e);
            disconnect(MqttReasonCodes.Disconnect.IMPLEMENTATION_SPECIFIC_ERROR);
        } finally {
            ReferenceCountUtil.release(m);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            log.debug("MQTT client {} idle past its keepalive, closing", clientId);
            disconnect(MqttReasonCodes.Disconnect.KEEP_ALIVE_TIMEOUT);
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("MQTT connection error ({}): {}", clientId, cause.toString());
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        connected = false;
        closing = true;
        if (session != null) {
            session.close();
            session = null;
        }
        if (gateway != null) {
            gateway.closeAll();
        }
        if (sparkplug != null) {
            sparkplug.closeAll();
        }
        if (clientId != null) {
            server.clients.remove(clientId, this);
        }
        if (persisted != null) {
            server.sessions.closed(this, persisted, System.currentTimeMillis());
        }
        super.channelInactive(ctx);
    }

    private void onDecodeFailure(Throwable cause) {
        if (!connectReceived) {
            if (cause instanceof MqttUnacceptableProtocolVersionException) {
                refuse(MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION);
                return;
            }
            if (cause instanceof MqttIdentifierRejectedException) {
                refuse(ConnAcks.identifierRejected(v5));
                return;
            }
        }
        if (cause instanceof TooLongFrameException) {
            log.debug("MQTT client {} sent a packet over {} bytes, closing", clientId, server.props().maxPayloadSize());
            disconnect(MqttReasonCodes.Disconnect.PACKET_TOO_LARGE);
        } else {
            log.debug("MQTT client {} sent a malformed packet: {}", clientId, cause.toString());
            disconnect(MqttReasonCodes.Disconnect.MALFORMED_PACKET);
        }
    }

    // ---------------------------------------------------------------- CONNECT

    private void onConnect(MqttConnectMessage m) {
        if (connectReceived) {
            disconnect(MqttReasonCodes.Disconnect.PROTOCOL_ERROR);
            return;
        }
        connectReceived = true;
        v5 = m.variableHeader().version() == MqttVersion.MQTT_5.protocolLevel();
        String id = m.payload().clientIdentifier();
        clientIdAssigned = id == null || id.isEmpty();
        clientId = clientIdAssigned ? "mote-" + UUID.randomUUID() : id;
        cleanStart = m.variableHeader().isCleanSession();
        requestedExpiryMs = ConnAcks.requestedExpiryMs(m, v5);
        will = SparkplugNode.Will.of(m);
        int keepAlive = m.variableHeader().keepAliveTimeSeconds();
        channel.pipeline().replace(MqttTransportServer.IDLE_HANDLER, MqttTransportServer.IDLE_HANDLER,
                new IdleStateHandler(keepAlive > 0 ? keepAlive * 1500L : 0, 0, 0, TimeUnit.MILLISECONDS));

        String userName = m.payload().userName();
        byte[] pw = m.payload().passwordInBytes();
        String password = pw == null ? "" : new String(pw, StandardCharsets.UTF_8);
        if (ProvisionRequests.USER_NAME.equals(userName) || ProvisionRequests.USER_NAME.equals(id)) {
            provisioning = true;
            connected = true;
            channel.writeAndFlush(ConnAcks.accepted(v5, false, clientIdAssigned ? clientId : null, -1));
            return;
        }
        List<byte[]> certificates = ClientCertificates.of(channel);
        // Wait for the outcome before reading further, so nothing is published before CONNACK.
        channel.config().setAutoRead(false);
        ConnectAuthenticator.authenticate(transport, certificates, id, userName, password)
                .thenCompose(auth -> ConnectedDevice.load(transport, auth))
                .whenComplete((c, err) -> channel.eventLoop().execute(() -> completeConnect(c, err)));
    }

    private void completeConnect(ConnectedDevice c, Throwable err) {
        channel.config().setAutoRead(true);
        if (!channel.isActive()) {
            return;
        }
        if (err != null) {
            refusals.warn("MQTT client {}: authentication failed: {}", clientId, MqttUtil.unwrap(err));
            refuse(ConnAcks.serverUnavailable(v5));
            return;
        }
        if (c.auth().device() == null) {
            log.debug("MQTT client {} refused: {}", clientId, c.auth().failure());
            refuse(ConnAcks.notAuthenticated(v5, c.auth().failure()));
            return;
        }
        if (c.payloads() == null) {
            refuse(v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_PAYLOAD_FORMAT_INVALID
                    : MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE);
            return;
        }
        device = c.auth().device();
        if (c.sparkplug().enabled() && (sparkplug = SparkplugNode.of(this, c.sparkplug(), will)) == null) {
            refuse(ConnAcks.serverUnavailable(v5));
            return;
        }
        topics = c.topics();
        payloads = c.payloads();
        session = transport.openSession(device, new DeviceListener(this));
        connected = true;
        MqttConnection previous = server.clients.put(clientId, this);
        if (previous != null && previous != this) {
            previous.takenOver();
        }
        long expiry = server.sessions.grant(requestedExpiryMs);
        SessionStore.Opened opened = server.sessions.open(this, clientId, device.deviceId(), cleanStart, expiry,
                System.currentTimeMillis());
        persisted = opened.session();
        out.use(persisted.inFlight());
        if (opened.present()) {
            subscriptions = persisted.subscriptions();
        }
        channel.writeAndFlush(ConnAcks.accepted(v5, opened.present(), clientIdAssigned ? clientId : null,
                expiry != requestedExpiryMs ? expiry : -1));
        log.debug("MQTT client {} connected as device {}{}", clientId, device.deviceName(),
                opened.present() ? " (session resumed)" : "");
        if (opened.present()) {
            resume();
        }
        if (sparkplug != null) {
            sparkplug.start(session);
        }
    }

    /**
     * A resumed session: its unacknowledged messages go out again first, in order; then the core is told
     * what the device listens to, which offers whatever was queued for it meanwhile.
     */
    private void resume() {
        int resent = out.resend();
        if (resent > 0) {
            log.debug("MQTT client {}: {} unacknowledged message(s) sent again", clientId, resent);
        }
        if (subscriptions.attributes >= 0) {
            session.subscribeToAttributes(true);
        }
        if (subscriptions.rpc >= 0) {
            session.subscribeToRpc(true);
        }
        if (!subscriptions.gateway.isEmpty() && gateway() != null) {
            subscriptions.gateway.forEach(gateway::subscribe);
        }
    }

    /** SUBSCRIBE or UNSUBSCRIBE changed what the device listens to: a persistent session remembers it. */
    void subscriptionsChanged() {
        if (persisted != null) {
            persisted.subscriptions(subscriptions);
        }
    }

    Outbound outbound() {
        return out;
    }

    private void refuse(MqttConnectReturnCode code) {
        closing = true;
        channel.writeAndFlush(ConnAcks.refused(code)).addListener(ChannelFutureListener.CLOSE);
    }

    /** Another connection with the same client id connected: step aside [MQTT-3.1.4-2]. */
    void takenOver() {
        channel.eventLoop().execute(() -> {
            log.debug("MQTT client {} taken over by a new connection", clientId);
            if (sparkplug != null) {
                sparkplug.takenOver();
            }
            disconnect(MqttReasonCodes.Disconnect.SESSION_TAKEN_OVER);
        });
    }

    MqttTransportServer server() {
        return server;
    }

    void serverShuttingDown() {
        channel.eventLoop().execute(() -> disconnect(MqttReasonCodes.Disconnect.SERVER_SHUTTING_DOWN));
    }

    /** Closes the connection, sending DISCONNECT with the reason first to an MQTT 5 client. */
    public void disconnect(MqttReasonCodes.Disconnect reason) {
        if (!channel.isActive()) {
            return;
        }
        closing = true;
        if (v5 && connected) {
            channel.writeAndFlush(MqttMessageBuilders.disconnect().reasonCode(reason.byteValue()).build())
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }

    // ---------------------------------------------------------------- PUBLISH from the device

    private void onPublish(MqttPublishMessage m) {
        int packetId = m.variableHeader().packetId();
        int qos = m.fixedHeader().qosLevel().value();
        if (acks.isDuplicate(qos, packetId)) {
            return;
        }
        Publish p = new Publish(m.variableHeader().topicName(), packetId, qos, ByteBufUtil.getBytes(m.payload()));
        try {
            PublishRouter.route(this, p);
        } catch (MoteException e) {
            acks.fail(p, e);
        } catch (JacksonException e) {
            // A JSON value of the wrong kind that a handler read without checking: the device's mistake.
            acks.fail(p, MoteException.badRequest("Invalid payload: " + e.getOriginalMessage()));
        }
    }

    // ---------------------------------------------------------------- acknowledging (see PublishAcks)

    /** Acknowledges {@code p} when {@code f} completes, or refuses it with the failure's reason code. */
    public void complete(Publish p, CompletableFuture<?> f) {
        acks.complete(p, f);
    }

    /** PUBACK (QoS 1) or PUBREC (QoS 2) now; thread-safe. */
    public void ack(Publish p) {
        acks.ack(p);
    }

    /** Refuses a publish: PUBACK with the reason for MQTT 5 at QoS 1, else a (reasoned) disconnect. */
    public void reject(Publish p, MqttReasonCodes.PubAck reason, String message) {
        acks.reject(p, reason, message);
    }

    // ---------------------------------------------------------------- publishing to the device

    public void publish(String topic, JsonNode body, byte qos) {
        publish(topic, Json.write(body).getBytes(StandardCharsets.UTF_8), qos, null);
    }

    public void publish(String topic, byte[] body, byte qos) {
        publish(topic, body, qos, null);
    }

    /**
     * Publishes on the event loop; {@code done} runs once the device acknowledged a QoS 1 message (which a
     * persistent session sends again after a reconnect until then), or once a QoS 0 one is written.
     * Thread-safe.
     */
    public void publish(String topic, byte[] body, byte qos, Runnable done) {
        if (!channel.eventLoop().inEventLoop()) {
            channel.eventLoop().execute(() -> publish(topic, body, qos, done));
            return;
        }
        if (!channel.isActive() || closing) {
            return;
        }
        out.publish(topic, body, qos, done);
    }

    // ---------------------------------------------------------------- the core's changes (see DeviceListener)

    /** The device or its profile changed: new topics and payload adaptor (null if its schemas broke). */
    void deviceUpdated(DeviceInfo updated, MqttTopics t, PayloadAdaptor adaptor) {
        if (t == null || !connected) {
            return;
        }
        device = updated;
        if (!updated.gateway() && gateway != null) {
            log.debug("MQTT device {} is no longer a gateway; closing its children's sessions", updated.deviceName());
            gateway.closeAll();
            gateway = null;
        }
        if (adaptor == null) {
            disconnect(MqttReasonCodes.Disconnect.PAYLOAD_FORMAT_INVALID);
            return;
        }
        topics = t;
        payloads = adaptor;
    }

    void sessionClosedByServer(String reason) {
        log.debug("MQTT client {}: session closed by the server ({})", clientId, reason);
        session = null;
        disconnect(MqttReasonCodes.Disconnect.ADMINISTRATIVE_ACTION);
    }

    // ---------------------------------------------------------------- state, for the topic handlers

    public Channel channel() {
        return channel;
    }

    public TransportService transport() {
        return transport;
    }

    /** The authenticated device; null on a provisioning connection. */
    public DeviceInfo device() {
        return device;
    }

    public String clientId() {
        return clientId;
    }

    public boolean isV5() {
        return v5;
    }

    public boolean isProvisioning() {
        return provisioning;
    }

    public MqttTopics topics() {
        return topics;
    }

    /** The converter of the device's payload type (JSON unless its profile says PROTOBUF). */
    public PayloadAdaptor payloads() {
        return payloads;
    }

    public Subscriptions subscriptions() {
        return subscriptions;
    }

    DeviceSession session() {
        return session;
    }

    /**
     * The connection's gateway sessions, created on first use; null when the device is not a gateway
     * (its {@code additionalInfo.gateway} is not true), which may not use the gateway topics.
     */
    GatewaySessions gateway() {
        if (device == null || !device.gateway()) {
            return null;
        }
        if (gateway == null) {
            gateway = new GatewaySessions(this, transport);
        }
        return gateway;
    }

    /** The Sparkplug B node of this connection; null unless the device's profile says {@code sparkplug}. */
    SparkplugNode sparkplug() {
        return sparkplug;
    }

    /** The connection's chunked downloads, created on first use. */
    FirmwareChunks firmware() {
        if (firmware == null) {
            firmware = new FirmwareChunks(this);
        }
        return firmware;
    }

    public int maxPayloadSize() {
        return server.props().maxPayloadSize();
    }
}
