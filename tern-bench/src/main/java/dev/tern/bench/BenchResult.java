package dev.tern.bench;

import java.util.Locale;

/**
 * The outcome of one run. Rates are over the measuring window (after warm-up, before the drain); latencies are
 * end to end, from the publisher's send to the subscriber's receipt, in microseconds.
 */
public record BenchResult(
        Scenario scenario,
        int qos,
        int publishers,
        int subscribers,
        double seconds,
        long published,
        long received,
        double publishedPerSecond,
        double receivedPerSecond,
        long latencyCount,
        double p50Micros,
        double p99Micros,
        double p999Micros,
        double maxMicros,
        long lost,
        long duplicates,
        long reordered,
        long connected,
        long errors) {

    /** True when nothing acknowledged went missing (only meaningful for QoS 1 and 2). */
    public boolean noLoss() {
        return lost == 0;
    }

    public String summaryLine() {
        return String.format(Locale.ROOT,
                "%s qos%d pubs=%d subs=%d %.1fs: published %,.0f msg/s, delivered %,.0f msg/s, "
                        + "latency p50 %.0f us p99 %.0f us p999 %.0f us max %.0f us, lost %d, duplicates %d, "
                        + "reordered %d, errors %d",
                scenario.name().toLowerCase(Locale.ROOT), qos, publishers, subscribers, seconds, publishedPerSecond,
                receivedPerSecond, p50Micros, p99Micros, p999Micros, maxMicros, lost, duplicates, reordered, errors);
    }

    public String toJson() {
        return String.format(Locale.ROOT,
                "{\"scenario\":\"%s\",\"qos\":%d,\"publishers\":%d,\"subscribers\":%d,\"seconds\":%.3f,"
                        + "\"published\":%d,\"received\":%d,\"published_per_s\":%.1f,\"received_per_s\":%.1f,"
                        + "\"latency_count\":%d,\"latency_us\":{\"p50\":%.1f,\"p99\":%.1f,\"p999\":%.1f,\"max\":%.1f},"
                        + "\"lost\":%d,\"duplicates\":%d,\"reordered\":%d,\"connected\":%d,\"errors\":%d}",
                scenario.name().toLowerCase(Locale.ROOT), qos, publishers, subscribers, seconds, published, received,
                publishedPerSecond, receivedPerSecond, latencyCount, p50Micros, p99Micros, p999Micros, maxMicros,
                lost, duplicates, reordered, connected, errors);
    }
}
