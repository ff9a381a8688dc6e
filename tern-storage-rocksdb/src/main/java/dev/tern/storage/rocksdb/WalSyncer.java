package dev.tern.storage.rocksdb;

import dev.tern.spi.storage.StorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.rocksdb.RocksDBException;

/**
 * {@code storage.sync: always}: syncs the write-ahead log for the groups the writer has written, one sync after the
 * other, and only then completes their futures. The writer goes on applying and writing the next groups while a sync
 * runs, so a sync overlaps with work instead of stalling it, and every group written during one sync shares the next
 * one. Futures complete in the order their groups were written.
 *
 * <p>What a read sees may be written and not yet synced; the core acts on such reads only in ways a crash cannot
 * turn into a broken promise (a QoS 2 delivery waits for its own durable write, which follows in the log).
 */
final class WalSyncer {
    /** Syncs the log: everything written before the call is durable when it returns. */
    interface Sync {
        void sync() throws RocksDBException;
    }

    /** A group handed over: its futures, and whether it wrote anything (a group whose writes all cancelled out). */
    private record Group(List<CompletableFuture<Void>> futures, boolean wrote) {
    }

    private final ConcurrentLinkedQueue<Group> written = new ConcurrentLinkedQueue<>();
    private final Sync sync;
    private final Function<Throwable, StorageException> failed;
    private final Thread thread;
    private volatile boolean parked;
    private volatile boolean stopping;

    /**
     * @param failed turns a sync failure into the store's failure (the store refuses all work from then on)
     */
    WalSyncer(Sync sync, Function<Throwable, StorageException> failed) {
        this.sync = sync;
        this.failed = failed;
        this.thread = new Thread(this::run, "tern-storage-wal-sync");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * A group is written (not synced): its futures complete once a sync that started after now has finished, or, when
     * it wrote nothing, once the groups before it are synced.
     */
    void written(List<CompletableFuture<Void>> futures, boolean wrote) {
        written.offer(new Group(futures, wrote));
        if (parked) {
            LockSupport.unpark(thread);
        }
    }

    private void run() {
        List<Group> groups = new ArrayList<>();
        while (true) {
            for (Group g; (g = written.poll()) != null; ) {
                groups.add(g);
            }
            if (groups.isEmpty()) {
                if (stopping) {
                    return;
                }
                parked = true;
                if (written.isEmpty() && !stopping) {
                    LockSupport.park(this);
                }
                parked = false;
                continue;
            }
            syncAndComplete(groups);
            groups.clear();
        }
    }

    private void syncAndComplete(List<Group> groups) {
        StorageException failure = null;
        if (groups.stream().anyMatch(Group::wrote)) {
            try {
                sync.sync();
            } catch (RocksDBException | RuntimeException e) {
                failure = failed.apply(e);
            }
        }
        for (Group g : groups) {
            for (CompletableFuture<Void> f : g.futures()) {
                if (failure == null) {
                    f.complete(null);
                } else {
                    f.completeExceptionally(failure);
                }
            }
        }
    }

    /** Syncs and completes what was handed over, then ends the thread. Call after the writer has stopped. */
    void stop() {
        stopping = true;
        LockSupport.unpark(thread);
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
