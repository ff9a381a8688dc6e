package dev.tern.storage;

import dev.tern.spi.storage.ExpiredMessages;
import dev.tern.spi.storage.InboundPacketId;
import dev.tern.spi.storage.Mutation;
import dev.tern.spi.storage.PendingWill;
import dev.tern.spi.storage.QueueSummary;
import dev.tern.spi.storage.QueuedMessage;
import dev.tern.spi.storage.RetainedMessage;
import dev.tern.spi.storage.SessionRecord;
import dev.tern.spi.storage.StorageBatch;
import dev.tern.spi.storage.StorageEngine;
import dev.tern.spi.storage.StorageException;
import dev.tern.spi.storage.StorageStats;
import dev.tern.spi.storage.StoredMessage;
import dev.tern.spi.storage.SubscriptionRecord;
import dev.tern.spi.storage.SyncMode;
import dev.tern.storage.kv.KeyValueWriter;
import dev.tern.storage.kv.StoreLogic;
import dev.tern.storage.kv.Table;
import dev.tern.storage.kv.WriteElision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A store in the heap ({@code storage.engine: memory}, {@code --in-memory}): nothing survives the process. Same
 * tables and logic as the durable engines (see {@link dev.tern.storage.kv}).
 *
 * <p>Threads: every operation runs at once on the caller's thread inside one short critical section (no I/O), so
 * futures are already complete when returned and batches apply in the order their commits took the lock. Its
 * {@link #syncMode()} is {@link SyncMode#NONE}: there is nothing to sync.
 */
public final class MemoryStorageEngine implements StorageEngine {
    private final Object lock = new Object();
    private final Map<Table, TreeMap<byte[], byte[]>> tables = new EnumMap<>(Table.class);
    private final UndoableWriter writer = new UndoableWriter();
    private final AtomicLong lastMessageId = new AtomicLong();
    private boolean closed;

    public MemoryStorageEngine() {
        for (Table t : Table.values()) {
            tables.put(t, new TreeMap<>(Arrays::compareUnsigned));
        }
    }

    @Override
    public String describe() {
        return "memory (nothing survives a restart)";
    }

    @Override
    public SyncMode syncMode() {
        return SyncMode.NONE;
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
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(closedException());
            }
            writer.begin();
            try {
                // withdrawn queue entries, and a message only they referenced, are not applied
                Set<Mutation> cancelled = WriteElision.cancelled(List.of(batch));
                for (Mutation m : batch.mutations()) {
                    if (!cancelled.contains(m)) {
                        StoreLogic.apply(writer, m);
                    }
                }
            } catch (RuntimeException e) {
                writer.rollback();
                return CompletableFuture.failedFuture(
                        new StorageException("batch rejected, nothing of it applied: " + e.getMessage(), null, e));
            }
            return CompletableFuture.completedFuture(null);
        }
    }

    @Override
    public CompletableFuture<List<QueuedMessage>> readQueue(String clientId, long afterSeq, int limit) {
        return read(() -> StoreLogic.readQueue(writer, clientId, afterSeq, limit));
    }

    @Override
    public CompletableFuture<QueueSummary> queueSummary(String clientId) {
        return read(() -> StoreLogic.queueSummary(writer, clientId));
    }

    @Override
    public CompletableFuture<Optional<StoredMessage>> readMessage(long messageId) {
        return read(() -> StoreLogic.readMessage(writer, messageId));
    }

    @Override
    public CompletableFuture<List<String>> findExpiredSessions(long nowMillis, int limit) {
        return read(() -> StoreLogic.findExpiredSessions(writer, nowMillis, limit));
    }

    @Override
    public CompletableFuture<ExpiredMessages> purgeExpiredMessages(long nowMillis, int limit) {
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(closedException());
            }
            writer.begin();
            try {
                return CompletableFuture.completedFuture(StoreLogic.purgeExpiredMessages(writer, nowMillis, limit));
            } catch (RuntimeException e) {
                writer.rollback();
                return CompletableFuture.failedFuture(new StorageException("purge failed: " + e.getMessage(), null, e));
            }
        }
    }

    private <T> CompletableFuture<T> read(Supplier<T> read) {
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(closedException());
            }
            try {
                return CompletableFuture.completedFuture(read.get());
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(new StorageException("read failed: " + e.getMessage(), null, e));
            }
        }
    }

    @Override
    public void forEachSession(Consumer<SessionRecord> consumer) {
        synchronized (lock) {
            StoreLogic.forEachSession(writer, consumer);
        }
    }

    @Override
    public void forEachSubscription(Consumer<SubscriptionRecord> consumer) {
        synchronized (lock) {
            StoreLogic.forEachSubscription(writer, consumer);
        }
    }

    @Override
    public void forEachRetained(Consumer<RetainedMessage> consumer) {
        synchronized (lock) {
            StoreLogic.forEachRetained(writer, consumer);
        }
    }

    @Override
    public void forEachInboundPacketId(Consumer<InboundPacketId> consumer) {
        synchronized (lock) {
            StoreLogic.forEachInboundPacketId(writer, consumer);
        }
    }

    @Override
    public void forEachPendingWill(Consumer<PendingWill> consumer) {
        synchronized (lock) {
            StoreLogic.forEachPendingWill(writer, consumer);
        }
    }

    @Override
    public StorageStats stats() {
        synchronized (lock) {
            return StoreLogic.stats(writer, 0);
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
        }
    }

    private static StorageException closedException() {
        return new StorageException("the memory store is closed", null);
    }

    /** The tables, with an undo log so that a rejected batch leaves no trace. Used under {@link #lock} only. */
    private final class UndoableWriter implements KeyValueWriter {
        private record Undo(Table table, byte[] key, byte[] previous) {
        }

        private final List<Undo> undo = new ArrayList<>();

        void begin() {
            undo.clear();
        }

        void rollback() {
            for (int i = undo.size() - 1; i >= 0; i--) {
                Undo u = undo.get(i);
                if (u.previous == null) {
                    tables.get(u.table).remove(u.key);
                } else {
                    tables.get(u.table).put(u.key, u.previous);
                }
            }
            undo.clear();
        }

        @Override
        public byte[] get(Table table, byte[] key) {
            return tables.get(table).get(key);
        }

        @Override
        public void scan(Table table, byte[] prefix, byte[] from, EntryVisitor visitor) {
            for (Map.Entry<byte[], byte[]> e : tables.get(table).tailMap(from, true).entrySet()) {
                if (!startsWith(e.getKey(), prefix) || !visitor.visit(e.getKey(), e.getValue())) {
                    return;
                }
            }
        }

        @Override
        public byte[] lastKey(Table table) {
            TreeMap<byte[], byte[]> t = tables.get(table);
            return t.isEmpty() ? null : t.lastKey();
        }

        @Override
        public void put(Table table, byte[] key, byte[] value) {
            undo.add(new Undo(table, key, tables.get(table).put(key, value)));
        }

        @Override
        public void delete(Table table, byte[] key) {
            byte[] previous = tables.get(table).remove(key);
            if (previous != null) {
                undo.add(new Undo(table, key, previous));
            }
        }
    }

    static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }
}
