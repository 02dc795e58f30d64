package io.mote.cluster.bus;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mote.cluster.ClusterSettings;
import io.mote.cluster.codec.In;
import io.mote.cluster.codec.Out;
import io.mote.common.error.ErrorCode;
import io.mote.common.error.MoteException;

/**
 * The node's connection to Kafka: one producer, the node's own topic (answers and session callbacks), the
 * broadcast topic and, on a core node, the core topic in the cores' consumer group. Sending never blocks
 * the caller: records are handed to one sender thread, and a full hand-over queue fails at once.
 */
public final class KafkaBus implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaBus.class);

    /** Work a core-topic message started; the partition's offset is committed once it has completed. */
    public interface CoreHandler {
        CompletableFuture<?> handle(Envelope message);
    }

    /** Which core partitions this node gained and lost. */
    public interface PartitionListener {
        void assigned(Collection<Integer> partitions);

        void revoked(Collection<Integer> partitions);
    }

    private final ClusterSettings settings;
    private final ClusterMetrics metrics;
    private final KafkaProducer<String, byte[]> producer;
    private final ThreadPoolExecutor sender;
    private final ExecutorService completer;
    private final ScheduledExecutorService timer;
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong nextCorr = new AtomicLong(System.nanoTime() & 0xFFFF_FFFFL);
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private final List<Thread> loops = new ArrayList<>();
    private final List<KafkaConsumer<?, ?>> consumers = new ArrayList<>();
    private volatile boolean running = true;
    /** Core-topic messages whose work may be under way at once before reading pauses. */
    private static final int MAX_CORE_WORK = 20_000;

    private record Pending(String op, CompletableFuture<In> future) {
    }

    public KafkaBus(ClusterSettings settings, ClusterMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "mote-" + settings.nodeId());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) settings.requestTimeoutMs());
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(settings.requestTimeoutMs(), 1000) + 1000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(settings.requestTimeoutMs(), 1000));
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(100_000),
                daemon("cluster-send"));
        completer = Executors.newFixedThreadPool(2, daemon("cluster-answer"));
        timer = Executors.newSingleThreadScheduledExecutor(daemon("cluster-timer"));
        metrics.inFlight(pending::size);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicLong n = new AtomicLong();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    public ClusterSettings settings() {
        return settings;
    }

    public String nodeId() {
        return settings.nodeId();
    }

    public String nodeTopic() {
        return settings.nodeTopic(settings.nodeId());
    }

    // ---- topics ----

    /** Creates the shared topics (when missing) and this node's own topic; blocks until Kafka answers. */
    public void createTopics() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()))) {
            List<NewTopic> topics = List.of(
                    new NewTopic(settings.coreTopic(), settings.partitions(), settings.replicationFactor()),
                    new NewTopic(settings.broadcastTopic(), 1, settings.replicationFactor()),
                    new NewTopic(nodeTopic(), 1, settings.replicationFactor()));
            admin.createTopics(topics).values().forEach((name, f) -> {
                try {
                    f.get(60, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Cannot create Kafka topic " + name + ": " + e.getCause(), e);
                    }
                } catch (InterruptedException | TimeoutException e) {
                    throw new IllegalStateException("Kafka did not create topic " + name + " in time", e);
                }
            });
        }
    }

    /** The core partition a key's messages go to: Kafka's default partitioner on the key's UTF-8 bytes. */
    public int partitionOf(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % settings.partitions();
    }

    /** Whether this (core) node consumes the key's partition now. */
    public boolean owns(String key) {
        return owned.contains(partitionOf(key));
    }

    public Set<Integer> ownedPartitions() {
        return Set.copyOf(owned);
    }

    // ---- sending ----

    /** Sends without waiting for an answer; the future completes once Kafka has the record. */
    public CompletableFuture<Void> send(String topic, String key, String op, byte[] body) {
        return send(topic, key, new Envelope(op, 0, null, nodeId(), body));
    }

    public CompletableFuture<Void> send(String topic, String key, Envelope e) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, null, key, e.body());
        Headers h = record.headers();
        h.add("op", e.op().getBytes(StandardCharsets.UTF_8));
        h.add("from", e.from().getBytes(StandardCharsets.UTF_8));
        if (e.corr() != 0) {
            h.add("corr", ByteBuffer.allocate(8).putLong(e.corr()).array());
        }
        if (e.replyTo() != null) {
            h.add("reply", e.replyTo().getBytes(StandardCharsets.UTF_8));
        }
        try {
            sender.execute(() -> {
                try {
                    producer.send(record, (md, ex) -> {
                        if (ex == null) {
                            done.complete(null);
                        } else {
                            done.completeExceptionally(unavailable("Kafka refused the message: " + ex.getMessage()));
                        }
                    });
                } catch (RuntimeException ex) {
                    done.completeExceptionally(unavailable("Kafka refused the message: " + ex.getMessage()));
                }
            });
        } catch (RejectedExecutionException ex) {
            done.completeExceptionally(unavailable("Too many messages waiting for Kafka"));
        }
        return done;
    }

    /**
     * A request on the core topic keyed by {@code key}, answered on this node's topic. Fails with
     * SERVICE_UNAVAILABLE when no answer comes within the request timeout.
     */
    public CompletableFuture<In> request(String op, String key, byte[] body) {
        return request(op, key, body, settings.requestTimeoutMs());
    }

    /** {@link #request(String, String, byte[])} waiting at most {@code timeoutMs} (work that waits on a device). */
    public CompletableFuture<In> request(String op, String key, byte[] body, long timeoutMs) {
        long corr = nextCorr.incrementAndGet();
        CompletableFuture<In> f = new CompletableFuture<>();
        pending.put(corr, new Pending(op, f));
        metrics.sent(op);
        timer.schedule(() -> {
            Pending p = pending.remove(corr);
            if (p != null) {
                metrics.timedOut(op);
                p.future().completeExceptionally(unavailable("No core answered " + op + " within "
                        + timeoutMs + " ms"));
            }
        }, timeoutMs, TimeUnit.MILLISECONDS);
        send(settings.coreTopic(), key, new Envelope(op, corr, nodeTopic(), nodeId(), body)).whenComplete((v, ex) -> {
            if (ex != null) {
                Pending p = pending.remove(corr);
                if (p != null) {
                    metrics.timedOut(op);
                    completer.execute(() -> p.future().completeExceptionally(ex));
                }
            }
        });
        return f;
    }

    /** Answers a request with its result body. */
    public void reply(Envelope request, byte[] result) {
        if (request.replyTo() == null || request.corr() == 0) {
            return;
        }
        Out out = new Out().bool(true).bin(result);
        send(request.replyTo(), null, new Envelope(Ops.RESPONSE, request.corr(), null, nodeId(), out.toBytes()));
    }

    /** Answers a request with an error, which fails the caller's future with the same {@link MoteException}. */
    public void replyError(Envelope request, Throwable error) {
        if (request.replyTo() == null || request.corr() == 0) {
            return;
        }
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        ErrorCode code = cause instanceof MoteException m ? m.errorCode() : ErrorCode.GENERAL;
        String message = cause instanceof MoteException ? cause.getMessage() : "Internal error";
        if (!(cause instanceof MoteException)) {
            log.warn("Request {} failed: {}", request.op(), cause.toString());
        }
        Out out = new Out().bool(false).str(code.name()).str(message);
        send(request.replyTo(), null, new Envelope(Ops.RESPONSE, request.corr(), null, nodeId(), out.toBytes()));
    }

    private void onResponse(Envelope e) {
        Pending p = pending.remove(e.corr());
        if (p == null) {
            return; // answered after its timeout
        }
        metrics.answered(p.op());
        completer.execute(() -> {
            try {
                In in = new In(e.body());
                if (in.bool()) {
                    p.future().complete(new In(in.bin()));
                } else {
                    p.future().completeExceptionally(new MoteException(ErrorCode.valueOf(in.str()), in.str()));
                }
            } catch (RuntimeException ex) {
                p.future().completeExceptionally(new MoteException(ErrorCode.GENERAL, "Unreadable answer"));
            }
        });
    }

    public static MoteException unavailable(String message) {
        return new MoteException(ErrorCode.SERVICE_UNAVAILABLE, message);
    }

    // ---- consuming ----

    /** Reads this node's topic from now on: answers to its requests, the rest to {@code handler}. */
    public void consumeNodeTopic(Consumer<Envelope> handler) {
        readFromNow(nodeTopic(), "node", e -> {
            if (Ops.RESPONSE.equals(e.op())) {
                onResponse(e);
            } else {
                handler.accept(e);
            }
        });
    }

    /** Reads the broadcast topic from now on. */
    public void consumeBroadcast(Consumer<Envelope> handler) {
        readFromNow(settings.broadcastTopic(), "broadcast", handler);
    }

    private void readFromNow(String topic, String name, Consumer<Envelope> handler) {
        Properties p = consumerProps();
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        TopicPartition tp = new TopicPartition(topic, 0);
        consumer.assign(List.of(tp));
        consumer.seekToEnd(List.of(tp));
        consumer.position(tp); // resolves "now" before anything is sent
        start("cluster-" + name, consumer, () -> {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(java.time.Duration.ofMillis(500))) {
                dispatch(r, handler);
            }
        });
    }

    /**
     * Joins the cores' group on the core topic. Each poll's messages are handed to {@code handler} in order
     * and the next poll follows at once (one partition's work overlaps, as on a single node); each
     * partition's offset is committed up to its first message whose work has not completed (at least once:
     * a core that dies leaves the rest to the partition's next owner). Too much work under way pauses
     * reading until half of it has completed.
     */
    public void consumeCoreTopic(CoreHandler handler, PartitionListener partitions) {
        Properties p = consumerProps();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, settings.coreGroup());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        // A dead core's partitions move to the others once its session times out.
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        CommitTracker tracker = new CommitTracker();
        long waitMs = settings.requestTimeoutMs();
        consumer.subscribe(List.of(settings.coreTopic()), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> lost) {
                List<Integer> ids = lost.stream().map(TopicPartition::partition).toList();
                owned.removeAll(ids);
                tracker.awaitWork(lost, waitMs);
                commit(consumer, tracker.completed(), true);
                tracker.forget(lost);
                if (!ids.isEmpty()) {
                    partitions.revoked(ids);
                }
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> gained) {
                List<Integer> ids = gained.stream().map(TopicPartition::partition).toList();
                owned.addAll(ids);
                if (!ids.isEmpty()) {
                    partitions.assigned(ids);
                }
            }
        });
        boolean[] paused = {false};
        start("cluster-core", consumer, () -> {
            // While work is under way the poll returns soon, so completed work is committed soon.
            ConsumerRecords<String, byte[]> records = consumer.poll(java.time.Duration.ofMillis(tracker.size() > 0 ? 20 : 500));
            for (ConsumerRecord<String, byte[]> r : records) {
                CompletableFuture<?>[] work = {null};
                dispatch(r, e -> work[0] = handler.handle(e));
                tracker.add(new TopicPartition(r.topic(), r.partition()), r.offset(), work[0]);
            }
            commit(consumer, tracker.completed(), false);
            if (!paused[0] && tracker.size() > MAX_CORE_WORK) {
                consumer.pause(consumer.assignment());
                paused[0] = true;
            } else if (paused[0] && tracker.size() < MAX_CORE_WORK / 2) {
                consumer.resume(consumer.paused());
                paused[0] = false;
            }
        });
    }

    private static void commit(KafkaConsumer<?, ?> consumer, Map<TopicPartition, OffsetAndMetadata> offsets, boolean sync) {
        if (offsets.isEmpty()) {
            return;
        }
        if (sync) {
            consumer.commitSync(offsets);
        } else {
            consumer.commitAsync(offsets, (o, e) -> {
                if (e != null) {
                    log.debug("Core topic offsets not committed (read again by the next owner): {}", e.toString());
                }
            });
        }
    }

    private Properties consumerProps() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "mote-" + settings.nodeId());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return p;
    }

    private interface Loop {
        void once();
    }

    private void start(String name, KafkaConsumer<?, ?> consumer, Loop loop) {
        synchronized (consumers) {
            consumers.add(consumer);
        }
        Thread t = new Thread(() -> {
            try {
                while (running) {
                    try {
                        loop.once();
                    } catch (WakeupException e) {
                        break;
                    } catch (RuntimeException e) {
                        if (!running) {
                            break;
                        }
                        log.warn("{} failed, going on: {}", name, e.toString());
                        sleepQuietly(500);
                    }
                }
            } catch (Error e) {
                log.error("{} stopped: {}", name, e.toString());
                throw e;
            } finally {
                consumer.close(java.time.Duration.ofSeconds(5));
            }
        }, name);
        t.setDaemon(true);
        loops.add(t);
        t.start();
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void dispatch(ConsumerRecord<String, byte[]> r, Consumer<Envelope> handler) {
        String op = header(r, "op");
        if (op == null) {
            return;
        }
        Header corr = r.headers().lastHeader("corr");
        Envelope e = new Envelope(op, corr == null ? 0 : ByteBuffer.wrap(corr.value()).getLong(), header(r, "reply"),
                String.valueOf(header(r, "from")), r.value());
        try {
            handler.accept(e);
        } catch (RuntimeException ex) {
            log.warn("Message {} from {} failed: {}", op, e.from(), ex.toString());
        }
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /**
     * Stops reading every topic (a core leaves the group, so its partitions move at once); what was polled
     * and is done has its offsets committed. Idempotent.
     */
    public void stopConsuming() {
        running = false;
        synchronized (consumers) {
            consumers.forEach(KafkaConsumer::wakeup);
        }
        for (Thread t : loops) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops reading, flushes what was sent and deletes this node's own topic. */
    @Override
    public void close() {
        stopConsuming();
        sender.shutdown();
        try {
            sender.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(java.time.Duration.ofSeconds(5));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()))) {
            admin.deleteTopics(List.of(nodeTopic())).all().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.debug("Could not delete topic {}: {}", nodeTopic(), e.toString());
        }
        timer.shutdownNow();
        completer.shutdown();
        pending.values().forEach(p -> p.future().completeExceptionally(unavailable("Node is stopping")));
    }
}
