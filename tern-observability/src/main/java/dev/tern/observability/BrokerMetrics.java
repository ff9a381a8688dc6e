package dev.tern.observability;

import dev.tern.codec.ReasonCode;
import dev.tern.core.BrokerInspector;
import dev.tern.core.BrokerStats;
import dev.tern.core.DropReason;
import dev.tern.spi.storage.StorageSize;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.PooledByteBufAllocator;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * The broker's Prometheus metrics, through Micrometer. Counters are read from {@link BrokerStats} when scraped
 * (function counters: nothing is counted twice); per-session figures (queue depths, inflight) come from shard
 * snapshots taken just before each scrape ({@link #refresh()}); the publish-to-delivery latency is a histogram fed
 * by the core. JVM and Netty buffer-pool metrics come along.
 */
public final class BrokerMetrics implements AutoCloseable {
    private final BrokerInspector inspector;
    private final BrokerStats stats;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicReference<BrokerInspector.SessionTotals> totals = new AtomicReference<>();
    private final Set<String> registeredCodes = new HashSet<>();
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public BrokerMetrics(BrokerInspector inspector) {
        this.inspector = inspector;
        this.stats = inspector.stats();
        registerBroker();
        registerJvmAndNetty();
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** A gauge of the store's size, read at scrape (cheap: no scan). */
    private void storageGauge(String name, String description, java.util.function.ToLongFunction<StorageSize> f) {
        Gauge.builder(name, inspector, i -> i.storageSize().map(f::applyAsLong).orElse(0L))
                .description(description).baseUnit("bytes").register(registry);
    }

    private void registerBroker() {
        MeterRegistry r = registry;
        Gauge.builder("tern.connections", inspector, i -> i.broker().connectionCount())
                .description("Open network connections, including those not yet through CONNECT").register(r);
        Gauge.builder("tern.clients.connected", inspector, BrokerInspector::connectedClients)
                .description("Clients connected (past CONNECT)").register(r);
        sessionGauge("tern.sessions", "Sessions held, connected and offline", BrokerInspector.SessionTotals::sessions);
        sessionGauge("tern.queue.messages", "Messages waiting in session queues (sampled at scrape)",
                BrokerInspector.SessionTotals::queued);
        sessionGauge("tern.queue.bytes", "Payload bytes waiting in session queues (sampled at scrape)",
                BrokerInspector.SessionTotals::queuedBytes);
        sessionGauge("tern.inflight.messages", "QoS 1/2 messages sent and not yet acknowledged (sampled at scrape)",
                BrokerInspector.SessionTotals::inflight);
        sessionGauge("tern.queue.depth.max", "Longest session queue (sampled at scrape)",
                BrokerInspector.SessionTotals::maxQueued);
        Gauge.builder("tern.retained.messages", inspector, BrokerInspector::retainedCount)
                .description("Retained messages held").register(r);
        Gauge.builder("tern.subscriptions", inspector, BrokerInspector::subscriptionCount)
                .description("Subscriptions in the topic index").register(r);
        if (inspector.storageSize().isPresent()) {
            storageGauge("tern.storage.disk", "Bytes of the data folder's files (RocksDB data, logs, metadata)",
                    StorageSize::diskBytes);
            storageGauge("tern.storage.live.data", "RocksDB's estimate of the bytes of live data in the store",
                    StorageSize::liveDataBytes);
            storageGauge("tern.storage.memory", "Off-heap memory of the store: RocksDB memtables and block cache",
                    StorageSize::memoryBytes);
        }

        FunctionCounter.builder("tern.connects", stats, BrokerStats::connects)
                .description("Successful CONNECTs").register(r);
        counter("tern.packets.received", "MQTT packets of every type received", s -> s.packetsReceived());
        counter("tern.packets.sent", "MQTT packets of every type sent", s -> s.packetsSent());
        FunctionCounter.builder("tern.network.received", stats, BrokerStats::bytesReceived).baseUnit("bytes")
                .description("Bytes of MQTT packets received").register(r);
        FunctionCounter.builder("tern.network.sent", stats, BrokerStats::bytesSent).baseUnit("bytes")
                .description("Bytes of MQTT packets sent").register(r);
        counter("tern.messages.published", "Application messages accepted for routing (from clients, wills, "
                + "the admin API)", BrokerStats::messagesReceived);
        for (int qos = 0; qos <= 2; qos++) {
            int q = qos;
            String tag = String.valueOf(qos);
            FunctionCounter.builder("tern.messages.received", stats, s -> s.publishReceived(q)).tag("qos", tag)
                    .description("PUBLISH packets received, by QoS").register(r);
            FunctionCounter.builder("tern.messages.sent", stats, s -> s.publishSent(q)).tag("qos", tag)
                    .description("PUBLISH packets sent, by QoS").register(r);
            FunctionCounter.builder("tern.messages.received.payload", stats, s -> s.publishBytesReceived(q))
                    .baseUnit("bytes").tag("qos", tag).description("Bytes of PUBLISH packets received, by QoS")
                    .register(r);
            FunctionCounter.builder("tern.messages.sent.payload", stats, s -> s.publishBytesSent(q))
                    .baseUnit("bytes").tag("qos", tag).description("Bytes of PUBLISH packets sent, by QoS")
                    .register(r);
        }
        for (DropReason reason : DropReason.values()) {
            FunctionCounter.builder("tern.messages.dropped", stats, s -> s.drops(reason))
                    .tag("reason", reason.name().toLowerCase(Locale.ROOT))
                    .description("Messages not delivered to a session, by reason").register(r);
        }
        FunctionCounter.builder("tern.disconnects", stats, BrokerStats::connectionsLost)
                .tags("initiator", "network", "reason", "connection_lost")
                .description("Connected clients that went away, by who ended it and why").register(r);
        registerCodes();

        Timer latency = Timer.builder("tern.delivery.latency")
                .description("Time from routing a message on the publisher's shard to handing it to an online "
                        + "subscriber's session on its shard")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(r);
        stats.measureDeliveryLatency(nanos -> latency.record(nanos, TimeUnit.NANOSECONDS));
    }

    private void counter(String name, String description, ToDoubleFunction<BrokerStats> f) {
        FunctionCounter.builder(name, stats, f).description(description).register(registry);
    }

    private void sessionGauge(String name, String description,
                              ToDoubleFunction<BrokerInspector.SessionTotals> f) {
        Gauge.builder(name, totals, t -> t.get() == null ? Double.NaN : f.applyAsDouble(t.get()))
                .description(description).register(registry);
    }

    /**
     * CONNACK results and disconnect reasons: a series appears once its code has been seen (256 codes each would be
     * mostly zero); {@code accepted} and the common disconnects are there from the start.
     */
    private synchronized void registerCodes() {
        connectResult(0);
        clientDisconnect(0);
        serverDisconnect(ReasonCode.SESSION_TAKEN_OVER);
        serverDisconnect(ReasonCode.KEEP_ALIVE_TIMEOUT);
        for (int code = 0; code < 256; code++) {
            if (stats.connacks(code) > 0) {
                connectResult(code);
            }
            if (stats.clientDisconnects(code) > 0) {
                clientDisconnect(code);
            }
            if (stats.serverDisconnects(code) > 0) {
                serverDisconnect(code);
            }
        }
    }

    private void connectResult(int code) {
        if (registeredCodes.add("connack/" + code)) {
            FunctionCounter.builder("tern.connect.results", stats, s -> s.connacks(code))
                    .tags("result", code == 0 ? "accepted" : connackLabel(code))
                    .description("CONNACKs sent, by result").register(registry);
        }
    }

    private void clientDisconnect(int code) {
        if (registeredCodes.add("client/" + code)) {
            FunctionCounter.builder("tern.disconnects", stats, s -> s.clientDisconnects(code))
                    .tags("initiator", "client", "reason", code == 0 ? "normal" : label(code))
                    .description("Connected clients that went away, by who ended it and why").register(registry);
        }
    }

    private void serverDisconnect(int code) {
        if (registeredCodes.add("server/" + code)) {
            FunctionCounter.builder("tern.disconnects", stats, s -> s.serverDisconnects(code))
                    .tags("initiator", "server", "reason", label(code))
                    .description("Connected clients that went away, by who ended it and why").register(registry);
        }
    }

    /** "0x8E session taken over" becomes "session_taken_over". */
    static String label(int code) {
        String d = ReasonCode.describe(code).toLowerCase(Locale.ROOT);
        if (d.startsWith("0x") && d.indexOf(' ') > 0) {
            d = d.substring(d.indexOf(' ') + 1);
        }
        return d.replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", "");
    }

    private static String connackLabel(int code) {
        return switch (code) {
            case ReasonCode.V3_UNACCEPTABLE_PROTOCOL_VERSION -> "unacceptable_protocol_version";
            case ReasonCode.V3_IDENTIFIER_REJECTED -> "identifier_rejected";
            case ReasonCode.V3_SERVER_UNAVAILABLE -> "server_unavailable";
            case ReasonCode.V3_BAD_USER_NAME_OR_PASSWORD -> "bad_user_name_or_password";
            case ReasonCode.V3_NOT_AUTHORIZED -> "not_authorized";
            default -> label(code);
        };
    }

    private void registerJvmAndNetty() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        ByteBufAllocatorMetric pooled = PooledByteBufAllocator.DEFAULT.metric();
        Gauge.builder("netty.allocator.memory.used", pooled, ByteBufAllocatorMetric::usedDirectMemory)
                .tags("allocator", "pooled", "memory", "direct").baseUnit("bytes")
                .description("Memory used by Netty's buffer allocators").register(registry);
        Gauge.builder("netty.allocator.memory.used", pooled, ByteBufAllocatorMetric::usedHeapMemory)
                .tags("allocator", "pooled", "memory", "heap").baseUnit("bytes")
                .description("Memory used by Netty's buffer allocators").register(registry);
        Gauge.builder("netty.allocator.arenas", PooledByteBufAllocator.DEFAULT.metric(),
                        m -> m.numDirectArenas()).tags("allocator", "pooled", "memory", "direct")
                .description("Arenas of Netty's pooled allocator").register(registry);
        ByteBufAllocator def = ByteBufAllocator.DEFAULT;
        if (def != PooledByteBufAllocator.DEFAULT && def instanceof ByteBufAllocatorMetricProvider p) {
            // Netty 4.2's default is the adaptive allocator: the one the broker's channels use
            ByteBufAllocatorMetric m = p.metric();
            String name = def.getClass().getSimpleName().replace("ByteBufAllocator", "").toLowerCase(Locale.ROOT);
            Gauge.builder("netty.allocator.memory.used", m, ByteBufAllocatorMetric::usedDirectMemory)
                    .tags("allocator", name, "memory", "direct").baseUnit("bytes")
                    .description("Memory used by Netty's buffer allocators").register(registry);
            Gauge.builder("netty.allocator.memory.used", m, ByteBufAllocatorMetric::usedHeapMemory)
                    .tags("allocator", name, "memory", "heap").baseUnit("bytes")
                    .description("Memory used by Netty's buffer allocators").register(registry);
        }
    }

    /** Takes fresh per-session figures from the shards (and registers newly seen reason codes). */
    public CompletableFuture<Void> refresh() {
        registerCodes();
        return inspector.sessionTotals().thenAccept(totals::set);
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        stats.measureDeliveryLatency(null);
        gc.close();
        registry.close();
    }
}
