package io.mote.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;

/**
 * Idle connections: opens {@code connections} MQTT 3.1.1 connections (access-token auth, keepalive
 * answered with PINGREQ), holds them, and reports the server's memory before and after: resident set
 * size from {@code /proc/<pid>/status} and heap used after a full GC ({@code jcmd <pid> GC.run}), so the
 * difference divided by the count is the cost of one idle connection. Needs the server's pid (same
 * machine). Connections beyond the ephemeral port range of one address use further loopback source
 * addresses (127.0.0.2, 127.0.0.3, …). Connection setup is paced; everything stops after {@code hold}
 * seconds.
 */
final class MqttIdleLoad {

    private static final int PER_SOURCE_ADDRESS = 25_000;

    static void run(BenchArgs args) throws Exception {
        String url = args.string("url", "http://127.0.0.1:8080");
        String host = args.string("mqtt-host", "127.0.0.1");
        int port = args.integer("mqtt-port", 1883);
        int connections = args.integer("connections", 10_000);
        int devices = args.integer("devices", Math.min(connections, 10_000));
        int connectRate = args.integer("connect-rate", 1000);
        int keepAlive = args.integer("keepalive", 60);
        int hold = args.integer("hold", 10);
        long serverPid = Long.parseLong(args.string("server-pid", "0"));

        MoteAdmin admin = new MoteAdmin(url);
        admin.login(args.string("username", "tenant@mote.local"), args.string("password", ""));
        admin.ensureDevices("bench-idle", "bench-idle-token", devices, args.integer("rest-parallel", 16));

        Memory before = Memory.of(serverPid);
        System.out.printf("server before: %s%n", before);

        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicReference<String> lastError = new AtomicReference<>();
        ConcurrentLinkedQueue<Channel> open = new ConcurrentLinkedQueue<>();
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_RCVBUF, 4096).option(ChannelOption.SO_SNDBUF, 4096);
        long t0 = System.nanoTime();
        for (int i = 0; i < connections; i++) {
            long wait = t0 + i * 1_000_000_000L / connectRate - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            String token = "bench-idle-token-" + (i % devices);
            String clientId = "idle-" + i;
            InetSocketAddress local = new InetSocketAddress("127.0.0." + (2 + i / PER_SOURCE_ADDRESS), 0);
            b.clone().handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new IdleStateHandler(0, keepAlive > 0 ? keepAlive / 2 : 0, 0, TimeUnit.SECONDS),
                            new MqttDecoder(), MqttEncoder.INSTANCE, new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelActive(ChannelHandlerContext ctx) {
                                    ctx.writeAndFlush(MqttMessageBuilders.connect().clientId(clientId)
                                            .protocolVersion(MqttVersion.MQTT_3_1_1).username(token)
                                            .keepAlive(keepAlive).cleanSession(true).build());
                                }

                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    if (msg instanceof MqttConnAckMessage ack) {
                                        if (ack.variableHeader().connectReturnCode()
                                                == MqttConnectReturnCode.CONNECTION_ACCEPTED) {
                                            accepted.incrementAndGet();
                                        } else {
                                            refused.incrementAndGet();
                                            lastError.set(ack.variableHeader().connectReturnCode().toString());
                                        }
                                    }
                                    ReferenceCountUtil.release(msg);
                                }

                                @Override
                                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                    if (evt instanceof IdleStateEvent) {
                                        ctx.writeAndFlush(new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGREQ,
                                                false, MqttQoS.AT_MOST_ONCE, false, 0)));
                                    }
                                }

                                @Override
                                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                    lastError.set(cause.toString());
                                    ctx.close();
                                }
                            });
                }
            }).connect(new InetSocketAddress(host, port), local).addListener(f -> {
                if (f.isSuccess()) {
                    open.add(((io.netty.channel.ChannelFuture) f).channel());
                } else {
                    refused.incrementAndGet();
                    lastError.set(f.cause().toString());
                }
            });
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (accepted.get() + refused.get() < connections && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        long setupMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("MQTT idle: %d connections accepted, %d failed (%s), over %d devices, set up in %d ms "
                + "(paced at %d/s), keepalive %d s%n", accepted.get(), refused.get(),
                lastError.get() == null ? "-" : lastError.get(), devices, setupMs, connectRate, keepAlive);
        Thread.sleep(TimeUnit.SECONDS.toMillis(hold));
        Memory after = Memory.of(serverPid);
        System.out.printf("server with the connections open: %s%n", after);
        if (before.rssKb > 0 && accepted.get() > 0) {
            int n = accepted.get();
            System.out.printf("per idle connection: %.1f KB RSS, %.1f KB heap; per 10,000: %.0f MB RSS, %.0f MB heap%n",
                    (after.rssKb - before.rssKb) / (double) n, (after.heapKb - before.heapKb) / (double) n,
                    (after.rssKb - before.rssKb) * 10_000.0 / n / 1024, (after.heapKb - before.heapKb) * 10_000.0 / n / 1024);
        }
        open.forEach(Channel::close);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        System.exit(0);
    }

    /** The server's resident set size and heap used after a full GC, in KB. */
    record Memory(long rssKb, long heapKb) {

        static Memory of(long pid) throws IOException, InterruptedException {
            if (pid <= 0) {
                return new Memory(0, 0);
            }
            jcmd(pid, "GC.run");
            Thread.sleep(1000);
            String info = jcmd(pid, "GC.heap_info");
            long heap = 0;
            // "garbage-first heap   total reserved 6029312K, committed 262144K, used 123456K [..]"
            var m = java.util.regex.Pattern.compile("heap\\s+total.*?used (\\d+)K").matcher(info);
            if (m.find()) {
                heap = Long.parseLong(m.group(1));
            }
            long rss = 0;
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("\\D+", ""));
                }
            }
            return new Memory(rss, heap);
        }

        private static String jcmd(long pid, String command) throws IOException, InterruptedException {
            Process p = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(60, TimeUnit.SECONDS);
            return out;
        }

        @Override
        public String toString() {
            return String.format("RSS %d MB, heap used after GC %d MB", rssKb / 1024, heapKb / 1024);
        }
    }

    private MqttIdleLoad() {
    }
}
