package dev.tern.spi.storage;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A broker's durable state: sessions, subscriptions, per-session queues of message references, inbound QoS 2
 * packet ids, retained messages and pending wills (see the package documentation for the model and reference
 * counting).
 *
 * <h2>Threads</h2>
 * <ul>
 *   <li><b>Shard threads</b> (and any other thread) may call {@link #commit}, {@link #readQueue},
 *       {@link #queueSummary}, {@link #readMessage}, {@link #findExpiredSessions}, {@link #purgeExpiredMessages} and
 *       {@link #nextMessageId}. None of them blocks on I/O: each hands its work to the store and returns a future
 *       (a memory store may do the work at once, in a short critical section without I/O, and return a completed
 *       future).</li>
 *   <li><b>Futures complete on the store's own thread</b> (or, for a memory store, on the caller's). A callback must
 *       not do the core's work there: hand it back to the owning shard as a command (e.g.
 *       {@code commit(b).whenComplete((v, e) -> shard.submit(new BatchDurable(...)))}).</li>
 *   <li><b>Blocking</b>: opening (the implementation's factory), {@link #close}, {@link #stats()} and the startup
 *       iterations {@code forEach*}. Call them from the startup/shutdown thread or a tool, never from a shard or I/O
 *       thread. The iterations stream records to the consumer one by one (they never hold the whole store in the
 *       heap) and see a consistent snapshot; they are meant for startup, before shards commit, but are safe
 *       at any time.</li>
 * </ul>
 *
 * <h2>Ordering</h2>
 * Batches apply in the order their {@code commit} calls happened (for calls ordered by happens-before, e.g. from one
 * shard, or a shard that commits after receiving a command sent after another shard's commit). Reads
 * ({@link #readQueue}, {@link #queueSummary}, {@link #readMessage}, {@link #findExpiredSessions}) see every batch
 * committed before the read was called, whether or not its future has completed yet.
 *
 * <h2>Durability</h2>
 * A batch's future completes once the batch is applied and durable as the {@link SyncMode} says:
 * {@link SyncMode#ALWAYS} after the write-ahead log is synced (concurrent batches share one sync: group commit),
 * {@link SyncMode#BATCH} once written, synced within the configured interval, {@link SyncMode#NONE} once written.
 * So the core sends PUBACK / PUBREC for a QoS 1/2 PUBLISH, and SUBACK for a SUBSCRIBE, only when the batch holding
 * them has completed. A future completes exceptionally with a {@link StorageException} when the batch was not
 * applied (nothing of it is) — for an invalid batch (a reference to a message that is not stored) with an
 * {@link IllegalStateException} cause, and when the store itself failed (disk full, I/O error), after which the
 * broker should stop.
 */
public interface StorageEngine extends AutoCloseable {

    /** What and where, for logs: e.g. {@code rocksdb at /var/lib/tern (sync always)}. */
    String describe();

    /** The sync mode this store was opened with. */
    SyncMode syncMode();

    /**
     * Allocates a message id: positive, unique, never reused, increasing. Thread-safe and lock-free; ids allocated
     * but not stored are simply skipped.
     */
    long nextMessageId();

    /**
     * Applies a batch atomically; the future completes when it is durable per {@link #syncMode()}. An empty batch
     * completes at once. Never blocks.
     */
    CompletableFuture<Void> commit(StorageBatch batch);

    /**
     * Reads a page of a session's queue: up to {@code limit} entries with a sequence number above {@code afterSeq},
     * in sequence order, each with its message. Start with {@code afterSeq = 0}; page on with the last seq read.
     */
    CompletableFuture<List<QueuedMessage>> readQueue(String clientId, long afterSeq, int limit);

    /** The length, bytes and bounds of a session's queue, without reading the messages. */
    CompletableFuture<QueueSummary> queueSummary(String clientId);

    /** A stored message by id (e.g. to load a retained payload on demand). */
    CompletableFuture<Optional<StoredMessage>> readMessage(long messageId);

    /**
     * Client ids of disconnected sessions whose {@link SessionRecord#expiresAtMillis()} is at or before
     * {@code nowMillis}, earliest first, at most {@code limit}; found through an index ordered by expiry time, not
     * by a scan. The store deletes nothing: the core deletes each on its shard ({@link Mutation.DeleteSession}),
     * which also publishes its will.
     */
    CompletableFuture<List<String>> findExpiredSessions(long nowMillis, int limit);

    /**
     * Removes up to {@code limit} messages whose expiry time is at or before {@code nowMillis} (found through an
     * index ordered by expiry time): the queued entries that reference them and their retained slots. Entries
     * already sent (inflight or released) keep their message until they are acknowledged. Returns what was removed,
     * so shards can drop their in-memory copies; applied and durable like a committed batch.
     */
    CompletableFuture<ExpiredMessages> purgeExpiredMessages(long nowMillis, int limit);

    /** Streams every session. Blocking; see the class documentation. */
    void forEachSession(Consumer<SessionRecord> consumer);

    /** Streams every subscription. Blocking. */
    void forEachSubscription(Consumer<SubscriptionRecord> consumer);

    /** Streams every retained message, in topic order (UTF-8 byte order). Blocking. */
    void forEachRetained(Consumer<RetainedMessage> consumer);

    /** Streams every inbound QoS 2 packet id awaiting PUBREL. Blocking. */
    void forEachInboundPacketId(Consumer<InboundPacketId> consumer);

    /** Streams every pending will. Blocking. */
    void forEachPendingWill(Consumer<PendingWill> consumer);

    /** Counts what the store holds. Blocking, scans: for tools and tests. */
    StorageStats stats();

    /** The store's size without scanning it, for metrics; any thread. */
    default StorageSize size() {
        return StorageSize.NONE;
    }

    /**
     * Completes the batches committed so far, makes them durable whatever the sync mode, and releases the store
     * (files, lock). Batches committed after close fail. Blocking; idempotent.
     */
    @Override
    void close();
}
