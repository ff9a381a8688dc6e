package dev.tern.transport;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many connections may be open at once across the listeners that share it ({@code limits.max-connections});
 * each listener may have a budget of its own too. Lock-free.
 */
public final class ConnectionBudget {
    private volatile int max;
    private final AtomicInteger open = new AtomicInteger();

    /** @param max 0 = unlimited */
    public ConnectionBudget(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must be >= 0");
        }
        this.max = max;
    }

    /**
     * A new limit (a configuration reload), for the connections that come next: connections open beyond it stay
     * open, new ones wait until enough have closed. 0 = unlimited.
     */
    public void max(int newMax) {
        if (newMax < 0) {
            throw new IllegalArgumentException("max must be >= 0");
        }
        this.max = newMax;
    }

    public static ConnectionBudget unlimited() {
        return new ConnectionBudget(0);
    }

    /** Takes one place; false (and nothing taken) when the budget is spent. */
    public boolean tryAcquire() {
        int limit = max;
        while (true) {
            int current = open.get();
            if (limit > 0 && current >= limit) {
                return false;
            }
            if (open.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    public void release() {
        open.decrementAndGet();
    }

    public int open() {
        return open.get();
    }

    public int max() {
        return max;
    }
}
