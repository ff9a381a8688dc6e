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
 *
 * <p>A store that waits for withdrawals before it writes can {@link #watch} the write to learn when it is settled,
 * and so stop waiting as soon as nothing is left to withdraw.
 */
public final class Withdrawable {
    private static final int OPEN = 0;
    private static final int CLAIMED = 1;
    private static final int WITHDRAWN = 2;

    /** Told once, by the side that settles the write, whether it was withdrawn or claimed. */
    public interface Watcher {
        void settled(boolean withdrawn);
    }

    private final AtomicInteger state = new AtomicInteger(OPEN);
    private volatile Watcher watcher;

    /**
     * The store, when the batch holding the write is committed (the core hands the entry on only after that, so it
     * cannot be withdrawn meanwhile): returns false when it is settled already (nothing to watch); else
     * {@code watcher} hears once, on the thread that settles it, whether it was withdrawn or claimed.
     */
    public boolean watch(Watcher watcher) {
        this.watcher = watcher;
        return state.get() == OPEN;
    }

    /** The store, when it applies the write: true to apply it, false when it was withdrawn (skip it). */
    public boolean claim() {
        if (state.compareAndSet(OPEN, CLAIMED)) {
            settled(false);
            return true;
        }
        return state.get() == CLAIMED;
    }

    /** The core: true when the store will never apply the write; false when it was applied (or is being). */
    public boolean withdraw() {
        if (state.compareAndSet(OPEN, WITHDRAWN)) {
            settled(true);
            return true;
        }
        return state.get() == WITHDRAWN;
    }

    private void settled(boolean withdrawn) {
        Watcher w = watcher;
        if (w != null) {
            w.settled(withdrawn);
        }
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
