package dev.tern.core;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down password guessing: each failed login from an address makes the next refusal to that address wait
 * longer (doubling from the base delay up to the maximum); a success, or a quiet period, forgets the address. The
 * refusal is scheduled on the client's shard, so nothing blocks. Bounded: past {@link #MAX_TRACKED} addresses
 * the quiet ones are forgotten first.
 */
final class AuthFailureDelay {
    static final int MAX_TRACKED = 100_000;
    private static final long QUIET_NANOS = 10L * 60 * 1_000_000_000L;

    private record Failures(int count, long lastNanos) {
    }

    private volatile long baseMillis;
    private volatile long maxMillis;
    private final ConcurrentHashMap<InetAddress, Failures> byAddress = new ConcurrentHashMap<>();

    AuthFailureDelay(ClientLimits limits) {
        this.baseMillis = limits.failedAuthDelay().toMillis();
        this.maxMillis = limits.failedAuthMaxDelay().toMillis();
    }

    /** New delays (a configuration reload); the failures counted so far are kept. */
    void update(ClientLimits limits) {
        this.maxMillis = limits.failedAuthMaxDelay().toMillis();
        this.baseMillis = limits.failedAuthDelay().toMillis();
    }

    /** Records a failure and returns how long to wait before answering it, in milliseconds. */
    long failed(InetAddress address) {
        long base = baseMillis;
        if (base == 0 || address == null) {
            return 0;
        }
        long now = System.nanoTime();
        Failures f = byAddress.compute(address, (a, old) -> old == null || now - old.lastNanos() > QUIET_NANOS
                ? new Failures(1, now) : new Failures(Math.min(old.count() + 1, 32), now));
        if (byAddress.size() > MAX_TRACKED) {
            byAddress.entrySet().removeIf(e -> now - e.getValue().lastNanos() > QUIET_NANOS / 10);
        }
        long delay = base << Math.min(f.count() - 1, 20);
        return Math.min(delay, maxMillis);
    }

    void succeeded(InetAddress address) {
        if (address != null && !byAddress.isEmpty()) {
            byAddress.remove(address);
        }
    }

    int tracked() {
        return byAddress.size();
    }
}
