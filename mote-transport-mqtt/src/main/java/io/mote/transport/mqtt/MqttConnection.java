package io.mote.transport.mqtt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import javax.net.ssl.SSLPeerUnverifiedException;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodes;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubAckPayload;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.entity.CredentialIds;
import io.mote.common.entity.CredentialsType;
import io.mote.common.error.ErrorCode;
import io.mote.common.error.MoteException;
import io.mote.common.json.Json;
import io.mote.common.json.KvJson;
import io.mote.common.kv.KvEntry;
import io.mote.common.kv.TsKvEntry;
import io.mote.transport.api.AttributesUpdate;
import io.mote.transport.api.AuthenticatedDevice;
import io.mote.transport.api.DeviceInfo;
import io.mote.transport.api.DevicePayloads;
import io.mote.transport.api.DeviceSession;
import io.mote.transport.api.OtaPackageRef;
import io.mote.transport.api.OtaPackageType;
import io.mote.transport.api.RpcRequest;
import io.mote.transport.api.SessionListener;
import io.mote.transport.api.TransportService;

/**
 * One MQTT connection: CONNECT and authentication, the device topics, and (through {@link GatewaySessions})
 * the gateway topics. Every field is touched on the channel's event loop only; the core's futures and
 * session callbacks hop back onto it with {@code eventLoop().execute}. Nothing here blocks.
 *
 * <p>Error handling: a publish the server cannot take is answered, for MQTT 5 at QoS 1, by a PUBACK with a
 * reason code (0x99 payload format invalid, 0x90 topic name invalid, 0x97 quota exceeded when the core
 * pushes back, 0x83 otherwise); in every other case (MQTT 3.1.1, or QoS 0) the connection is closed, with a
 * DISCONNECT carrying the same reason code for MQTT 5.
 */
final class MqttConnection extends ChannelInboundHandlerAdapter implements SessionListener {

    private static final Logger log = LoggerFactory.getLogger(MqttConnection.class);

    static final String PROVISION = "provision";
    private static final int NOT_SUBSCRIBED = -1;

    private final MqttTransportServer server;
    private final TransportService transport;
    private Channel channel;

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
    private int nextPacketId = 1;

    // Granted QoS per kind of outgoing message, NOT_SUBSCRIBED when the device did not subscribe.
    private byte attrQos = NOT_SUBSCRIBED;
    private String attrTopic;
    private byte rpcQos = NOT_SUBSCRIBED;
    private byte attrResponseQos = NOT_SUBSCRIBED;
    private byte rpcResponseQos = NOT_SUBSCRIBED;
    private byte fwQos = NOT_SUBSCRIBED;
    private byte swQos = NOT_SUBSCRIBED;
    private byte provisionQos = NOT_SUBSCRIBED;

    /** Chunk size last asked for per OTA request id; created on first use. */
    private Map<String, Integer> otaChunkSizes;
    /** QoS 2 packet ids stored and waiting for PUBREL; created on first use. */
    private Set<Integer> awaitingRelease;
    /** Child devices of a gateway; created on first gateway message. */
    private GatewaySessions gateway;

    MqttConnection(MqttTransportServer server) {
        this.server = server;
        this.transport = server.transport();
    }

    // ---------------------------------------------------------------- Netty events

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        channel = ctx.channel();
        super.channelActive(ctx);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof MqttMessage m)) {
            io.netty.util.ReferenceCountUtil.release(msg);
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
                case SUBSCRIBE -> onSubscribe((MqttSubscribeMessage) m);
                case UNSUBSCRIBE -> onUnsubscribe((MqttUnsubscribeMessage) m);
                case PINGREQ -> channel.writeAndFlush(new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGRESP,
                        false, MqttQoS.AT_MOST_ONCE, false, 0)));
                case PUBREL -> onPubRel(m);
                case DISCONNECT -> {
                    closing = true;
                    channel.close();
                }
                case PUBACK, PUBREC, PUBCOMP -> onDeviceAck(m);
                default -> disconnect(MqttReasonCodes.Disconnect.PROTOCOL_ERROR);
            }
        } catch (MoteException e) {
            log.debug("MQTT client {}: {}", clientId, e.getMessage());
            disconnect(MqttReasonCodes.Disconnect.PAYLOAD_FORMAT_INVALID);
        } catch (RuntimeException e) {
            log.warn("MQTT client {}: failed on a {}", clientId, m.fixedHeader().messageType(), e);
            disconnect(MqttReasonCodes.Disconnect.IMPLEMENTATION_SPECIFIC_ERROR);
        } finally {
            io.netty.util.ReferenceCountUtil.release(m);
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
        if (clientId != null) {
            server.clients.remove(clientId, this);
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
                refuse(v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_CLIENT_IDENTIFIER_NOT_VALID
                        : MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED);
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
        int keepAlive = m.variableHeader().keepAliveTimeSeconds();
        channel.pipeline().replace(MqttTransportServer.IDLE_HANDLER, MqttTransportServer.IDLE_HANDLER,
                new IdleStateHandler(keepAlive > 0 ? keepAlive * 1500L : 0, 0, 0, TimeUnit.MILLISECONDS));

        String userName = m.payload().userName();
        byte[] pw = m.payload().passwordInBytes();
        String password = pw == null ? "" : new String(pw, StandardCharsets.UTF_8);
        if (PROVISION.equals(userName) || PROVISION.equals(id)) {
            provisioning = true;
            connected = true;
            channel.writeAndFlush(connAck(MqttConnectReturnCode.CONNECTION_ACCEPTED));
            return;
        }
        byte[] certificate = clientCertificate();
        // Wait for the outcome before reading further, so nothing is published before CONNACK.
        channel.config().setAutoRead(false);
        Auth.authenticate(transport, certificate, id, userName, password)
                .thenCompose(auth -> auth.device() == null
                        ? CompletableFuture.completedFuture(new Connected(auth, null))
                        : transport.transportConfiguration(auth.device()).thenApply(tc -> new Connected(auth, MqttTopics.of(tc))))
                .whenComplete((c, err) -> channel.eventLoop().execute(() -> completeConnect(c, err)));
    }

    private record Connected(Auth auth, MqttTopics topics) {
    }

    private void completeConnect(Connected c, Throwable err) {
        channel.config().setAutoRead(true);
        if (!channel.isActive()) {
            return;
        }
        if (err != null) {
            log.warn("MQTT client {}: authentication failed", clientId, unwrap(err));
            refuse(v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE_5
                    : MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE);
            return;
        }
        if (c.auth().device() == null) {
            log.debug("MQTT client {} refused: {}", clientId, c.auth().failure());
            refuse(c.auth().failure() == Auth.Failure.BAD_PASSWORD
                    ? (v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USERNAME_OR_PASSWORD
                            : MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD)
                    : (v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5
                            : MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED));
            return;
        }
        if (c.topics().protobuf()) {
            log.warn("MQTT device {} ({}): its profile asks for PROTOBUF payloads, which this server does not "
                    + "support yet; connection refused", c.auth().device().deviceName(), c.auth().device().deviceId());
            refuse(v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_PAYLOAD_FORMAT_INVALID
                    : MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE);
            return;
        }
        device = c.auth().device();
        topics = c.topics();
        session = transport.openSession(device, this);
        connected = true;
        MqttConnection previous = server.clients.put(clientId, this);
        if (previous != null && previous != this) {
            previous.takenOver();
        }
        channel.writeAndFlush(connAck(MqttConnectReturnCode.CONNECTION_ACCEPTED));
        log.debug("MQTT client {} connected as device {}", clientId, device.deviceName());
    }

    private byte[] clientCertificate() {
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return null;
        }
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            return chain.length == 0 ? null : chain[0].getEncoded();
        } catch (SSLPeerUnverifiedException e) {
            return null;
        } catch (CertificateEncodingException e) {
            log.debug("MQTT client certificate could not be encoded: {}", e.toString());
            return null;
        }
    }

    private MqttConnAckMessage connAck(MqttConnectReturnCode code) {
        MqttMessageBuilders.ConnAckBuilder b = MqttMessageBuilders.connAck().returnCode(code).sessionPresent(false);
        if (v5 && code == MqttConnectReturnCode.CONNECTION_ACCEPTED) {
            boolean assigned = clientIdAssigned;
            String id = clientId;
            b.properties(p -> {
                p.retainAvailable(false).sharedSubscriptionAvailable(false).wildcardSubscriptionAvailable(true)
                        .topicAliasMaximum(0);
                if (assigned) {
                    p.assignedClientId(id);
                }
            });
        }
        return b.build();
    }

    private void refuse(MqttConnectReturnCode code) {
        closing = true;
        channel.writeAndFlush(connAck(code)).addListener(ChannelFutureListener.CLOSE);
    }

    /** Another connection with the same client id connected: step aside [MQTT-3.1.4-2]. */
    void takenOver() {
        channel.eventLoop().execute(() -> {
            log.debug("MQTT client {} taken over by a new connection", clientId);
            disconnect(MqttReasonCodes.Disconnect.SESSION_TAKEN_OVER);
        });
    }

    void serverShuttingDown() {
        channel.eventLoop().execute(() -> disconnect(MqttReasonCodes.Disconnect.SERVER_SHUTTING_DOWN));
    }

    /** Closes the connection, sending DISCONNECT with the reason first to an MQTT 5 client. */
    void disconnect(MqttReasonCodes.Disconnect reason) {
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
        String topic = m.variableHeader().topicName();
        int packetId = m.variableHeader().packetId();
        int qos = m.fixedHeader().qosLevel().value();
        if (qos == 2 && awaitingRelease != null && awaitingRelease.contains(packetId)) {
            // A retransmission of a QoS 2 message already stored: acknowledge again, store nothing.
            sendPubRec(packetId);
            return;
        }
        byte[] payload = ByteBufUtil.getBytes(m.payload());
        Publish p = new Publish(topic, packetId, qos, payload);
        try {
            dispatch(p);
        } catch (MoteException e) {
            fail(p, e);
        }
    }

    private void dispatch(Publish p) {
        String topic = p.topic;
        if (provisioning) {
            if (topic.equals(MqttTopics.PROVISION_REQUEST) || topic.equals("/provision")) {
                provision(p);
            } else {
                reject(p, MqttReasonCodes.PubAck.TOPIC_NAME_INVALID, "Only provisioning is allowed on this connection");
            }
            return;
        }
        if (TopicFilter.matches(topics.telemetry(), topic)) {
            List<TsKvEntry> entries = KvJson.parseTelemetry(json(p), System.currentTimeMillis());
            complete(p, transport.postTelemetry(device, entries));
        } else if (TopicFilter.matches(topics.attributes(), topic)) {
            List<KvEntry> attrs = KvJson.parseKvObject(json(p));
            complete(p, transport.postAttributes(device, attrs));
        } else if (topic.startsWith(MqttTopics.ATTRIBUTES_REQUEST)) {
            attributesRequest(p, topic.substring(MqttTopics.ATTRIBUTES_REQUEST.length()));
        } else if (topic.startsWith(MqttTopics.RPC_RESPONSE)) {
            int requestId = intLevel(topic.substring(MqttTopics.RPC_RESPONSE.length()), "RPC id");
            complete(p, transport.sendRpcResponse(device, requestId, text(p)));
        } else if (topic.startsWith(MqttTopics.RPC_REQUEST)) {
            clientRpc(p, topic.substring(MqttTopics.RPC_REQUEST.length()));
        } else if (topic.equals(MqttTopics.CLAIM)) {
            JsonNode body = p.payload.length == 0 ? Json.object() : json(p);
            complete(p, transport.claimDevice(device, body.path("secretKey").asString(""),
                    body.path("durationMs").asLong(0)));
        } else if (topic.startsWith("v2/fw/request/") || topic.startsWith("v2/sw/request/")) {
            otaChunk(p);
        } else if (topic.startsWith(MqttTopics.GATEWAY)) {
            if (gateway == null) {
                gateway = new GatewaySessions(this, transport);
            }
            gateway.onPublish(p);
        } else {
            reject(p, MqttReasonCodes.PubAck.TOPIC_NAME_INVALID, "Unknown topic " + topic);
        }
    }

    /** A received PUBLISH: its topic, packet id, QoS and payload bytes (copied, so the buffer is released). */
    record Publish(String topic, int packetId, int qos, byte[] payload) {
    }

    private void attributesRequest(Publish p, String requestId) {
        intLevel(requestId, "request id");
        JsonNode body = p.payload.length == 0 ? Json.object() : json(p);
        Collection<String> client = keys(body.get("clientKeys"));
        Collection<String> shared = keys(body.get("sharedKeys"));
        boolean all = client == null && shared == null;
        String responseTopic = MqttTopics.ATTRIBUTES_RESPONSE + requestId;
        complete(p, transport.getAttributes(device, client, shared).thenAccept(attrs ->
                publish(responseTopic, DevicePayloads.attributesResponse(attrs, all || client != null, all || shared != null),
                        qosOr0(attrResponseQos))));
    }

    private void clientRpc(Publish p, String requestId) {
        intLevel(requestId, "request id");
        JsonNode body = json(p);
        if (!body.isObject() || !body.path("method").isString()) {
            throw MoteException.badRequest("Client-side RPC must be {\"method\":..,\"params\":..}");
        }
        String responseTopic = MqttTopics.RPC_RESPONSE + requestId;
        // Acknowledge at once: the answer may take as long as an application needs.
        ack(p);
        transport.clientRpc(device, Json.write(body)).whenComplete((answer, err) -> {
            if (err != null) {
                log.warn("MQTT client {}: client-side RPC failed", clientId, unwrap(err));
                ObjectNode e = Json.object().put("error", unwrap(err).getMessage());
                publish(responseTopic, e, qosOr0(rpcResponseQos));
            } else {
                publish(responseTopic, answer.getBytes(StandardCharsets.UTF_8), qosOr0(rpcResponseQos));
            }
        });
    }

    private void provision(Publish p) {
        String body = Json.write(json(p));
        complete(p, transport.provision(body).thenAccept(result ->
                publish(MqttTopics.PROVISION_RESPONSE, result.json().getBytes(StandardCharsets.UTF_8), qosOr0(provisionQos))));
    }

    // ---------------------------------------------------------------- OTA

    /** {@code v2/fw/request/{requestId}/chunk/{n}} with the chunk size as payload (empty = the previous size). */
    private void otaChunk(Publish p) {
        boolean firmware = p.topic.startsWith("v2/fw/");
        String prefix = firmware ? "v2/fw/" : "v2/sw/";
        String[] levels = p.topic.split("/");
        if (levels.length != 6 || !levels[4].equals("chunk")) {
            reject(p, MqttReasonCodes.PubAck.TOPIC_NAME_INVALID, "Expected " + prefix + "request/{requestId}/chunk/{n}");
            return;
        }
        String requestId = levels[3];
        int chunk = intLevel(levels[5], "chunk");
        String sizeText = text(p).trim();
        int size;
        if (sizeText.isEmpty()) {
            size = otaChunkSizes == null ? 0 : otaChunkSizes.getOrDefault(requestId, 0);
        } else {
            try {
                size = Integer.parseInt(sizeText);
            } catch (NumberFormatException e) {
                throw MoteException.badRequest("Chunk size must be an integer");
            }
            if (size < 0) {
                throw MoteException.badRequest("Chunk size must not be negative");
            }
            if (otaChunkSizes == null) {
                otaChunkSizes = new HashMap<>(2);
            }
            if (otaChunkSizes.size() < 16 || otaChunkSizes.containsKey(requestId)) {
                otaChunkSizes.put(requestId, size);
            }
        }
        String errorTopic = prefix + "error";
        byte qos = qosOr0(firmware ? fwQos : swQos);
        int max = server.props().maxPayloadSize();
        if (size > max) {
            publish(errorTopic, ("Chunk size " + size + " is over the maximum payload size " + max)
                    .getBytes(StandardCharsets.UTF_8), qos);
            ack(p);
            return;
        }
        String responseTopic = prefix + "response/" + requestId + "/chunk/" + chunk;
        OtaPackageType type = firmware ? OtaPackageType.FIRMWARE : OtaPackageType.SOFTWARE;
        complete(p, transport.otaPackage(device, type).thenCompose(ref -> {
            if (ref.isEmpty()) {
                publish(errorTopic, ("No " + (firmware ? "firmware" : "software") + " is assigned to the device")
                        .getBytes(StandardCharsets.UTF_8), qos);
                return CompletableFuture.completedFuture(null);
            }
            OtaPackageRef pkg = ref.get();
            int length = size == 0 ? (int) Math.min(pkg.size(), max) : size;
            long offset = size == 0 ? 0 : (long) chunk * size;
            if (size == 0 && chunk > 0) {
                offset = pkg.size();
            }
            return transport.otaData(pkg.id(), offset, length).thenAccept(data -> publish(responseTopic, data, qos));
        }));
    }

    // ---------------------------------------------------------------- SUBSCRIBE

    private void onSubscribe(MqttSubscribeMessage m) {
        List<MqttTopicSubscription> subs = m.payload().topicSubscriptions();
        int[] codes = new int[subs.size()];
        boolean attributes = false;
        boolean rpc = false;
        for (int i = 0; i < subs.size(); i++) {
            String f = subs.get(i).topicFilter();
            byte q = (byte) Math.min(subs.get(i).qualityOfService().value(), 1);
            boolean ok = true;
            if (provisioning) {
                if (f.equals(MqttTopics.PROVISION_RESPONSE)) {
                    provisionQos = q;
                } else {
                    ok = false;
                }
            } else if (f.equals(topics.attributesSubscribe()) || f.equals(MqttTopics.ATTRIBUTES)) {
                attrQos = q;
                attrTopic = f;
                attributes = true;
            } else if (f.equals(MqttTopics.RPC_REQUEST + "+") || f.equals(MqttTopics.RPC_REQUEST + "#")) {
                rpcQos = q;
                rpc = true;
            } else if (f.equals(MqttTopics.ATTRIBUTES_RESPONSE + "+") || f.equals(MqttTopics.ATTRIBUTES_RESPONSE + "#")) {
                attrResponseQos = q;
            } else if (f.equals(MqttTopics.RPC_RESPONSE + "+") || f.equals(MqttTopics.RPC_RESPONSE + "#")) {
                rpcResponseQos = q;
            } else if (f.startsWith("v2/fw/")) {
                ok = isOtaFilter(f, "v2/fw/");
                if (ok) {
                    fwQos = q;
                }
            } else if (f.startsWith("v2/sw/")) {
                ok = isOtaFilter(f, "v2/sw/");
                if (ok) {
                    swQos = q;
                }
            } else if (f.startsWith(MqttTopics.GATEWAY)) {
                if (gateway == null) {
                    gateway = new GatewaySessions(this, transport);
                }
                ok = gateway.subscribe(f, q);
            } else {
                ok = false;
            }
            if (!ok) {
                log.debug("MQTT client {}: refused subscription to {}", clientId, f);
            }
            codes[i] = ok ? q : (v5 ? MqttReasonCodes.SubAck.TOPIC_FILTER_INVALID.byteValue() & 0xFF : 0x80);
        }
        MqttFixedHeader h = new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0);
        channel.writeAndFlush(new MqttSubAckMessage(h,
                new MqttMessageIdAndPropertiesVariableHeader(m.variableHeader().messageId(), MqttProperties.NO_PROPERTIES),
                new MqttSubAckPayload(codes)));
        // After the SUBACK is queued, so that updates and RPC queued while away follow it.
        if (attributes && session != null) {
            session.subscribeToAttributes(true);
        }
        if (rpc && session != null) {
            session.subscribeToRpc(true);
        }
    }

    private static boolean isOtaFilter(String f, String prefix) {
        return f.equals(prefix + "response/+/chunk/+") || f.equals(prefix + "response/#") || f.equals(prefix + "error")
                || f.equals(prefix + "#");
    }

    private void onUnsubscribe(MqttUnsubscribeMessage m) {
        List<String> filters = m.payload().topics();
        short[] codes = new short[filters.size()];
        for (int i = 0; i < filters.size(); i++) {
            String f = filters.get(i);
            if (attrTopic != null && f.equals(attrTopic)) {
                attrQos = NOT_SUBSCRIBED;
                attrTopic = null;
                if (session != null) {
                    session.subscribeToAttributes(false);
                }
            } else if (f.startsWith(MqttTopics.RPC_REQUEST)) {
                rpcQos = NOT_SUBSCRIBED;
                if (session != null) {
                    session.subscribeToRpc(false);
                }
            } else if (f.startsWith(MqttTopics.ATTRIBUTES_RESPONSE)) {
                attrResponseQos = NOT_SUBSCRIBED;
            } else if (f.startsWith(MqttTopics.RPC_RESPONSE)) {
                rpcResponseQos = NOT_SUBSCRIBED;
            } else if (f.startsWith("v2/fw/")) {
                fwQos = NOT_SUBSCRIBED;
            } else if (f.startsWith("v2/sw/")) {
                swQos = NOT_SUBSCRIBED;
            } else if (f.startsWith(MqttTopics.GATEWAY) && gateway != null) {
                gateway.unsubscribe(f);
            }
            codes[i] = 0;
        }
        MqttFixedHeader h = new MqttFixedHeader(MqttMessageType.UNSUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0);
        channel.writeAndFlush(new MqttUnsubAckMessage(h,
                new MqttMessageIdAndPropertiesVariableHeader(m.variableHeader().messageId(), MqttProperties.NO_PROPERTIES),
                v5 ? new MqttUnsubAckPayload(codes) : null));
    }

    // ---------------------------------------------------------------- acknowledgements

    private void onPubRel(MqttMessage m) {
        int id = ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
        if (awaitingRelease != null) {
            awaitingRelease.remove(id);
        }
        channel.writeAndFlush(new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBCOMP, false, MqttQoS.AT_MOST_ONCE,
                false, 2), MqttMessageIdVariableHeader.from(id)));
    }

    private void onDeviceAck(MqttMessage m) {
        if (m.fixedHeader().messageType() == MqttMessageType.PUBREC) {
            // We never publish at QoS 2; answer correctly anyway.
            int id = ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
            channel.writeAndFlush(new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBREL, false, MqttQoS.AT_LEAST_ONCE,
                    false, 2), MqttMessageIdVariableHeader.from(id)));
        }
    }

    /** Acknowledges when the core's future completes; a failure is answered as the class comment says. */
    void complete(Publish p, CompletableFuture<?> f) {
        f.whenComplete((v, err) -> {
            if (err == null) {
                ack(p);
            } else {
                channel.eventLoop().execute(() -> fail(p, unwrap(err)));
            }
        });
    }

    /** PUBACK (QoS 1) or PUBREC (QoS 2); thread-safe. */
    void ack(Publish p) {
        if (p.qos == 1) {
            channel.writeAndFlush(MqttMessageBuilders.pubAck().packetId(p.packetId).build());
        } else if (p.qos == 2) {
            channel.eventLoop().execute(() -> {
                if (awaitingRelease == null) {
                    awaitingRelease = new HashSet<>(4);
                }
                awaitingRelease.add(p.packetId);
                sendPubRec(p.packetId);
            });
        }
    }

    private void sendPubRec(int packetId) {
        channel.writeAndFlush(new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBREC, false, MqttQoS.AT_MOST_ONCE,
                false, 2), MqttMessageIdVariableHeader.from(packetId)));
    }

    void fail(Publish p, Throwable err) {
        if (err instanceof MoteException e) {
            ErrorCode code = e.errorCode();
            if (code == ErrorCode.SERVICE_UNAVAILABLE) {
                log.debug("MQTT client {}: core pushed back on {}", clientId, p.topic);
                reject(p, MqttReasonCodes.PubAck.QUOTA_EXCEEDED, e.getMessage());
            } else if (code == ErrorCode.BAD_REQUEST_PARAMS || code == ErrorCode.INVALID_ARGUMENTS) {
                log.debug("MQTT client {}: bad payload on {}: {}", clientId, p.topic, e.getMessage());
                if (!v5 && topics.sendAckOnValidationException() && p.qos > 0) {
                    ack(p);
                    return;
                }
                reject(p, MqttReasonCodes.PubAck.PAYLOAD_FORMAT_INVALID, e.getMessage());
            } else {
                log.debug("MQTT client {}: {} failed: {}", clientId, p.topic, e.getMessage());
                reject(p, code == ErrorCode.PERMISSION_DENIED ? MqttReasonCodes.PubAck.NOT_AUTHORIZED
                        : MqttReasonCodes.PubAck.IMPLEMENTATION_SPECIFIC_ERROR, e.getMessage());
            }
        } else {
            log.warn("MQTT client {}: {} failed", clientId, p.topic, err);
            reject(p, MqttReasonCodes.PubAck.IMPLEMENTATION_SPECIFIC_ERROR, "Internal error");
        }
    }

    /** Refuses a publish: PUBACK with the reason for MQTT 5 at QoS 1, else a (reasoned) disconnect. */
    void reject(Publish p, MqttReasonCodes.PubAck reason, String message) {
        if (!channel.eventLoop().inEventLoop()) {
            channel.eventLoop().execute(() -> reject(p, reason, message));
            return;
        }
        if (v5 && p.qos == 1) {
            MqttProperties props = new MqttProperties();
            if (message != null) {
                props.add(new MqttProperties.StringProperty(MqttProperties.MqttPropertyType.REASON_STRING.value(),
                        truncate(message)));
            }
            channel.writeAndFlush(MqttMessageBuilders.pubAck().packetId(p.packetId).reasonCode(reason.byteValue())
                    .properties(props).build());
            return;
        }
        disconnect(MqttReasonCodes.Disconnect.valueOf(reason.byteValue()));
    }

    private static String truncate(String s) {
        return s.length() > 200 ? s.substring(0, 200) : s;
    }

    // ---------------------------------------------------------------- publishing to the device

    void publish(String topic, JsonNode body, byte qos) {
        publish(topic, Json.write(body).getBytes(StandardCharsets.UTF_8), qos, null);
    }

    void publish(String topic, byte[] body, byte qos) {
        publish(topic, body, qos, null);
    }

    /** Publishes on the event loop; {@code written} runs once the message is on the wire. Thread-safe. */
    void publish(String topic, byte[] body, byte qos, Runnable written) {
        if (!channel.eventLoop().inEventLoop()) {
            channel.eventLoop().execute(() -> publish(topic, body, qos, written));
            return;
        }
        if (!channel.isActive() || closing) {
            return;
        }
        ByteBuf buf = channel.alloc().buffer(body.length).writeBytes(body);
        MqttMessageBuilders.PublishBuilder b = MqttMessageBuilders.publish().topicName(topic)
                .qos(MqttQoS.valueOf(qos)).retained(false).payload(buf);
        if (qos > 0) {
            b.messageId(nextPacketId());
        }
        var f = channel.writeAndFlush(b.build());
        if (written != null) {
            f.addListener(w -> {
                if (w.isSuccess()) {
                    written.run();
                }
            });
        }
    }

    private int nextPacketId() {
        int id = nextPacketId;
        nextPacketId = id >= 0xFFFF ? 1 : id + 1;
        return id;
    }

    static byte qosOr0(byte qos) {
        return qos < 0 ? 0 : qos;
    }

    // ---------------------------------------------------------------- the core's callbacks (core threads)

    @Override
    public void onAttributesUpdate(AttributesUpdate update) {
        byte[] body = Json.write(DevicePayloads.attributesUpdate(update)).getBytes(StandardCharsets.UTF_8);
        channel.eventLoop().execute(() -> {
            if (attrQos >= 0) {
                publish(attrTopic, body, attrQos);
            }
        });
    }

    @Override
    public boolean onRpcRequest(RpcRequest request) {
        if (!channel.isActive() || rpcQos < 0) {
            return false;
        }
        byte[] body = Json.write(DevicePayloads.rpcRequest(request)).getBytes(StandardCharsets.UTF_8);
        DeviceInfo d = device;
        publish(MqttTopics.RPC_REQUEST + request.id(), body, rpcQos,
                () -> transport.acknowledgeRpc(d, request.id()));
        return true;
    }

    @Override
    public void onDeviceUpdated(DeviceInfo updated) {
        transport.transportConfiguration(updated).whenComplete((tc, err) -> channel.eventLoop().execute(() -> {
            if (err != null || !connected) {
                return;
            }
            device = updated;
            MqttTopics t = MqttTopics.of(tc);
            if (t.protobuf()) {
                log.warn("MQTT device {}: profile switched to PROTOBUF payloads, not supported; closing", updated.deviceName());
                disconnect(MqttReasonCodes.Disconnect.PAYLOAD_FORMAT_INVALID);
                return;
            }
            topics = t;
        }));
    }

    @Override
    public void onSessionClosed(String reason) {
        channel.eventLoop().execute(() -> {
            log.debug("MQTT client {}: session closed by the server ({})", clientId, reason);
            session = null;
            disconnect(MqttReasonCodes.Disconnect.ADMINISTRATIVE_ACTION);
        });
    }

    // ---------------------------------------------------------------- helpers

    Channel channel() {
        return channel;
    }

    DeviceInfo device() {
        return device;
    }

    String clientId() {
        return clientId;
    }

    static JsonNode json(Publish p) {
        return Json.parse(p.payload);
    }

    static String text(Publish p) {
        return new String(p.payload, StandardCharsets.UTF_8);
    }

    static int intLevel(String level, String what) {
        try {
            return Integer.parseInt(level);
        } catch (NumberFormatException e) {
            throw MoteException.badRequest("The " + what + " in the topic must be an integer");
        }
    }

    /** {@code "a,b"} (or a JSON array) to a key set; null when absent. */
    static Collection<String> keys(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        LinkedHashSet<String> keys = new LinkedHashSet<>();
        if (node.isArray()) {
            node.forEach(k -> keys.add(k.asString()));
        } else {
            Arrays.stream(node.asString("").split(",")).map(String::trim).filter(k -> !k.isEmpty()).forEach(keys::add);
        }
        return keys;
    }

    static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    /** How a device proved its identity, or why it could not. */
    record Auth(DeviceInfo device, Failure failure) {

        enum Failure { NOT_AUTHORIZED, BAD_PASSWORD }

        static final Auth NOT_AUTHORIZED = new Auth(null, Failure.NOT_AUTHORIZED);
        static final Auth BAD_PASSWORD = new Auth(null, Failure.BAD_PASSWORD);

        /**
         * The client certificate's hash (over TLS), then the user name as an access token (with an empty
         * password), then MQTT basic credentials by client id and user name, client id, user name.
         */
        static CompletableFuture<Auth> authenticate(TransportService transport, byte[] certificate, String clientId,
                                                    String userName, String password) {
            List<Supplier<CompletableFuture<Auth>>> steps = new ArrayList<>(5);
            if (certificate != null) {
                steps.add(() -> transport.authenticate(CredentialsType.X509_CERTIFICATE, CredentialIds.x509(certificate))
                        .thenApply(a -> a.map(x -> new Auth(x.device(), null)).orElse(null)));
            }
            boolean hasUser = userName != null && !userName.isEmpty();
            boolean hasClient = clientId != null && !clientId.isEmpty();
            if (hasUser && password.isEmpty()) {
                steps.add(() -> transport.authenticate(CredentialsType.ACCESS_TOKEN, userName)
                        .thenApply(a -> a.map(x -> new Auth(x.device(), null)).orElse(null)));
            }
            if (hasClient && hasUser) {
                steps.add(basic(transport, CredentialIds.mqttBasic(clientId, userName), password));
            }
            if (hasClient) {
                steps.add(basic(transport, CredentialIds.mqttBasic(clientId, null), password));
            }
            if (hasUser) {
                steps.add(basic(transport, CredentialIds.mqttBasic(null, userName), password));
            }
            return next(steps, 0);
        }

        private static CompletableFuture<Auth> next(List<Supplier<CompletableFuture<Auth>>> steps, int i) {
            if (i == steps.size()) {
                return CompletableFuture.completedFuture(NOT_AUTHORIZED);
            }
            return steps.get(i).get().thenCompose(a -> a != null ? CompletableFuture.completedFuture(a) : next(steps, i + 1));
        }

        private static Supplier<CompletableFuture<Auth>> basic(TransportService transport, String credentialsId,
                                                               String password) {
            return () -> transport.authenticate(CredentialsType.MQTT_BASIC, credentialsId)
                    .thenApply(found -> found.map(a -> checkPassword(a, password)).orElse(null));
        }

        private static Auth checkPassword(AuthenticatedDevice a, String password) {
            String stored = "";
            try {
                JsonNode v = Json.parse(a.credentialsValue());
                stored = v.path("password").asString("");
            } catch (MoteException e) {
                return BAD_PASSWORD;
            }
            if (stored.isEmpty()) {
                return new Auth(a.device(), null);
            }
            boolean same = MessageDigest.isEqual(stored.getBytes(StandardCharsets.UTF_8),
                    password.getBytes(StandardCharsets.UTF_8));
            return same ? new Auth(a.device(), null) : BAD_PASSWORD;
        }
    }
}
