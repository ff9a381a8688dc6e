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
 */
public record RocksDbSettings(SyncMode sync, Duration syncInterval, long blockCacheBytes, long writeBufferBytes,
                              boolean readOnly) {

    /** {@code always}, a 10 ms batch interval, 32 MB cache, 16 MB write buffers: sized for a small machine. */
    public static final RocksDbSettings DEFAULTS = new RocksDbSettings(SyncMode.ALWAYS, Duration.ofMillis(10),
            32L << 20, 16L << 20, false);

    public RocksDbSettings {
        Objects.requireNonNull(sync, "sync");
        Objects.requireNonNull(syncInterval, "syncInterval");
        if (syncInterval.isNegative() || syncInterval.isZero()) {
            throw new IllegalArgumentException("sync interval must be positive: " + syncInterval);
        }
    }

    public RocksDbSettings withSync(SyncMode mode) {
        return new RocksDbSettings(mode, syncInterval, blockCacheBytes, writeBufferBytes, readOnly);
    }

    public RocksDbSettings withSyncInterval(Duration interval) {
        return new RocksDbSettings(sync, interval, blockCacheBytes, writeBufferBytes, readOnly);
    }

    public RocksDbSettings asReadOnly() {
        return new RocksDbSettings(sync, syncInterval, blockCacheBytes, writeBufferBytes, true);
    }
}
