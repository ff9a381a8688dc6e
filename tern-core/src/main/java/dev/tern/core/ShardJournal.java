package dev.tern.core;

import dev.tern.spi.storage.Mutation;
import dev.tern.spi.storage.StorageBatch;
import dev.tern.spi.storage.StorageEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
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
    private List<Consumer<Throwable>> afterDurable = new ArrayList<>();
    private CompletableFuture<Void> last = DONE;
    private boolean flushQueued;
    /** The last message put in the current batch, so that a fan-out does not put it once per session. */
    private long lastPut;
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
        batch.add(m);
        if (!flushQueued) {
            flushQueued = true;
            shard.submit(flushTask);
        }
    }

    /** Puts the message into this batch unless it is known to be stored already. Returns its id. */
    long reference(Message m) {
        long id = m.storageId(engine::nextMessageId);
        if (!m.storedBeforeRouting()) {
            put(m, id);
        }
        return id;
    }

    /** Puts the message into this batch even if it was stored (it may have been deleted since: retained copies). */
    long putAgain(Message m) {
        long id = m.storageId(engine::nextMessageId);
        put(m, id);
        return id;
    }

    private void put(Message m, long id) {
        if (lastPut != id) {
            lastPut = id;
            add(new Mutation.PutMessage(StoredForms.toStored(m, id)));
        }
    }

    boolean isEmpty() {
        return batch.isEmpty();
    }

    /**
     * Runs {@code callback} on the shard once everything journaled so far is durable (at once when nothing is
     * pending). The callback gets the store's failure, or null.
     */
    void afterDurable(Consumer<Throwable> callback) {
        if (batch.isEmpty() && last.isDone()) {
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
     * Commits what was journaled. Returns a future that completes (on the store's thread) when it, and everything
     * this shard committed before, is durable.
     */
    CompletableFuture<Void> flush() {
        if (batch.isEmpty()) {
            if (!afterDurable.isEmpty()) {
                List<Consumer<Throwable>> callbacks = afterDurable;
                afterDurable = new ArrayList<>();
                whenDurable(last, callbacks);
            }
            return last.isDone() ? DONE : last;
        }
        StorageBatch committing = batch;
        batch = new StorageBatch();
        lastPut = 0;
        CompletableFuture<Void> f = engine.commit(committing);
        last = f;
        List<Consumer<Throwable>> callbacks = List.of();
        if (!afterDurable.isEmpty()) {
            callbacks = afterDurable;
            afterDurable = new ArrayList<>();
        }
        whenDurable(f, callbacks);
        return f;
    }

    private void whenDurable(CompletableFuture<Void> f, List<Consumer<Throwable>> callbacks) {
        f.whenComplete((v, e) -> {
            if (e != null && FAILURE_LOG.allow()) {
                LOG.error("storage: a batch of shard {} was not stored: {}{}", shard.index, e.getMessage(),
                        FAILURE_LOG.suppressedNote());
            }
            if (!callbacks.isEmpty()) {
                try {
                    shard.submit(() -> callbacks.forEach(c -> c.accept(e)));
                } catch (RejectedExecutionException closing) {
                    // the broker is stopping; the connections these callbacks would answer are gone
                }
            }
        });
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
}
