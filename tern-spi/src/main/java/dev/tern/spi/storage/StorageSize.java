package dev.tern.spi.storage;

/**
 * How big a store is, from what it keeps track of anyway (no scan): cheap enough for every metrics scrape.
 *
 * @param diskBytes bytes of the store's files on disk (data, logs, metadata); 0 for a memory store
 * @param liveDataBytes the engine's estimate of the bytes of live data (without what compaction will drop)
 * @param memoryBytes off-heap memory the engine holds for writes and caches (e.g. RocksDB memtables and block
 *     cache); 0 when not known
 */
public record StorageSize(long diskBytes, long liveDataBytes, long memoryBytes) {
    public static final StorageSize NONE = new StorageSize(0, 0, 0);
}
