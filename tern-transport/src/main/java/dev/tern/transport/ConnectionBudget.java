package dev.tern.transport;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many connections may be open at once across the listeners that share it ({@code limits.max-connections});
 * each listener may have a budget of its own too. Lock-free.
 */
public final class ConnectionBudget {
    private final int max;
    private final AtomicInteger open = new AtomicInteger();

    /** @param max 0 = unlimited */
    public ConnectionBudget(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must be >= 0");
        }
        this.max = max;
    }

    public static ConnectionBudget unlimited() {
        return new ConnectionBudget(0);
    }

    /** Takes one place; false (and nothing taken) when the budget is spent. */
    public boolean tryAcquire() {
        while (true) {
            int current = open.get();
            if (max > 0 && current >= max) {
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
