package dev.tern.core;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One session shard: a single thread that owns every session whose client id hashes to it. Nothing here is
 * touched from another thread; other threads hand work in as commands.
 */
final class Shard {
    final int index;
    private final EventExecutor executor;
    final Map<String, Session> sessions = new HashMap<>();
    /** What this shard changed in the durable store; null when the broker runs without one. */
    ShardJournal journal;

    Shard(int index, EventExecutor executor) {
        this.index = index;
        this.executor = executor;
    }

    /** The shard's thread (one of the I/O event loops when shards run on them). */
    EventExecutor executor() {
        return executor;
    }

    boolean inShard() {
        return executor.inEventLoop();
    }

    /** Runs the command on this shard: at once when already on its thread, else queued. */
    void run(Runnable command) {
        if (executor.inEventLoop()) {
            command.run();
        } else {
            executor.execute(command);
        }
    }

    /** Always queues the command, so it runs after what the current task is doing. */
    void submit(Runnable command) {
        executor.execute(command);
    }

    ScheduledFuture<?> schedule(Runnable command, long delayMillis) {
        return executor.schedule(command, delayMillis, TimeUnit.MILLISECONDS);
    }
}
