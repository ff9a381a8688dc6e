package dev.tern.benchmarks;

import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs JMH's benchmark code on Netty event executor threads, as the broker runs its I/O and shard work, so that
 * Netty's default (adaptive) buffer allocator serves them from its per-event-loop caches as in production: from a
 * plain thread, or even a bare {@code FastThreadLocalThread}, it falls back to shared magazines and an allocation
 * plus release of a small buffer costs about twice as much (measured 59 vs 29 ns on the 2-core dev VM).
 *
 * <p>Selected per benchmark with {@link #JVM_ARG_EXECUTOR} and {@link #JVM_ARG_CLASS} in the fork's JVM arguments;
 * JMH instantiates it through the {@code (int, String)} constructor and submits one long-running task per
 * benchmark thread, which lands on an executor of its own.
 */
public final class EventLoopLikeThreads extends AbstractExecutorService {
    public static final String JVM_ARG_EXECUTOR = "-Djmh.executor=CUSTOM";
    public static final String JVM_ARG_CLASS = "-Djmh.executor.class=dev.tern.benchmarks.EventLoopLikeThreads";

    private final List<DefaultEventExecutor> executors = new ArrayList<>();
    private int next;

    public EventLoopLikeThreads(int maxThreads, String prefix) {
        DefaultThreadFactory threads = new DefaultThreadFactory(prefix, true);
        for (int i = 0; i < maxThreads; i++) {
            executors.add(new DefaultEventExecutor(threads));
        }
    }

    @Override
    public synchronized void execute(Runnable command) {
        executors.get(next++ % executors.size()).execute(command);
    }

    @Override
    public void shutdown() {
        for (DefaultEventExecutor e : executors) {
            e.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        }
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown();
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return executors.stream().allMatch(DefaultEventExecutor::isShuttingDown);
    }

    @Override
    public boolean isTerminated() {
        return executors.stream().allMatch(DefaultEventExecutor::isTerminated);
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (DefaultEventExecutor e : executors) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !e.awaitTermination(left, TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
        return true;
    }
}
