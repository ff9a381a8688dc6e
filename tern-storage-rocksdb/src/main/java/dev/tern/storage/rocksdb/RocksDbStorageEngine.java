package dev.tern.storage.rocksdb;

import dev.tern.spi.storage.ExpiredMessages;
import dev.tern.spi.storage.InboundPacketId;
import dev.tern.spi.storage.Mutation;
import dev.tern.spi.storage.PendingWill;
import dev.tern.spi.storage.QueueSummary;
import dev.tern.spi.storage.QueuedMessage;
import dev.tern.spi.storage.RetainedMessage;
import dev.tern.spi.storage.SessionRecord;
import dev.tern.spi.storage.StorageBatch;
import dev.tern.spi.storage.StorageCorruptedException;
import dev.tern.spi.storage.StorageEngine;
import dev.tern.spi.storage.StorageException;
import dev.tern.spi.storage.StorageLockedException;
import dev.tern.spi.storage.StorageSize;
import dev.tern.spi.storage.StorageStats;
import dev.tern.spi.storage.StoredMessage;
import dev.tern.spi.storage.SubscriptionRecord;
import dev.tern.spi.storage.SyncMode;
import dev.tern.spi.storage.Withdrawable;
import dev.tern.storage.kv.KeyValueReader;
import dev.tern.storage.kv.KeyValueWriter;
import dev.tern.storage.kv.Keys;
import dev.tern.storage.kv.Records;
import dev.tern.storage.kv.StoreLogic;
import dev.tern.storage.kv.Table;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Snapshot;
import org.rocksdb.Status;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The durable store: embedded RocksDB in a data folder, one column family per {@link Table}, write-ahead log on.
 *
 * <h2>Threads and group commit</h2>
 * One writer thread ({@code tern-storage-writer}) owns all writes. {@link #commit} puts the batch on a lock-free
 * queue and returns. The writer takes every batch waiting (up to {@value #MAX_GROUP}), applies them in order into
 * one {@link RocksTables.GroupWriter} (each under a save point, so an invalid batch is rolled back alone) and writes
 * it once, as one {@link WriteBatch} with the last value of each key. In {@link SyncMode#ALWAYS} it then hands the group's futures to the {@link WalSyncer} ({@code
 * tern-storage-wal-sync}), which syncs the log and completes them, while the writer goes on with the next group:
 * every group written during one sync shares the next. Under load, many shards' batches share one sync. Reads go
 * through the same queue (after the group before them is written) so that they see every batch committed before
 * them.
 *
 * <p>{@link SyncMode#BATCH}: groups are written without sync and their futures complete at once; a separate thread
 * ({@code tern-storage-sync}) syncs the log every {@link RocksDbSettings#syncInterval()} if anything was written.
 * {@link SyncMode#NONE}: never synced by us. In both, writes reach the OS before futures complete, so a process
 * crash loses nothing; a machine crash loses at most the last interval (batch) or what the OS had not written
 * (none).
 */
public final class RocksDbStorageEngine implements StorageEngine {
    static final int MAX_GROUP = 1024;
    /**
     * Keys the writer remembers ({@link RecentWrites}), about 200 bytes of heap each: about 2% of the maximum heap
     * (107,000 keys with 1 GB, at least 20,000, at most 2,000,000). A subscriber whose queue is seconds deep has its
     * entries' state changes read back from here instead of RocksDB, if they are still remembered (durable QoS 2
     * fan-in, queue ~1 s deep: 35k msgs/s with 100,000 keys, 39k with 200,000, 45–51k with 400,000).
     * {@code -Dtern.storage.recent-writes=N} sets it.
     */
    static final int RECENT_WRITES = Integer.getInteger("tern.storage.recent-writes",
            (int) Math.max(20_000, Math.min(2_000_000, Runtime.getRuntime().maxMemory() / 50 / 200)));

    static {
        RocksDB.loadLibrary();
    }

    private final Path dir;
    private final RocksDbSettings settings;
    private final RocksDB db;
    private final List<AutoCloseable> resources;
    private final List<ColumnFamilyHandle> allHandles;
    private final Map<Table, ColumnFamilyHandle> handles;
    private final ReadOptions readOptions = new ReadOptions();
    private final WriteOptions writeOptions = new WriteOptions();
    private final AtomicLong lastMessageId;
    /** Ids handed out this far apart are covered by one write of {@link Keys#MESSAGE_ID_FLOOR}. */
    private static final long ID_FLOOR_STEP = 1 << 20;
    /** The {@link Keys#MESSAGE_ID_FLOOR} on disk. Writer thread. */
    private long idFloor;
    private final ConcurrentLinkedQueue<Task> tasks = new ConcurrentLinkedQueue<>();
    private final Thread writer;
    private final ScheduledExecutorService syncer;
    /** Queue entries and reference counts written lately, read back without RocksDB. Writer thread only. */
    private final RecentWrites recentWrites = new RecentWrites(RECENT_WRITES);
    /** sync=always: syncs behind the writer and completes the futures ({@link WalSyncer}); null otherwise. */
    private final WalSyncer walSyncer;
    private final AtomicBoolean unsynced = new AtomicBoolean();
    private final AtomicLong groupsWritten = new AtomicLong();
    private final AtomicLong batchesWritten = new AtomicLong();
    /** Mutations skipped because they cancelled out within their group ({@link dev.tern.storage.kv.WriteElision}). */
    private final AtomicLong elidedWrites = new AtomicLong();
    private volatile boolean writerParked;
    /**
     * The first batch of the group being gathered that the core may still take writes back from: the withdrawal that
     * settles its last one wakes the writer, which then completes the batches before the next such one.
     */
    private volatile Commit gatheringOn;
    private final long gatherQuietNanos;
    private final long gatherLimitNanos;
    private volatile boolean closing;
    private volatile StorageException failure;
    private boolean closed;

    private sealed interface Task permits Commit, Read, Work, Close {
        void fail(StorageException e);
    }

    /**
     * A batch to write, and the queue entries in it the core may still withdraw ({@link Withdrawable}): while any is
     * open, waiting may cancel more of the batch out; once none is, nothing more can.
     */
    private final class Commit implements Task, Withdrawable.Watcher {
        final StorageBatch batch;
        final CompletableFuture<Void> future;
        private final AtomicInteger open = new AtomicInteger();
        /** When the writer took it into a group. Writer thread. */
        long taken;

        Commit(StorageBatch batch, CompletableFuture<Void> future) {
            this.batch = batch;
            this.future = future;
            for (Mutation m : batch.mutations()) {
                if (m instanceof Mutation.PutQueueEntry pq && pq.withdrawable() != null) {
                    open.incrementAndGet();
                    if (!pq.withdrawable().watch(this)) {
                        open.decrementAndGet();
                    }
                }
            }
        }

        StorageBatch batch() {
            return batch;
        }

        CompletableFuture<Void> future() {
            return future;
        }

        /** Nothing in it can be withdrawn any more. */
        boolean settled() {
            return open.get() == 0;
        }

        @Override
        public void settled(boolean withdrawn) {
            if (open.decrementAndGet() == 0 && withdrawn && gatheringOn == this) {
                LockSupport.unpark(writer);
            }
        }

        @Override
        public void fail(StorageException e) {
            future.completeExceptionally(e);
        }
    }

    /** A read, run by the writer after the batches committed before it. */
    private record Read<T>(Function<KeyValueReader, T> read, CompletableFuture<T> future) implements Task {
        public void fail(StorageException e) {
            future.completeExceptionally(e);
        }
    }

    /** A write computed by the store logic itself (expiry purge). */
    private record Work<T>(Function<KeyValueWriter, T> work, CompletableFuture<T> future) implements Task {
        public void fail(StorageException e) {
            future.completeExceptionally(e);
        }
    }

    private record Close(CompletableFuture<Void> future) implements Task {
        public void fail(StorageException e) {
            future.complete(null);
        }
    }

    private RocksDbStorageEngine(Path dir, RocksDbSettings settings, RocksDB db, List<AutoCloseable> resources,
                                 List<ColumnFamilyHandle> allHandles, Map<Table, ColumnFamilyHandle> handles) {
        this.dir = dir;
        this.settings = settings;
        this.gatherQuietNanos = settings.gatherQuiet().toNanos();
        this.gatherLimitNanos = settings.gatherLimit().toNanos();
        this.db = db;
        this.resources = resources;
        this.allHandles = allHandles;
        this.handles = handles;
        RocksTables.Reader reader = new RocksTables.Reader(db, handles, readOptions);
        byte[] floor = reader.get(Table.META, Keys.MESSAGE_ID_FLOOR);
        this.idFloor = floor == null ? 0 : Records.decodeLong(floor);
        this.lastMessageId = new AtomicLong(Math.max(StoreLogic.lastMessageId(reader), idFloor));
        if (settings.readOnly()) {
            writer = null;
            syncer = null;
            walSyncer = null;
            return;
        }
        // sync=always: the WalSyncer syncs behind the writer, so no write waits for the disk itself
        boolean pipelined = settings.sync() == SyncMode.ALWAYS && !SYNC_IN_WRITER;
        writeOptions.setSync(settings.sync() == SyncMode.ALWAYS && !pipelined);
        walSyncer = pipelined ? new WalSyncer(db::syncWal, this::failStore) : null;
        writer = new Thread(this::runWriter, "tern-storage-writer");
        writer.setDaemon(true);
        writer.start();
        if (settings.sync() == SyncMode.BATCH) {
            syncer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "tern-storage-sync");
                t.setDaemon(true);
                return t;
            });
            long micros = settings.syncInterval().toNanos() / 1000;
            syncer.scheduleWithFixedDelay(this::syncIfWritten, micros, micros, TimeUnit.MICROSECONDS);
        } else {
            syncer = null;
        }
    }

    /** Opens (creating if needed) the store in {@code dir} with the default settings and this sync mode. */
    public static RocksDbStorageEngine open(Path dir, SyncMode sync) {
        return open(dir, RocksDbSettings.DEFAULTS.withSync(sync));
    }

    /**
     * Opens (creating if needed) the store in {@code dir}. Blocking. Messages a crash left unreferenced are purged.
     *
     * @throws StorageLockedException when another broker (or this process) has the folder open
     * @throws StorageCorruptedException when the folder cannot be read as a store
     * @throws StorageException when the folder cannot be created or accessed
     */
    public static RocksDbStorageEngine open(Path dir, RocksDbSettings settings) {
        Path folder = dir.toAbsolutePath().normalize();
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new StorageException("Data folder " + folder + " is a file, not a folder. Point storage.dir"
                    + " (or --data) at a folder.", folder);
        }
        boolean existing = Files.exists(folder.resolve("CURRENT"));
        if (!existing && settings.readOnly()) {
            throw new StorageException("Data folder " + folder + " holds no Tern store.", folder);
        }
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new StorageException("Cannot create data folder " + folder + ": " + e, folder, e);
        }
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            LRUCache cache = new LRUCache(settings.blockCacheBytes());
            resources.add(cache);
            BloomFilter bloom = new BloomFilter(10);
            resources.add(bloom);
            DBOptions dbOptions = new DBOptions()
                    .setCreateIfMissing(true)
                    .setCreateMissingColumnFamilies(true)
                    .setUseFsync(false)
                    .setMaxBackgroundJobs(2)
                    .setBytesPerSync(1 << 20)
                    .setDbWriteBufferSize(settings.writeBufferBytes() * 4)
                    .setMaxTotalWalSize(settings.writeBufferBytes() * 4)
                    .setKeepLogFileNum(3)
                    .setMaxLogFileSize(4 << 20)
                    .setInfoLogLevel(InfoLogLevel.WARN_LEVEL);
            resources.add(dbOptions);

            List<String> names = new ArrayList<>();
            if (existing) {
                try (Options o = new Options()) {
                    for (byte[] n : RocksDB.listColumnFamilies(o, folder.toString())) {
                        names.add(new String(n, StandardCharsets.UTF_8));
                    }
                }
            }
            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            Map<String, Table> byName = new java.util.HashMap<>();
            for (Table t : Table.values()) {
                byName.put(t.id(), t);
                boolean busy = t == Table.MESSAGES || t == Table.QUEUES || t == Table.MESSAGE_REFS;
                ColumnFamilyOptions cf = columnFamilyOptions(settings, cache, bloom, busy);
                resources.add(cf);
                if (!settings.readOnly() || names.contains(t.id())) {
                    descriptors.add(new ColumnFamilyDescriptor(t.id().getBytes(StandardCharsets.UTF_8), cf));
                }
            }
            for (String n : names) { // tables of a later version: opened, left alone
                if (!byName.containsKey(n)) {
                    ColumnFamilyOptions cf = new ColumnFamilyOptions();
                    resources.add(cf);
                    descriptors.add(new ColumnFamilyDescriptor(n.getBytes(StandardCharsets.UTF_8), cf));
                }
            }
            List<ColumnFamilyHandle> allHandles = new ArrayList<>();
            RocksDB db = settings.readOnly()
                    ? RocksDB.openReadOnly(dbOptions, folder.toString(), descriptors, allHandles)
                    : RocksDB.open(dbOptions, folder.toString(), descriptors, allHandles);
            Map<Table, ColumnFamilyHandle> handles = new EnumMap<>(Table.class);
            for (ColumnFamilyHandle h : allHandles) {
                Table t = byName.get(new String(h.getName(), StandardCharsets.UTF_8));
                if (t != null) {
                    handles.put(t, h);
                }
            }
            if (handles.size() != Table.values().length) {
                closeQuietly(allHandles, db, resources);
                throw new StorageCorruptedException("Data folder " + folder + " lacks tables of a Tern store ("
                        + names + "). " + WHAT_TO_DO, folder, null);
            }
            try {
                checkFormatAndPurge(db, handles, folder, settings);
            } catch (RuntimeException e) {
                closeQuietly(allHandles, db, resources);
                throw e;
            } catch (RocksDBException e) {
                closeQuietly(allHandles, db, resources);
                throw translateOpenFailure(folder, e);
            }
            return new RocksDbStorageEngine(folder, settings, db, resources, allHandles, handles);
        } catch (RocksDBException e) {
            closeQuietly(List.of(), null, resources);
            throw translateOpenFailure(folder, e);
        }
    }

    private static final String WHAT_TO_DO = "Move the folder aside (the broker then starts with an empty store) or"
            + " restore it from a backup; keep the damaged copy to investigate.";

    private static ColumnFamilyOptions columnFamilyOptions(RocksDbSettings settings, LRUCache cache, BloomFilter bloom,
                                                           boolean busy) {
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(cache)
                .setFilterPolicy(bloom)
                .setCacheIndexAndFilterBlocks(true)
                .setPinL0FilterAndIndexBlocksInCache(true)
                .setBlockSize(16 << 10);
        return new ColumnFamilyOptions()
                .setTableFormatConfig(table)
                .setWriteBufferSize(busy ? settings.writeBufferBytes() : settings.writeBufferBytes() / 4)
                .setMaxWriteBufferNumber(3)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setLevelCompactionDynamicLevelBytes(true);
    }

    /**
     * The store format this version writes: 2 since queue entries may hold their message. Version 1 folders are
     * upgraded when opened for writing (nothing to convert).
     */
    static final long FORMAT_VERSION = 2;

    private static void checkFormatAndPurge(RocksDB db, Map<Table, ColumnFamilyHandle> handles, Path folder,
                                            RocksDbSettings settings) throws RocksDBException {
        ColumnFamilyHandle meta = handles.get(Table.META);
        byte[] format = db.get(meta, Keys.FORMAT_VERSION);
        long version = format == null || format.length != 8 ? -1 : Records.decodeLong(format);
        if (format != null && version != 1 && version != FORMAT_VERSION) {
            throw new StorageCorruptedException("Data folder " + folder + " was written by a Tern version whose store"
                    + " format this version cannot read. Use that version, or move the folder aside.", folder, null);
        }
        if (settings.readOnly()) {
            return;
        }
        try (ReadOptions ro = new ReadOptions(); WriteBatch wb = new WriteBatch();
             WriteOptions wo = new WriteOptions().setSync(true)) {
            RocksTables.GroupWriter kv = new RocksTables.GroupWriter(db, handles, ro);
            if (version != FORMAT_VERSION) {
                // version 1 folders are read as they are; from now on entries may hold their message, which an
                // older Tern would not read, so it is told (its check above) instead of failing on one entry
                kv.put(Table.META, Keys.FORMAT_VERSION, Records.encodeLong(FORMAT_VERSION));
            }
            StoreLogic.purgeUnreferenced(kv);
            if (kv.size() > 0) {
                kv.writeTo(wb);
                db.write(wo, wb);
            }
        }
    }

    static StorageException translateOpenFailure(Path folder, RocksDBException e) {
        String message = String.valueOf(e.getMessage());
        Status.Code code = e.getStatus() == null ? null : e.getStatus().getCode();
        if (message.contains("LOCK") || message.toLowerCase(java.util.Locale.ROOT).contains("lock hold")) {
            return new StorageLockedException("Data folder " + folder + " is in use: another Tern broker seems to be"
                    + " running with it (RocksDB: " + message + "). Stop that broker first, or give this one another"
                    + " data folder (--data DIR or storage.dir).", folder, e);
        }
        if (message.contains("Permission denied")) {
            return new StorageException("Tern cannot read or write its data folder " + folder + " (RocksDB: "
                    + message + "). Check the owner and permissions of the folder and its files.", folder, e);
        }
        if (message.contains("No space left")) {
            return new StorageException("The disk of data folder " + folder + " is full (RocksDB: " + message
                    + "). Free space and start again.", folder, e);
        }
        return new StorageCorruptedException("Data folder " + folder + " cannot be opened as a Tern store: it looks"
                + " damaged or holds files that are not Tern's (RocksDB " + (code == null ? "" : code + ": ")
                + message + "). " + WHAT_TO_DO, folder, e);
    }

    private static void closeQuietly(List<ColumnFamilyHandle> handles, RocksDB db, List<AutoCloseable> resources) {
        for (ColumnFamilyHandle h : handles) {
            h.close();
        }
        if (db != null) {
            db.close();
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception ignored) {
                // closing native option objects does not fail
            }
        }
    }

    // ---- the SPI ----

    @Override
    public String describe() {
        return "rocksdb at " + dir + " (sync " + settings.sync().name().toLowerCase(java.util.Locale.ROOT)
                + (settings.sync() == SyncMode.BATCH ? " every " + settings.syncInterval().toMillis() + " ms" : "")
                + (settings.readOnly() ? ", read-only" : "") + ")";
    }

    /** The data folder. */
    public Path dataDir() {
        return dir;
    }

    /** Writes the writer made (each one write and, in {@code always} mode, one sync), for measurements. */
    /** Mutations skipped because they cancelled out within their write group. */
    public long elidedWrites() {
        return elidedWrites.get();
    }

    public long groupsWritten() {
        return groupsWritten.get();
    }

    /** Batches those writes carried: {@code batchesWritten / groupsWritten} is the mean group size. */
    public long batchesWritten() {
        return batchesWritten.get();
    }

    @Override
    public SyncMode syncMode() {
        return settings.sync();
    }

    @Override
    public long nextMessageId() {
        return lastMessageId.incrementAndGet();
    }

    @Override
    public CompletableFuture<Void> commit(StorageBatch batch) {
        if (batch.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> future = new CompletableFuture<>();
        submit(new Commit(batch, future));
        return future;
    }

    @Override
    public CompletableFuture<List<QueuedMessage>> readQueue(String clientId, long afterSeq, int limit) {
        return read(kv -> StoreLogic.readQueue(kv, clientId, afterSeq, limit));
    }

    @Override
    public CompletableFuture<QueueSummary> queueSummary(String clientId) {
        return read(kv -> StoreLogic.queueSummary(kv, clientId));
    }

    @Override
    public CompletableFuture<Optional<StoredMessage>> readMessage(long messageId) {
        return read(kv -> StoreLogic.readMessage(kv, messageId));
    }

    @Override
    public CompletableFuture<List<String>> findExpiredSessions(long nowMillis, int limit) {
        return read(kv -> StoreLogic.findExpiredSessions(kv, nowMillis, limit));
    }

    @Override
    public CompletableFuture<ExpiredMessages> purgeExpiredMessages(long nowMillis, int limit) {
        CompletableFuture<ExpiredMessages> future = new CompletableFuture<>();
        submit(new Work<>(kv -> StoreLogic.purgeExpiredMessages(kv, nowMillis, limit), future));
        return future;
    }

    private <T> CompletableFuture<T> read(Function<KeyValueReader, T> read) {
        CompletableFuture<T> future = new CompletableFuture<>();
        if (settings.readOnly()) { // no writer: nothing to order after
            try {
                future.complete(read.apply(new RocksTables.Reader(db, handles, readOptions)));
            } catch (RuntimeException e) {
                future.completeExceptionally(failed("read", e));
            }
            return future;
        }
        submit(new Read<>(read, future));
        return future;
    }

    private void submit(Task task) {
        StorageException f = failure;
        if (f != null) {
            task.fail(f);
            return;
        }
        if (closing || settings.readOnly()) {
            task.fail(new StorageException("The store in " + dir + " is " + (closing ? "closed" : "read-only"), dir));
            return;
        }
        tasks.offer(task);
        if (writerParked) {
            LockSupport.unpark(writer);
        }
        if (closing && tasks.remove(task)) { // raced with close(): nobody may take it any more
            task.fail(new StorageException("The store in " + dir + " is closed", dir));
        }
    }

    // ---- startup iteration: on the caller's thread, at a snapshot ----

    @Override
    public void forEachSession(Consumer<SessionRecord> consumer) {
        atSnapshot(kv -> StoreLogic.forEachSession(kv, consumer));
    }

    @Override
    public void forEachSubscription(Consumer<SubscriptionRecord> consumer) {
        atSnapshot(kv -> StoreLogic.forEachSubscription(kv, consumer));
    }

    @Override
    public void forEachRetained(Consumer<RetainedMessage> consumer) {
        atSnapshot(kv -> StoreLogic.forEachRetained(kv, consumer));
    }

    @Override
    public void forEachInboundPacketId(Consumer<InboundPacketId> consumer) {
        atSnapshot(kv -> StoreLogic.forEachInboundPacketId(kv, consumer));
    }

    @Override
    public void forEachPendingWill(Consumer<PendingWill> consumer) {
        atSnapshot(kv -> StoreLogic.forEachPendingWill(kv, consumer));
    }

    @Override
    public StorageStats stats() {
        long disk = diskBytes();
        StorageStats[] stats = new StorageStats[1];
        atSnapshot(kv -> stats[0] = StoreLogic.stats(kv, disk));
        return stats[0];
    }

    /** Files on disk, and RocksDB's own estimates of live data and of its memtables and block cache. */
    @Override
    public synchronized StorageSize size() {
        // under the monitor close() takes to mark the store closed: the native handles are not freed meanwhile
        if (closed) {
            return StorageSize.NONE;
        }
        try {
            long live = db.getAggregatedLongProperty("rocksdb.estimate-live-data-size");
            long memtables = db.getAggregatedLongProperty("rocksdb.cur-size-all-mem-tables");
            // one cache shared by every column family: read it once, not summed over them
            long cache = db.getLongProperty("rocksdb.block-cache-usage");
            return new StorageSize(diskBytes(), live, memtables + cache);
        } catch (RocksDBException | StorageException e) {
            return StorageSize.NONE;
        }
    }

    private long diskBytes() {
        long[] disk = {0};
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(p -> {
                try {
                    disk[0] += Files.isRegularFile(p) ? Files.size(p) : 0;
                } catch (IOException ignored) {
                    // a file removed by compaction while we count
                }
            });
        } catch (IOException e) {
            throw new StorageException("Cannot list data folder " + dir + ": " + e, dir, e);
        }
        return disk[0];
    }

    private void atSnapshot(Consumer<KeyValueReader> read) {
        checkOpen();
        Snapshot snapshot = db.getSnapshot();
        try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot)) {
            read.accept(new RocksTables.Reader(db, handles, ro));
        } catch (RocksTables.RocksFailure e) {
            throw failed("read", e);
        } catch (Records.CorruptRecordException e) {
            throw new StorageCorruptedException("Data folder " + dir + " holds a record this version cannot read: "
                    + e.getMessage() + ". " + WHAT_TO_DO, dir, e);
        } finally {
            db.releaseSnapshot(snapshot);
        }
    }

    private void checkOpen() {
        synchronized (this) {
            if (closed) {
                throw new StorageException("The store in " + dir + " is closed", dir);
            }
        }
    }

    // ---- the writer thread ----

    /**
     * {@code -Dtern.storage.sync-in-writer=true}: with sync=always, each write syncs on the writer thread (the design
     * before {@link WalSyncer}; it halved the throughput of QoS 1 fan-in into a persistent session), for comparison.
     */
    private static final boolean SYNC_IN_WRITER = Boolean.getBoolean("tern.storage.sync-in-writer");

    /**
     * Takes committed batches into a group and writes it when nothing in it can cancel out any more. The batches
     * before the first one with open queue entries (see {@link Commit}) are written (or, all cancelled out,
     * completed) as soon as they are settled, so an acknowledgement waits for its own subscribers, not for the
     * whole group's.
     */
    private void runWriter() {
        List<Commit> group = new ArrayList<>();
        while (true) {
            Task task = tasks.poll();
            if (task instanceof Commit c) {
                c.taken = System.nanoTime();
                group.add(c);
                if (group.size() < MAX_GROUP) {
                    continue;
                }
            }
            if (!group.isEmpty()) {
                if (task == null && group.size() < MAX_GROUP && gather(group)) {
                    continue; // a new batch, or more of the group settled
                }
                writeGroup(group);
                group.clear();
            }
            if (task == null) {
                writerParked = true;
                if (tasks.isEmpty()) {
                    LockSupport.park(this);
                }
                writerParked = false;
            } else if (task instanceof Read<?> r) {
                runRead(r);
            } else if (task instanceof Work<?> w) {
                runWork(w);
            } else if (task instanceof Close c) {
                c.future().complete(null);
                return;
            }
        }
    }

    /**
     * Writes the settled front of {@code group} (everything before its first batch with open queue entries), then
     * waits for that batch to settle, for a new batch, or for the time limits ({@link RocksDbSettings#gatherQuiet},
     * {@link RocksDbSettings#gatherLimit}). Returns true to go on gathering, false to write the whole group now:
     * nothing in it can cancel out any more, or its time is up.
     */
    private boolean gather(List<Commit> group) {
        if (gatherQuietNanos == 0) {
            return false;
        }
        int settled = 0;
        while (settled < group.size() && group.get(settled).settled()) {
            settled++;
        }
        if (settled == group.size()) {
            return false;
        }
        Commit head = group.get(settled);
        if (settled > 0) {
            List<Commit> ready = group.subList(0, settled);
            writeGroup(ready);
            ready.clear();
        }
        long now = System.nanoTime();
        long limitLeft = head.taken + gatherLimitNanos - now;
        long deadline = now + Math.min(gatherQuietNanos, limitLeft);
        gatheringOn = head;
        for (long left = deadline - now; left > 0 && !head.settled() && tasks.isEmpty();
                left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
        gatheringOn = null;
        // new batches do not extend the wait of one whose time is up
        return head.settled() || (!tasks.isEmpty() && System.nanoTime() - (head.taken + gatherLimitNanos) < 0);
    }

    private void writeGroup(List<Commit> group) {
        StorageException f = failure;
        if (f != null) {
            group.forEach(c -> c.fail(f));
            return;
        }
        List<Commit> applied = new ArrayList<>(group.size());
        // a queue entry put and removed within the group (delivered and acknowledged before this write) and the
        // message only it referenced cancel out: nothing of them is written
        List<dev.tern.spi.storage.StorageBatch> batches = new ArrayList<>(group.size());
        for (Commit c : group) {
            batches.add(c.batch());
        }
        java.util.Set<Mutation> cancelled = dev.tern.storage.kv.WriteElision.cancelled(batches);
        if (!cancelled.isEmpty()) {
            elidedWrites.addAndGet(cancelled.size());
        }
        boolean wrote = false;
        try (WriteBatch wb = new WriteBatch()) {
            RocksTables.GroupWriter kv = new RocksTables.GroupWriter(db, handles, readOptions, recentWrites);
            for (Commit c : group) {
                kv.setSavePoint();
                try {
                    for (Mutation m : c.batch().mutations()) {
                        if (!cancelled.isEmpty() && cancelled.contains(m)) {
                            continue;
                        }
                        StoreLogic.apply(kv, m);
                    }
                    applied.add(c);
                } catch (RocksTables.RocksFailure e) {
                    throw e.rocks();
                } catch (RuntimeException e) {
                    kv.rollbackToSavePoint();
                    c.future().completeExceptionally(new StorageException("Batch rejected, nothing of it applied: "
                            + e.getMessage(), dir, e));
                }
            }
            if (kv.size() > 0) {
                writeOut(kv, wb);
                wrote = true;
                groupsWritten.incrementAndGet();
                batchesWritten.addAndGet(applied.size());
            }
        } catch (RocksDBException | RuntimeException e) {
            StorageException failed = failed("write", e);
            failure = failed;
            group.forEach(c -> c.fail(failed));
            return;
        }
        if (walSyncer != null) {
            List<CompletableFuture<Void>> futures = new ArrayList<>(applied.size());
            for (Commit c : applied) {
                futures.add(c.future());
            }
            walSyncer.written(futures, wrote);
        } else {
            for (Commit c : applied) {
                c.future().complete(null);
            }
        }
    }

    /** Writes what {@code kv} gathered, with the id floor moved up first if the ids handed out have reached it. */
    private void writeOut(RocksTables.GroupWriter kv, WriteBatch wb) throws RocksDBException {
        long allocated = lastMessageId.get();
        if (allocated >= idFloor) {
            // every id this write holds was handed out before now: after a restart, ids start above them
            idFloor = allocated + ID_FLOOR_STEP;
            kv.put(Table.META, Keys.MESSAGE_ID_FLOOR, Records.encodeLong(idFloor));
        }
        kv.writeTo(wb);
        db.write(writeOptions, wb);
        kv.written();
        if (settings.sync() == SyncMode.BATCH) {
            unsynced.set(true);
        }
    }

    private <T> void runRead(Read<T> r) {
        StorageException f = failure;
        if (f != null) {
            r.fail(f);
            return;
        }
        try {
            r.future().complete(r.read().apply(new RocksTables.Reader(db, handles, readOptions)));
        } catch (RuntimeException e) {
            r.future().completeExceptionally(failed("read", e));
        }
    }

    private <T> void runWork(Work<T> w) {
        StorageException f = failure;
        if (f != null) {
            w.fail(f);
            return;
        }
        T result;
        boolean wrote = false;
        try (WriteBatch wb = new WriteBatch()) {
            RocksTables.GroupWriter kv = new RocksTables.GroupWriter(db, handles, readOptions, recentWrites);
            result = w.work().apply(kv);
            if (kv.size() > 0) {
                writeOut(kv, wb);
                wrote = true;
            }
        } catch (RocksDBException | RuntimeException e) {
            w.future().completeExceptionally(failed("write", e));
            return;
        }
        if (walSyncer != null) {
            // durable, as every commit in this mode, before it completes
            CompletableFuture<Void> synced = new CompletableFuture<>();
            T done = result;
            synced.whenComplete((v, e) -> {
                if (e == null) {
                    w.future().complete(done);
                } else {
                    w.future().completeExceptionally(e);
                }
            });
            walSyncer.written(List.of(synced), wrote);
        } else {
            w.future().complete(result);
        }
    }

    private void syncIfWritten() {
        if (unsynced.getAndSet(false) && failure == null) {
            try {
                db.syncWal();
            } catch (RocksDBException e) {
                failure = failed("sync", e);
            }
        }
    }

    /** A failure after which the store takes no more work (a failed sync: what the log holds is unknown). */
    private StorageException failStore(Throwable e) {
        StorageException f = failed("sync", e);
        failure = f;
        return f;
    }

    private StorageException failed(String what, Throwable e) {
        Throwable cause = e instanceof RocksTables.RocksFailure r ? r.rocks() : e;
        if (cause instanceof Records.CorruptRecordException) {
            return new StorageCorruptedException("Data folder " + dir + " holds a record this version cannot read: "
                    + cause.getMessage() + ". " + WHAT_TO_DO, dir, cause);
        }
        return new StorageException("Storage " + what + " failed in data folder " + dir + ": " + cause.getMessage(),
                dir, cause);
    }

    /**
     * Completes what was committed, syncs the log whatever the mode, and closes the database (releasing the folder's
     * lock). Blocking; idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (writer != null) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            tasks.offer(new Close(done));
            closing = true;
            LockSupport.unpark(writer);
            boolean interrupted = false;
            while (writer.isAlive()) {
                try {
                    writer.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (walSyncer != null) {
                walSyncer.stop(); // syncs and completes the groups the writer wrote last
            }
            StorageException closedError = new StorageException("The store in " + dir + " is closed", dir);
            for (Task t; (t = tasks.poll()) != null; ) {
                t.fail(closedError);
            }
            if (syncer != null) {
                syncer.shutdownNow();
            }
            if (failure == null) {
                try {
                    db.syncWal();
                } catch (RocksDBException ignored) {
                    // closing anyway; the log is flushed by close
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        readOptions.close();
        writeOptions.close();
        closeQuietly(allHandles, db, resources);
    }

    @Override
    public String toString() {
        return describe();
    }
}
