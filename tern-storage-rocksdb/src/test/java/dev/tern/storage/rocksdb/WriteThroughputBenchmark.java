package dev.tern.storage.rocksdb;

import dev.tern.spi.storage.QueueEntry;
import dev.tern.spi.storage.StorageBatch;
import dev.tern.spi.storage.StorageEngine;
import dev.tern.spi.storage.StoredMessage;
import dev.tern.spi.storage.SyncMode;
import dev.tern.storage.MemoryStorageEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * QoS-1-like write throughput of a store: {@code shards} threads, each committing batches of {@code batch}
 * "store message + append queue entry" pairs, with at most {@code window} batches outstanding per shard (like a
 * publisher's receive maximum), for {@code seconds}. A measurement run on purpose, not a test:
 *
 * <pre>
 * cd tern-storage-rocksdb &amp;&amp; java -cp target/classes:target/test-classes:../tern-storage/target/classes:\
 *   ../tern-spi/target/classes:$HOME/.m2/repository/org/rocksdb/rocksdbjni/11.8.1/rocksdbjni-11.8.1.jar \
 *   dev.tern.storage.rocksdb.WriteThroughputBenchmark [seconds] [payloadBytes] [dir]
 * </pre>
 * Runs every engine/mode (memory, rocksdb none, batch 10 ms, always) for shards × batch in {4} × {1, 8, 32}.
 */
public final class WriteThroughputBenchmark {
    private static final int WINDOW = 8;
    private static final int SESSIONS_PER_SHARD = 100;

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int payload = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        Path base = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("tern-bench");
        System.out.printf("%-14s %6s %6s %12s %12s %10s %10s %10s%n", "engine", "shards", "batch", "msgs/s",
                "batches/s", "group", "p50 ms", "p99 ms");
        for (int batch : new int[] {1, 8, 32}) {
            for (String engine : new String[] {"memory", "none", "batch", "always"}) {
                Path dir = base.resolve(engine + "-" + batch);
                run(engine, dir, 4, batch, payload, seconds);
                deleteRecursively(dir);
            }
        }
    }

    static void run(String engine, Path dir, int shards, int batch, int payload, int seconds) throws Exception {
        StorageEngine store = engine.equals("memory") ? new MemoryStorageEngine()
                : RocksDbStorageEngine.open(dir, RocksDbSettings.DEFAULTS.withSync(SyncMode.parse(engine))
                        .withSyncInterval(Duration.ofMillis(10)));
        byte[] body = new byte[payload];
        Arrays.fill(body, (byte) 'x');
        AtomicLong done = new AtomicLong();
        List<long[]> latencies = new ArrayList<>();
        long warmupEnd = System.nanoTime() + 1_000_000_000L;
        long end = warmupEnd + seconds * 1_000_000_000L;
        long[] measured = new long[shards];
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < shards; s++) {
            int shard = s;
            long[] lat = new long[4_000_000];
            latencies.add(lat);
            threads.add(new Thread(() -> {
                ArrayDeque<CompletableFuture<Void>> window = new ArrayDeque<>();
                long[] seqs = new long[SESSIONS_PER_SHARD];
                int[] n = {0};
                long committed = 0;
                while (true) {
                    long now = System.nanoTime();
                    if (now >= end) {
                        break;
                    }
                    StorageBatch b = new StorageBatch(batch * 2);
                    for (int k = 0; k < batch; k++) {
                        StoredMessage m = new StoredMessage(store.nextMessageId(), "bench/" + shard, body, 1, false,
                                null, "pub-" + shard, 0);
                        int session = (int) (m.id() % SESSIONS_PER_SHARD);
                        b.putMessage(m).putQueueEntry("sub-" + shard + "-" + session,
                                QueueEntry.queued(++seqs[session], m.id(), 1, false, List.of(), null));
                    }
                    boolean counted = now >= warmupEnd;
                    long started = now;
                    window.add(store.commit(b).thenRun(() -> {
                        if (counted) {
                            long t = System.nanoTime();
                            if (t <= end) {
                                done.addAndGet(batch);
                                int i = n[0]++;
                                if (i < lat.length) {
                                    lat[i] = t - started;
                                }
                            }
                        }
                    }));
                    committed++;
                    if (window.size() >= WINDOW) {
                        window.poll().join();
                    }
                }
                window.forEach(CompletableFuture::join);
                measured[shard] = Math.min(n[0], lat.length);
            }, "shard-" + s));
        }
        long groups0 = store instanceof RocksDbStorageEngine r ? r.groupsWritten() : 0;
        long batches0 = store instanceof RocksDbStorageEngine r ? r.batchesWritten() : 0;
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        long[] all = new long[(int) Arrays.stream(measured).sum()];
        int at = 0;
        for (int s = 0; s < shards; s++) {
            System.arraycopy(latencies.get(s), 0, all, at, (int) measured[s]);
            at += (int) measured[s];
        }
        Arrays.sort(all);
        double group = store instanceof RocksDbStorageEngine r
                ? (double) (r.batchesWritten() - batches0) / Math.max(1, r.groupsWritten() - groups0) : 1;
        store.close();
        double msgs = done.get() / (double) seconds;
        System.out.printf("%-14s %6d %6d %12.0f %12.0f %10.1f %10.2f %10.2f%n",
                engine.equals("memory") ? "memory" : "rocksdb " + engine, shards, batch, msgs, msgs / batch, group,
                all.length == 0 ? 0 : all[all.length / 2] / 1e6, all.length == 0 ? 0 : all[all.length * 99 / 100] / 1e6);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
