package dev.tern.benchmarks.topic;

import dev.tern.codec.packet.PublishProperties;
import dev.tern.core.Message;
import dev.tern.core.RetainedStore;
import dev.tern.core.TopicIndex;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;

/**
 * Memory of the broker's two big indexes, measured as heap used after full GCs before and after filling them:
 * <ul>
 *   <li>the {@link TopicIndex} with {@link TopicWorkload}'s subscriptions (default 1,000,000), entries included;</li>
 *   <li>a {@link RetainedStore} with as many retained messages on {@code tenant/T/device/D/temp}, with 64-byte
 *       payloads (payload, topic string and message record included).</li>
 * </ul>
 * Also prints how long filling took (single-threaded inserts). Run it with a fixed heap so that the figures do
 * not depend on heap sizing:
 * <pre>
 * java -Xms4g -Xmx4g -cp tern-benchmarks/target/benchmarks.jar dev.tern.benchmarks.topic.TopicIndexFootprint [N]
 * </pre>
 * Objects are sized by the JVM that runs it (compressed oops below 32 GB of heap).
 */
public final class TopicIndexFootprint {
    private TopicIndexFootprint() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 1_000_000;
        TopicWorkload workload = new TopicWorkload(n);

        long before = usedAfterGc();
        long start = System.nanoTime();
        TopicIndex index = new TopicIndex();
        workload.subscribeAll(index);
        long buildNanos = System.nanoTime() - start;
        long after = usedAfterGc();
        report("topic index", index.size(), "subscriptions", after - before, buildNanos);

        before = after;
        start = System.nanoTime();
        RetainedStore retained = new RetainedStore();
        for (int t = 0; t < workload.tenants(); t++) {
            for (int d = 0; d < TopicWorkload.PER_TENANT; d++) {
                retained.put(new Message("tenant/" + t + "/device/" + d + "/temp", new byte[64], 0, true,
                        PublishProperties.EMPTY, "d" + t + "-" + d, 0));
            }
        }
        buildNanos = System.nanoTime() - start;
        after = usedAfterGc();
        report("retained store", retained.size(), "retained messages", after - before, buildNanos);

        // keep both reachable until measured
        if (index.size() + retained.size() == 42) {
            System.out.println();
        }
    }

    private static void report(String what, int count, String unit, long bytes, long nanos) {
        System.out.printf(Locale.ROOT, "%-15s %,d %s: %,.1f MB heap, %,.0f bytes each; filled in %,.2f s (%,.0f/s)%n",
                what, count, unit, bytes / 1e6, (double) bytes / count, nanos / 1e9, count / (nanos / 1e9));
    }

    /** Heap in use once the collector has settled (several full GCs until the figure stops falling). */
    private static long usedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long used = memory.getHeapMemoryUsage().getUsed();
            if (used >= best) {
                break;
            }
            best = used;
        }
        return best;
    }
}
