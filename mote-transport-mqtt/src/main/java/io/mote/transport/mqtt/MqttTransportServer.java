package io.mote.transport.mqtt;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import io.mote.transport.api.TransportService;
import io.mote.transport.mqtt.session.SessionStore;

/**
 * The MQTT listeners: one boss thread and one worker event loop per core serve every connection, plain
 * and TLS. Started with the application context and stopped before the core, telling MQTT 5 clients that
 * the server is shutting down.
 */
public class MqttTransportServer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(MqttTransportServer.class);
    static final String IDLE_HANDLER = "idle";

    private final TransportService transport;
    private final MqttTransportProperties props;
    private final Path dataDir;
    /** The connection currently holding each client id, for takeover. */
    final ConcurrentMap<String, MqttConnection> clients = new ConcurrentHashMap<>();
    private final ChannelGroup channels = new DefaultChannelGroup("mqtt", GlobalEventExecutor.INSTANCE);
    /** Sessions kept across reconnects (cleanSession=false, MQTT 5 session expiry). */
    final SessionStore sessions;
    private final List<Channel> listeners = new CopyOnWriteArrayList<>();
    /** Publishes handed to the core and not yet answered, drained before the connections close on stop. */
    final AtomicInteger unanswered = new AtomicInteger();

    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private volatile int port = -1;
    private volatile int sslPort = -1;
    private volatile boolean running;

    public MqttTransportServer(TransportService transport, MqttTransportProperties props, Path dataDir) {
        this.transport = transport;
        this.props = props;
        this.dataDir = dataDir;
        MqttTransportProperties.PersistentSession ps = props.persistentSession();
        this.sessions = new SessionStore(ps.enabled(), ps.maxExpiry() * 1000L, ps.maxInFlight());
    }

    /** Sessions kept for clients that are not connected, and those of connected clients. */
    public int sessionCount() {
        return sessions.size();
    }

    TransportService transport() {
        return transport;
    }

    MqttTransportProperties props() {
        return props;
    }

    /** The bound plain MQTT port, or -1 when not listening. */
    public int port() {
        return port;
    }

    /** The bound MQTT-over-TLS port, or -1 when not listening. */
    public int sslPort() {
        return sslPort;
    }

    /** Open connections (plain and TLS). */
    public int connectionCount() {
        return channels.size();
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(), NioIoHandler.newFactory());
        try {
            port = bind(props.port(), null);
            log.info("MQTT transport listening on port {}", port);
            if (props.ssl().enabled()) {
                SslContext ssl = TlsContexts.server(props.ssl(), dataDir);
                sslPort = bind(props.sslPort(), ssl);
                log.info("MQTT over TLS listening on port {}", sslPort);
            }
        } catch (Exception e) {
            shutdownGroups();
            throw new IllegalStateException("Could not start the MQTT transport: " + e.getMessage(), e);
        }
        workers.scheduleAtFixedRate(() -> sessions.sweep(System.currentTimeMillis()), 10, 10, TimeUnit.SECONDS);
        running = true;
    }

    private int bind(int wanted, SslContext ssl) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        if (ssl != null) {
                            p.addLast("ssl", ssl.newHandler(ch.alloc()));
                        }
                        p.addLast(IDLE_HANDLER, new IdleStateHandler(props.connectTimeout(), 0, 0, TimeUnit.MILLISECONDS));
                        PacketFramer framer = new PacketFramer(props.maxPayloadSize());
                        p.addLast("framer", framer);
                        p.addLast("decoder", new MqttDecoder(props.maxPayloadSize()));
                        p.addLast("decoded", framer.new Counter());
                        p.addLast("encoder", MqttEncoder.INSTANCE);
                        p.addLast("handler", new MqttConnection(MqttTransportServer.this));
                        channels.add(ch);
                    }
                });
        InetSocketAddress address = props.bindAddress().isBlank()
                ? new InetSocketAddress(wanted) : new InetSocketAddress(props.bindAddress(), wanted);
        Channel server = b.bind(address).sync().channel();
        listeners.add(server);
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        // Stop accepting and reading, answer what the core is still storing, then close: a device gets
        // the PUBACK of everything stored, and sends again what was not.
        for (Channel l : listeners) {
            l.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        listeners.clear();
        for (Channel ch : channels) {
            ch.config().setAutoRead(false);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (unanswered.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Channel ch : channels) {
            MqttConnection c = ch.pipeline().get(MqttConnection.class);
            if (c != null) {
                c.serverShuttingDown();
            }
        }
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        shutdownGroups();
        port = -1;
        sslPort = -1;
        log.info("MQTT transport stopped");
    }

    private void shutdownGroups() {
        if (boss != null) {
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (workers != null) {
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before the web server and the core (higher phases stop first), starts after them. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 512;
    }
}
