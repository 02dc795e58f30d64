package io.mote.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Message;
import org.eclipse.californium.core.network.serialization.UdpDataParser;
import org.eclipse.californium.core.network.serialization.UdpDataSerializer;

/**
 * One thread driving many {@link SimClient}s: their non-blocking UDP sockets on one selector, the pacing of
 * registrations (a rate and a window of registrations in flight), retransmissions and updates (a sweep every
 * 250 ms), and notifications at a given rate, taken round-robin over every client's observed resources.
 */
final class SimLoop implements Runnable {

    /** Counters shared by all loops. */
    static final class Stats {
        final LongAdder registered = new LongAdder();
        final LongAdder registrationsRefused = new LongAdder();
        final LongAdder retransmissions = new LongAdder();
        final LongAdder requestsTimedOut = new LongAdder();
        final LongAdder observations = new LongAdder();
        final LongAdder fullyObserved = new LongAdder();
        final LongAdder reads = new LongAdder();
        final LongAdder updatesSent = new LongAdder();
        final LongAdder updatesOk = new LongAdder();
        final LongAdder updatesRefused = new LongAdder();
        final LongAdder notificationsCon = new LongAdder();
        final LongAdder notificationsNon = new LongAdder();
        final LongAdder notificationsAcknowledged = new LongAdder();
        final LongAdder notificationsReset = new LongAdder();
        final LongAdder notificationsUnacknowledged = new LongAdder();
        final LongAdder sendFailures = new LongAdder();
        final Map<String, LongAdder> refusals = new ConcurrentHashMap<>();
        /** When the last client got its 2.01, and when the last one had all its resources observed. */
        final AtomicLong lastRegisteredNs = new AtomicLong();
        final AtomicLong lastObservedNs = new AtomicLong();
    }

    final Stats stats;
    final UdpDataSerializer serializer = new UdpDataSerializer();
    final int lifetime;
    private final UdpDataParser parser = new UdpDataParser();
    private final Selector selector;
    private final List<SimClient> clients = new ArrayList<>();
    private final ArrayDeque<SimClient> toRegister = new ArrayDeque<>();
    private final ArrayDeque<Retry> retries = new ArrayDeque<>();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ByteBuffer in = ByteBuffer.allocateDirect(2048);
    private final double registrationsPerNs;
    private final int window;
    private int registering;
    private long registerStartNs;
    private long registerIssued;
    /** Notifications: the rate (per ns, 0 while stopped), when it began, how many went out, the round-robin cursor. */
    private volatile double notificationsPerNs;
    private volatile int conPercent;
    private long notifyStartNs;
    private long notified;
    private long cursor;
    private volatile boolean running = true;

    SimLoop(Stats stats, int lifetime, double registrationsPerSecond, int window) throws IOException {
        this.stats = stats;
        this.lifetime = lifetime;
        this.registrationsPerNs = registrationsPerSecond / 1e9;
        this.window = Math.max(1, window);
        this.selector = Selector.open();
    }

    /** Opens a client's socket (a port of its own, chosen by the OS) towards the server. */
    DatagramChannel open(InetSocketAddress server) throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        ch.configureBlocking(false);
        ch.bind(new InetSocketAddress(server.getAddress().isLoopbackAddress() ? server.getAddress() : null, 0));
        ch.connect(server);
        return ch;
    }

    void add(SimClient c) throws IOException {
        c.channel.register(selector, SelectionKey.OP_READ, c);
        clients.add(c);
        toRegister.add(c);
    }

    List<SimClient> clients() {
        return clients;
    }

    /** Runs {@code task} on this loop's thread (clients are only touched there). */
    void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    /** Starts (rate > 0) or stops notifications: {@code rate} a second from this loop's clients. */
    void notifyAt(double rate, int conPercent) {
        execute(() -> {
            this.conPercent = conPercent;
            notifyStartNs = System.nanoTime();
            notified = 0;
            notificationsPerNs = rate / 1e9;
        });
    }

    void stop() {
        running = false;
        selector.wakeup();
    }

    @Override
    public void run() {
        registerStartNs = System.nanoTime();
        long nextSweep = registerStartNs;
        while (running) {
            try {
                selector.select(5);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            long now = System.nanoTime();
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                receive((SimClient) key.attachment(), now);
            }
            for (Runnable t; (t = tasks.poll()) != null; ) {
                t.run();
            }
            registerDue(now);
            notifyDue(now);
            if (now >= nextSweep) {
                nextSweep = now + 250_000_000L;
                for (SimClient c : clients) {
                    c.sweep(now, lifetime);
                    if (c.state == SimClient.State.IDLE && c.registerStartedNs != -1) {
                        c.registerStartedNs = -1; // queued once: its registration fell through
                        registering--;
                        retryLater(c, now);
                    }
                }
                while (!retries.isEmpty() && retries.peekFirst().dueNs() <= now) {
                    toRegister.add(retries.pollFirst().client());
                }
            }
        }
        for (SimClient c : clients) {
            try {
                c.channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private void receive(SimClient c, long now) {
        try {
            for (int n = 0; n < 16; n++) {
                in.clear();
                int read = c.channel.read(in);
                if (read <= 0) {
                    return;
                }
                in.flip();
                byte[] bytes = new byte[in.remaining()];
                in.get(bytes);
                Message m;
                try {
                    m = parser.parseMessage(bytes);
                } catch (RuntimeException e) {
                    continue; // not CoAP: ignored, as a client would
                }
                c.received(m, now);
            }
        } catch (IOException e) {
            stats.sendFailures.increment(); // ICMP port unreachable while the server is down
        }
    }

    private void registerDue(long now) {
        long allowed = registrationsPerNs <= 0 ? Long.MAX_VALUE
                : (long) ((now - registerStartNs) * registrationsPerNs) + 1;
        while (!toRegister.isEmpty() && registering < window && registerIssued < allowed) {
            SimClient c = toRegister.pollFirst();
            if (c.state != SimClient.State.IDLE) {
                continue;
            }
            registering++;
            registerIssued++;
            c.register(now, lifetime);
        }
    }

    private void notifyDue(long now) {
        double rate = notificationsPerNs;
        if (rate <= 0 || clients.isEmpty()) {
            return;
        }
        long due = (long) ((now - notifyStartNs) * rate);
        int slots = clients.size() * SimClient.PATHS.length;
        int misses = 0;
        while (notified < due && misses < slots) {
            long slot = cursor++ % slots;
            SimClient c = clients.get((int) (slot % clients.size()));
            int at = (int) (slot / clients.size());
            if (c.notify(at, (notified % 100) < conPercent)) {
                notified++;
                misses = 0;
            } else {
                misses++;
            }
        }
        if (misses >= slots) {
            notified = due; // nothing observed: do not build up a backlog
        }
    }

    void send(SimClient c, byte[] bytes) {
        try {
            if (c.channel.write(ByteBuffer.wrap(bytes)) == 0) {
                stats.sendFailures.increment();
            }
        } catch (IOException e) {
            stats.sendFailures.increment();
        }
    }

    void registered(SimClient c, long now) {
        c.registerStartedNs = -1;
        registering--;
        stats.registered.increment();
        stats.lastRegisteredNs.accumulateAndGet(now, Math::max);
    }

    void fullyObserved(SimClient c) {
        stats.fullyObserved.increment();
        stats.lastObservedNs.accumulateAndGet(System.nanoTime(), Math::max);
    }

    void refusedCode(CoAP.ResponseCode code) {
        stats.refusals.computeIfAbsent(code.text, k -> new LongAdder()).increment();
    }

    /** A refused or unanswered registration is tried again after 5 s. */
    void retryLater(SimClient c, long now) {
        if (c.registerStartedNs != -1) {
            c.registerStartedNs = -1;
            registering--;
        }
        retries.addLast(new Retry(now + 5_000_000_000L, c));
    }

    private record Retry(long dueNs, SimClient client) {
    }
}
