package dev.tern.benchmarks.topic;

import dev.tern.core.SubscriptionEntry;
import dev.tern.core.TopicIndex;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency of {@link TopicIndex#match} for a random topic, in an index of {@code subscriptions} subscriptions
 * ({@link TopicWorkload}: 90% exact, 10% wildcard). The index is built once per fork (about 10 s and 1-2 GB of
 * heap at 1,000,000); each invocation matches the next topic of a pre-drawn random sequence, so the trie nodes
 * touched vary as they would with real traffic (cache misses included).
 *
 * <p>Run at 1,000 and 1,000,000 subscriptions: the design goal is a match cost that grows with the topic's depth
 * and the number of matches, not with the number of subscriptions, so the two scores should be close (what
 * remains is cache misses in a larger heap). The memory the index takes is printed by {@link TopicIndexFootprint}.
 *
 * <p>Score: average nanoseconds per match (all matching subscriptions visited).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class TopicIndexBenchmark {
    private static final int TOPICS = 1 << 16;

    @Param({"1000", "1000000"})
    public int subscriptions;

    private TopicIndex index;
    private String[] deviceTopics;
    private String[] unsubscribedTopics;

    @Setup(Level.Trial)
    public void build() {
        TopicWorkload workload = new TopicWorkload(subscriptions);
        index = new TopicIndex();
        workload.subscribeAll(index);
        if (index.size() != subscriptions) {
            throw new IllegalStateException("index holds " + index.size() + ", expected " + subscriptions);
        }
        deviceTopics = workload.deviceTopics(TOPICS, 42);
        unsubscribedTopics = workload.unsubscribedTopics(TOPICS, 43);
    }

    /** Per benchmark thread: where it is in the topic sequence, and the visitors (allocated once). */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
        int matched;
        final Consumer<SubscriptionEntry> ordinary = e -> matched++;
        final Consumer<TopicIndex.SharedGroup> shared = g -> matched++;
    }

    /** A device temperature topic: 1 exact + 5 wildcard matches, plus a {@code #} one now and then. */
    @Benchmark
    public int matchDeviceTopic(Cursor c) {
        return match(c, deviceTopics);
    }

    /** A topic of an existing device that (almost) nobody subscribes to: the cost of the walk and its probes. */
    @Benchmark
    public int matchUnsubscribedTopic(Cursor c) {
        return match(c, unsubscribedTopics);
    }

    private int match(Cursor c, String[] topics) {
        String topic = topics[c.next++ & (TOPICS - 1)];
        c.matched = 0;
        index.match(topic, c.ordinary, c.shared);
        return c.matched;
    }
}
