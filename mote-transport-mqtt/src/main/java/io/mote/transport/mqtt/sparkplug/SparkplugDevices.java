package io.mote.transport.mqtt.sparkplug;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mote.common.error.ErrorCode;
import io.mote.common.error.MoteException;
import io.mote.transport.api.AttributesUpdate;
import io.mote.transport.api.DeviceInfo;
import io.mote.transport.api.DeviceSession;
import io.mote.transport.api.RpcRequest;
import io.mote.transport.api.SessionListener;
import io.mote.transport.api.TransportService;
import io.mote.transport.mqtt.MqttConnection;
import io.mote.transport.mqtt.sparkplug.SparkplugTopic.MessageType;
import io.mote.transport.mqtt.sparkplug.proto.SparkplugB.Payload;
import io.mote.transport.mqtt.sparkplug.proto.SparkplugB.Payload.Metric;

/**
 * The devices of a Sparkplug node ({@code {device}} of the D* topics): found or created through the core on
 * first use, each with a session of its own through the node's connection. A device's messages are
 * handled in the order they came, so a DBIRTH's aliases are known to the DDATA after it. Event loop only,
 * except the session callbacks.
 */
final class SparkplugDevices {

    private static final Logger log = LoggerFactory.getLogger(SparkplugDevices.class);

    private final SparkplugNode node;
    private final MqttConnection connection;
    private final TransportService transport;
    private final Executor loop;
    private final Map<String, CompletableFuture<Device>> devices = new HashMap<>();
    /** The last message of each device still being handled. */
    private final Map<String, CompletableFuture<Void>> tails = new HashMap<>();
    private boolean closed;

    SparkplugDevices(SparkplugNode node, MqttConnection connection, TransportService transport) {
        this.node = node;
        this.connection = connection;
        this.transport = transport;
        this.loop = connection.channel().eventLoop();
    }

    /** DBIRTH (its metrics become the device's BIRTH), DDATA or DCMD of device {@code name}. */
    CompletableFuture<Void> onData(String name, MessageType type, Payload payload) {
        return inOrder(name, () -> device(name).thenCompose(d -> {
            if (type == MessageType.DBIRTH) {
                d.birth.clear();
                node.remember(payload, d.birth);
            }
            return node.store(d.info, payload, type, d.birth);
        }));
    }

    /** DDEATH: the device's session ends, it is OFFLINE and inactive. */
    CompletableFuture<Void> onDeath(String name) {
        return inOrder(name, () -> {
            CompletableFuture<Device> f = devices.remove(name);
            Device d = f == null ? null : f.getNow(null);
            if (d != null) {
                d.session.close();
                node.offline(d.info);
            }
            return CompletableFuture.completedFuture(null);
        });
    }

    private CompletableFuture<Void> inOrder(String name, java.util.function.Supplier<CompletableFuture<Void>> step) {
        CompletableFuture<Void> previous = tails.getOrDefault(name, CompletableFuture.completedFuture(null));
        CompletableFuture<Void> f = previous.exceptionally(e -> null).thenComposeAsync(v -> step.get(), loop);
        tails.put(name, f);
        f.whenCompleteAsync((v, err) -> tails.remove(name, f), loop);
        return f;
    }

    /** The device, found or created on first use; completes on the event loop. */
    private CompletableFuture<Device> device(String name) {
        CompletableFuture<Device> existing = devices.get(name);
        if (existing != null && !existing.isCompletedExceptionally()) {
            return existing;
        }
        DeviceInfo nodeInfo = connection.device();
        CompletableFuture<Device> f = transport.gatewayChild(nodeInfo, name, nodeInfo.deviceType() + " device")
                .thenApplyAsync(info -> open(name, info), loop);
        devices.put(name, f);
        return f;
    }

    private Device open(String name, DeviceInfo info) {
        if (closed || !connection.channel().isActive()) {
            throw new MoteException(ErrorCode.GENERAL, "Sparkplug node disconnected");
        }
        Device d = new Device(name, info);
        d.session = transport.openSession(info, d);
        if (node.deviceCommandsSubscribed()) {
            d.session.subscribeToAttributes(true);
            d.session.subscribeToRpc(true);
        }
        log.debug("Sparkplug node {}/{}: device {}", node.group(), node.edge(), name);
        return d;
    }

    /** The node subscribed to (or left) its devices' commands. */
    void subscribeAll(boolean subscribe) {
        for (CompletableFuture<Device> f : devices.values()) {
            Device d = f.getNow(null);
            if (d != null) {
                d.session.subscribeToAttributes(subscribe);
                d.session.subscribeToRpc(subscribe);
            }
        }
    }

    /** Closes every device's session; {@code offline}: they are OFFLINE and inactive too. */
    void closeAll(boolean offline) {
        closed = true;
        for (CompletableFuture<Device> f : devices.values()) {
            Device d = f.getNow(null);
            if (d != null) {
                d.session.close();
                if (offline) {
                    node.offline(d.info);
                }
            }
        }
        devices.clear();
    }

    /** A device of the node: the core reaches it through the node's connection. */
    private final class Device implements SessionListener {
        final String name;
        final DeviceInfo info;
        final Map<String, Metric> birth = new ConcurrentHashMap<>();
        DeviceSession session;

        Device(String name, DeviceInfo info) {
            this.name = name;
            this.info = info;
        }

        @Override
        public void onAttributesUpdate(AttributesUpdate update) {
            SparkplugCommands.attributes(node, connection, name, birth, update);
        }

        @Override
        public boolean onRpcRequest(RpcRequest request) {
            return SparkplugCommands.rpc(node, connection, info, name, birth, request);
        }

        @Override
        public void onSessionClosed(String reason) {
            loop.execute(() -> {
                CompletableFuture<Device> f = devices.get(name);
                if (f != null && f.getNow(null) == this) {
                    devices.remove(name);
                }
            });
        }
    }
}
