package dev.tern.storage.rocksdb;

import dev.tern.spi.storage.SyncMode;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link RocksDbStorageEngine} is opened.
 *
 * @param sync when commits are durable ({@code storage.sync})
 * @param syncInterval how often {@link SyncMode#BATCH} syncs the log: the window a machine crash can lose
 * @param blockCacheBytes read cache shared by all tables
 * @param writeBufferBytes memtable size of the busy tables (messages, queues, references); the others get a quarter.
 *     All memtables together are capped at four times this.
 * @param readOnly open without taking the folder's lock, for tools reading a folder; commits fail
 * @param gatherQuiet while a batch being gathered holds queue entries a subscriber may still acknowledge (and so
 *     cancel out), how long the writer waits for something to happen (a batch committed, an acknowledgement)
 *     before it writes what it has; zero: no gathering
 * @param gatherLimit at most this long from a batch reaching the writer to its write, however many
 *     acknowledgements are still to come: what a subscriber slow to acknowledge can add to other clients' answers
 */
public record RocksDbSettings(SyncMode sync, Duration syncInterval, long blockCacheBytes, long writeBufferBytes,
                              boolean readOnly, Duration gatherQuiet, Duration gatherLimit) {

    /**
     * {@code always}, a 10 ms batch interval, 32 MB cache, 16 MB write buffers: sized for a small machine. Gathering
     * 300 µs of quiet, 1 ms at most (docs/durability.md, "Throughput"; {@code -Dtern.storage.gather-micros=N} and
     * {@code -Dtern.storage.gather-max-micros=N} override them, for measurements).
     */
    public static final RocksDbSettings DEFAULTS = new RocksDbSettings(SyncMode.ALWAYS, Duration.ofMillis(10),
            32L << 20, 16L << 20, false, micros("tern.storage.gather-micros", 300),
            micros("tern.storage.gather-max-micros", 1000));

    public RocksDbSettings {
        Objects.requireNonNull(sync, "sync");
        Objects.requireNonNull(syncInterval, "syncInterval");
        Objects.requireNonNull(gatherQuiet, "gatherQuiet");
        Objects.requireNonNull(gatherLimit, "gatherLimit");
        if (syncInterval.isNegative() || syncInterval.isZero()) {
            throw new IllegalArgumentException("sync interval must be positive: " + syncInterval);
        }
        if (gatherQuiet.isNegative() || gatherLimit.isNegative()) {
            throw new IllegalArgumentException("gathering times must not be negative: " + gatherQuiet + ", "
                    + gatherLimit);
        }
    }

    public RocksDbSettings withSync(SyncMode mode) {
        return new RocksDbSettings(mode, syncInterval, blockCacheBytes, writeBufferBytes, readOnly, gatherQuiet,
                gatherLimit);
    }

    public RocksDbSettings withSyncInterval(Duration interval) {
        return new RocksDbSettings(sync, interval, blockCacheBytes, writeBufferBytes, readOnly, gatherQuiet,
                gatherLimit);
    }

    public RocksDbSettings withGathering(Duration quiet, Duration limit) {
        return new RocksDbSettings(sync, syncInterval, blockCacheBytes, writeBufferBytes, readOnly, quiet, limit);
    }

    public RocksDbSettings asReadOnly() {
        return new RocksDbSettings(sync, syncInterval, blockCacheBytes, writeBufferBytes, true, gatherQuiet,
                gatherLimit);
    }

    private static Duration micros(String property, long defaultMicros) {
        return Duration.ofNanos(Long.getLong(property, defaultMicros) * 1000);
    }
}
