package dev.tern.spi.storage;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A write the core may still take back until the store applies it: the queue entry of a subscriber that may
 * acknowledge the message before the store gets to it. Exactly one side wins: the store {@link #claim claims} the
 * write when it applies it, the core {@link #withdraw withdraws} it when the entry is no longer needed. A withdrawn
 * write is never applied, and so needs no removal; a claimed one is removed as usual. Under load, with subscribers
 * that keep up, most entries are withdrawn and the store writes nothing for them.
 *
 * <p>Every engine must claim a withdrawable write before applying it, even one it applies at once, or a later
 * withdrawal would leave the entry behind; and must not apply the put of a message that only withdrawn entries
 * referenced, or the message would stay unreferenced ({@code WriteElision} in tern-storage does both).
 */
public final class Withdrawable {
    private static final int OPEN = 0;
    private static final int CLAIMED = 1;
    private static final int WITHDRAWN = 2;

    private final AtomicInteger state = new AtomicInteger(OPEN);

    /** The store, when it applies the write: true to apply it, false when it was withdrawn (skip it). */
    public boolean claim() {
        return state.compareAndSet(OPEN, CLAIMED) || state.get() == CLAIMED;
    }

    /** The core: true when the store will never apply the write; false when it was applied (or is being). */
    public boolean withdraw() {
        return state.compareAndSet(OPEN, WITHDRAWN) || state.get() == WITHDRAWN;
    }

    @Override
    public String toString() {
        return switch (state.get()) {
            case OPEN -> "open";
            case CLAIMED -> "claimed";
            default -> "withdrawn";
        };
    }
}
