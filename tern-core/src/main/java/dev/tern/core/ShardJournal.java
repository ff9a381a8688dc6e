package dev.tern.core;

import dev.tern.spi.storage.Mutation;
import dev.tern.spi.storage.StorageBatch;
import dev.tern.spi.storage.StorageEngine;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one shard has changed in the durable store and not yet committed. Owned by the shard's thread: handlers add
 * mutations while they work, and the batch goes to the store at the end of the operation that needs it durable
 * ({@link #flush()}), or at the latest in a task queued behind the current one, so one drain of the shard's work
 * becomes one batch (the store groups the batches of all shards into one write and one sync).
 *
 * <p>Ordering: batches of one shard apply in order; a batch flushed before a command is handed to another shard
 * applies before anything that shard commits afterwards (see {@link StorageEngine}).
 */
final class ShardJournal {
    private static final Logger LOG = LoggerFactory.getLogger(ShardJournal.class);
    private static final LogLimiter FAILURE_LOG = new LogLimiter(10);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final StorageEngine engine;
    private final Shard shard;
    private StorageBatch batch = new StorageBatch();
    /** Run on the shard once the current batch is durable; with the failure, or null. */
    private final List<Consumer<Throwable>> afterDurable = new ArrayList<>();
    /** Callbacks waiting for committed batches, in commit order. Shard thread. */
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    /** Size of {@link #waiters}, for the store's thread to tell whether a completed batch concerns anyone. */
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicBoolean drainQueued = new AtomicBoolean();
    private final Runnable drainTask = this::drain;
    private final BiConsumer<Void, Throwable> batchDone = (v, e) -> onBatchDone(e);
    private CompletableFuture<Void> last = DONE;
    private boolean flushQueued;
    /** The last message put in the current batch, so that a fan-out does not put it once per session. */
    private long lastPut;
    private long added;
    private final Runnable flushTask = () -> {
        flushQueued = false;
        flush();
    };

    ShardJournal(StorageEngine engine, Shard shard) {
        this.engine = engine;
        this.shard = shard;
    }

    StorageEngine engine() {
        return engine;
    }

    long nextMessageId() {
        return engine.nextMessageId();
    }

    void add(Mutation m) {
        added++;
        batch.add(m);
        if (!flushQueued) {
            flushQueued = true;
            shard.submit(flushTask);
        }
    }

    /** Puts the message into this batch unless it is known to be stored already. Returns its id. */
    long reference(Message m) {
        boolean isNew = false;
        if (m.storageId() == 0) {
            // an id allocated here is new to the store, unless the message was visible elsewhere before this batch:
            // a retained one is (the retained store holds it before routing), an ordinary one is not
            isNew = m.claimStorageId(engine.nextMessageId()) && !m.retain();
        }
        long id = m.storageId();
        if (!m.storedBeforeRouting()) {
            put(m, id, isNew);
        }
        return id;
    }

    /**
     * Gives the message a store id if it has none yet, without putting it (a queue entry will hold it). False when it
     * had one: it may be stored, or referenced elsewhere, already.
     */
    boolean claimNewId(Message m) {
        return m.storageId() == 0 && !m.retain() && m.claimStorageId(engine.nextMessageId());
    }

    /** Puts the message into this batch even if it was stored (it may have been deleted since: retained copies). */
    long putAgain(Message m) {
        long id = m.storageId(engine::nextMessageId);
        put(m, id, false);
        return id;
    }

    private void put(Message m, long id, boolean isNew) {
        if (lastPut != id) {
            lastPut = id;
            add(new Mutation.PutMessage(StoredForms.toStored(m, id), isNew));
        }
    }

    boolean isEmpty() {
        return batch.isEmpty();
    }

    /** Mutations journaled since the shard started: what a task added is the difference across it. */
    long added() {
        return added;
    }

    /**
     * Runs {@code callback} on the shard once everything journaled so far is durable (at once when nothing is
     * pending). The callback gets the store's failure, or null. What is journaled is committed at the latest in a
     * task queued behind the current one.
     */
    void afterDurable(Consumer<Throwable> callback) {
        if (batch.isEmpty() && last.isDone() && waiters.isEmpty() && afterDurable.isEmpty()) {
            callback.accept(failureOf(last));
            return;
        }
        afterDurable.add(callback);
        if (!flushQueued) {
            flushQueued = true;
            shard.submit(flushTask);
        }
    }

    /**
     * Commits what was journaled now, and runs {@code callback} on the shard once it and everything before it is
     * durable (at once when nothing is pending).
     */
    void flushThen(Consumer<Throwable> callback) {
        if (batch.isEmpty() && last.isDone() && waiters.isEmpty() && afterDurable.isEmpty()) {
            callback.accept(failureOf(last));
            return;
        }
        afterDurable.add(callback);
        flush();
    }

    /**
     * Commits what was journaled. Returns a future that completes (on the store's thread) when it, and everything
     * this shard committed before, is durable.
     */
    CompletableFuture<Void> flush() {
        if (batch.isEmpty()) {
            waitFor(last);
            return last.isDone() ? DONE : last;
        }
        StorageBatch committing = batch;
        batch = new StorageBatch();
        lastPut = 0;
        CompletableFuture<Void> f = engine.commit(committing);
        last = f;
        f.whenComplete(batchDone);
        waitFor(f);
        return f;
    }

    /** The callbacks journaled so far wait for {@code f}, in the order they came. */
    private void waitFor(CompletableFuture<Void> f) {
        if (afterDurable.isEmpty()) {
            return;
        }
        for (Consumer<Throwable> c : afterDurable) {
            waiters.addLast(new Waiter(f, c));
        }
        waiting.addAndGet(afterDurable.size());
        afterDurable.clear();
        if (f.isDone()) {
            // its completion may have looked for waiters before these were added
            requestDrain();
        }
    }

    /** A batch of this shard is durable (or failed). The store's thread. */
    private void onBatchDone(Throwable e) {
        if (e != null && FAILURE_LOG.allow()) {
            LOG.error("storage: a batch of shard {} was not stored: {}{}", shard.index, e.getMessage(),
                    FAILURE_LOG.suppressedNote());
        }
        if (waiting.get() > 0) {
            requestDrain();
        }
    }

    /**
     * One task on the shard for all the batches that became durable since the last one, however many: the store
     * completes a whole group of batches at once, and each would otherwise wake the shard on its own.
     */
    private void requestDrain() {
        if (drainQueued.compareAndSet(false, true)) {
            try {
                shard.submit(drainTask);
            } catch (RejectedExecutionException closing) {
                // the broker is stopping; the connections these callbacks would answer are gone
            }
        }
    }

    /** Runs, in commit order, the callbacks whose batches are durable. On the shard. */
    private void drain() {
        drainQueued.set(false);
        for (Waiter w; (w = waiters.peekFirst()) != null && w.batch().isDone(); ) {
            waiters.pollFirst();
            waiting.decrementAndGet();
            w.callback().accept(failureOf(w.batch()));
        }
    }

    private static Throwable failureOf(CompletableFuture<Void> f) {
        if (!f.isCompletedExceptionally()) {
            return null;
        }
        try {
            f.join();
            return null;
        } catch (RuntimeException e) {
            return e.getCause() != null ? e.getCause() : e;
        }
    }

    private record Waiter(CompletableFuture<Void> batch, Consumer<Throwable> callback) {
    }
}
