package dev.tern.observability;

import dev.tern.core.BrokerInspector;
import dev.tern.core.BrokerStats;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the broker's state under {@code $SYS/broker/...} with Mosquitto's topic names, every
 * {@code sys-interval}, as retained QoS 0 messages through the normal publish path, so that the ACL decides who
 * may read them. Like Mosquitto, a topic is published again only when its value changed ({@code uptime} and the
 * load averages change every time).
 *
 * <p>The load topics are exponentially weighted moving averages per minute over 1, 5 and 15 minutes, as
 * Mosquitto's: each tick folds the rate of the last interval into the average with weight
 * {@code 1 - exp(-interval / window)}.
 */
public final class SysTopics implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SysTopics.class);
    static final String PREFIX = "$SYS/broker/";
    private static final int[] WINDOWS_MINUTES = {1, 5, 15};

    private final BrokerInspector inspector;
    private final Duration interval;
    private final String version;
    private final long startedNanos = System.nanoTime();
    private final ScheduledExecutorService timer;
    /** Last value published per topic: unchanged values are not published again. Timer thread only. */
    private final Map<String, String> last = new HashMap<>();
    private final Map<String, double[]> loads = new HashMap<>();
    private final Map<String, Long> previousTotals = new HashMap<>();
    private long previousTickNanos = startedNanos;
    private int maximumConnected;
    private volatile boolean closed;

    /**
     * Starts publishing at once and then every {@code interval}; an interval of zero publishes nothing (and starts
     * no thread).
     */
    public SysTopics(BrokerInspector inspector, Duration interval, String version) {
        this.inspector = inspector;
        this.interval = interval;
        this.version = version;
        if (interval.isZero() || interval.isNegative()) {
            timer = null;
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tern-sys");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(1, interval.toMillis());
        timer.scheduleAtFixedRate(this::tickSafely, 0, ms, TimeUnit.MILLISECONDS);
    }

    public Duration interval() {
        return interval;
    }

    private void tickSafely() {
        if (closed) {
            return;
        }
        try {
            // wait for the shards' answer on this thread, so ticks never overlap
            BrokerInspector.SessionTotals totals = inspector.sessionTotals().get(5, TimeUnit.SECONDS);
            publish(values(totals));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (!closed) {
                LOG.warn("$SYS update failed: {}", e.toString());
            }
        }
    }

    /** Every $SYS value for this tick, in publishing order. Timer thread. */
    Map<String, String> values(BrokerInspector.SessionTotals totals) {
        BrokerStats stats = inspector.stats();
        long now = System.nanoTime();
        double seconds = Math.max(1e-3, (now - previousTickNanos) / 1e9);
        previousTickNanos = now;
        int connected = inspector.connectedClients();
        maximumConnected = Math.max(maximumConnected, connected);
        long dropped = 0;
        for (long d : stats.drops().values()) {
            dropped += d;
        }
        long retained = inspector.retainedCount();
        long retainedBytes = inspector.retainedBytes();
        long stored = retained + totals.queued() + totals.inflight();
        long storedBytes = retainedBytes + totals.queuedBytes() + totals.inflightBytes();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();

        Map<String, String> v = new LinkedHashMap<>();
        v.put("version", version);
        v.put("uptime", ((now - startedNanos) / 1_000_000_000L) + " seconds");
        v.put("clients/connected", String.valueOf(connected));
        v.put("clients/disconnected", String.valueOf(Math.max(0, totals.sessions() - totals.connected())));
        v.put("clients/total", String.valueOf(totals.sessions()));
        v.put("clients/maximum", String.valueOf(maximumConnected));
        v.put("messages/received", String.valueOf(stats.packetsReceived()));
        v.put("messages/sent", String.valueOf(stats.packetsSent()));
        v.put("messages/stored", String.valueOf(stored));
        v.put("messages/inflight", String.valueOf(totals.inflight()));
        v.put("publish/messages/received", String.valueOf(stats.messagesReceived()));
        v.put("publish/messages/sent", String.valueOf(stats.messagesSent()));
        v.put("publish/messages/dropped", String.valueOf(dropped));
        v.put("bytes/received", String.valueOf(stats.bytesReceived()));
        v.put("bytes/sent", String.valueOf(stats.bytesSent()));
        load(v, "messages/received", stats.packetsReceived(), seconds);
        load(v, "messages/sent", stats.packetsSent(), seconds);
        load(v, "publish/received", stats.messagesReceived(), seconds);
        load(v, "publish/sent", stats.messagesSent(), seconds);
        load(v, "publish/dropped", dropped, seconds);
        load(v, "bytes/received", stats.bytesReceived(), seconds);
        load(v, "bytes/sent", stats.bytesSent(), seconds);
        load(v, "connections", stats.connects(), seconds);
        v.put("retained messages/count", String.valueOf(retained));
        v.put("subscriptions/count", String.valueOf(inspector.subscriptionCount()));
        v.put("store/messages/count", String.valueOf(stored));
        v.put("store/messages/bytes", String.valueOf(storedBytes));
        v.put("heap/current", String.valueOf(heap.getUsed()));
        v.put("heap/maximum", String.valueOf(heap.getMax() > 0 ? heap.getMax() : heap.getCommitted()));
        return v;
    }

    /** {@code load/<name>/1min|5min|15min}: moving averages of the rate per minute. */
    private void load(Map<String, String> v, String name, long total, double seconds) {
        Long before = previousTotals.put(name, total);
        double perMinute = before == null ? 0 : Math.max(0, total - before) * 60.0 / seconds;
        double[] avg = loads.computeIfAbsent(name, k -> new double[WINDOWS_MINUTES.length]);
        for (int i = 0; i < WINDOWS_MINUTES.length; i++) {
            double weight = 1 - Math.exp(-seconds / (60.0 * WINDOWS_MINUTES[i]));
            avg[i] += (perMinute - avg[i]) * weight;
            v.put("load/" + name + "/" + WINDOWS_MINUTES[i] + "min", String.format(Locale.ROOT, "%.2f", avg[i]));
        }
    }

    private void publish(Map<String, String> values) {
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (closed) {
                return;
            }
            if (e.getValue().equals(last.get(e.getKey()))) {
                continue;
            }
            last.put(e.getKey(), e.getValue());
            inspector.publishOwn(PREFIX + e.getKey(), e.getValue().getBytes(StandardCharsets.UTF_8), true);
        }
    }

    @Override
    public void close() {
        closed = true;
        if (timer != null) {
            timer.shutdownNow();
            try {
                timer.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
