package dev.tern.transport;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The connection rate limits of one listener: new connections a second on the whole listener
 * ({@code listeners[].max-connection-rate}) and from one source address
 * ({@code listeners[].max-connection-rate-per-address}). Each is a token bucket that holds one second's worth of
 * connections (so a burst of {@code rate} connections after a quiet second is let in, then {@code rate} a second),
 * kept as a single "theoretical arrival time" updated by compare-and-set: lock-free, callable from every I/O
 * thread of the listener.
 *
 * <p>The per-address buckets live in a map bounded two ways, so that a crowd of addresses cannot grow the heap: a
 * bucket idle for {@link #IDLE_NANOS} is dropped by a sweep that runs at most once a second (on the thread of a
 * connection that happens to arrive), and the map never holds more than {@code maxAddresses} buckets. When it is
 * full even after a sweep, a new address is let through untracked (the listener's own rate still applies): refusing
 * it instead would let a flood from many addresses lock out every newcomer.
 */
public final class ConnectionRate {
    /** A per-address bucket unused for this long is full again and can be forgotten. */
    static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long SWEEP_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Default cap on tracked addresses: about 100 bytes each, so a few MB at most. */
    public static final int DEFAULT_MAX_ADDRESSES = 65_536;

    /** The outcome of {@link #admit(InetAddress)}. */
    public enum Verdict {
        ADMITTED,
        /** Over {@code max-connection-rate} (the listener's). */
        LISTENER_RATE,
        /** Over {@code max-connection-rate-per-address}. */
        ADDRESS_RATE
    }

    private final int perSecond;
    private final int perAddress;
    private final int maxAddresses;
    private final LongSupplier nanoTime;
    private final Bucket listener;
    private final ConcurrentHashMap<InetAddress, Bucket> addresses = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep;

    /**
     * @param perSecond new connections a second on the listener, 0 = no limit
     * @param perAddress new connections a second from one address, 0 = no limit
     */
    public ConnectionRate(int perSecond, int perAddress) {
        this(perSecond, perAddress, DEFAULT_MAX_ADDRESSES, System::nanoTime);
    }

    /** With a cap on tracked addresses and a clock of nanoseconds (tests give a fake one). */
    public ConnectionRate(int perSecond, int perAddress, int maxAddresses, LongSupplier nanoTime) {
        if (perSecond < 0 || perAddress < 0 || maxAddresses < 1) {
            throw new IllegalArgumentException("rates must be >= 0 and maxAddresses >= 1");
        }
        this.perSecond = perSecond;
        this.perAddress = perAddress;
        this.maxAddresses = maxAddresses;
        this.nanoTime = nanoTime;
        long now = nanoTime.getAsLong();
        this.listener = perSecond > 0 ? new Bucket(perSecond, now) : null;
        this.lastSweep = new AtomicLong(now);
    }

    public static ConnectionRate unlimited() {
        return new ConnectionRate(0, 0);
    }

    public int perSecond() {
        return perSecond;
    }

    public int perAddress() {
        return perAddress;
    }

    /** Whether a per-address limit is set. */
    public boolean limitsAddresses() {
        return perAddress > 0;
    }

    /**
     * Takes a place for a new connection from {@code address} (null = unknown, only the listener's rate applies):
     * the per-address limit is checked first, so that one address over its own limit does not use up the
     * listener's.
     */
    public Verdict admit(InetAddress address) {
        if (!admitAddress(address)) {
            return Verdict.ADDRESS_RATE;
        }
        return admitListener() ? Verdict.ADMITTED : Verdict.LISTENER_RATE;
    }

    /** The listener's rate alone (with the PROXY protocol, the address is known only later). */
    public boolean admitListener() {
        return listener == null || listener.tryTake(nanoTime.getAsLong());
    }

    /** The per-address rate alone; true when there is none or {@code address} is null. */
    public boolean admitAddress(InetAddress address) {
        if (perAddress == 0 || address == null) {
            return true;
        }
        long now = nanoTime.getAsLong();
        sweepIfDue(now);
        Bucket b = addresses.get(address);
        if (b == null) {
            if (addresses.size() >= maxAddresses) {
                sweep(now);
                if (addresses.size() >= maxAddresses) {
                    return true;
                }
            }
            b = addresses.computeIfAbsent(address, a -> new Bucket(perAddress, now));
        }
        return b.tryTake(now);
    }

    /** Addresses with a bucket now; for tests and metrics. */
    public int trackedAddresses() {
        return addresses.size();
    }

    private void sweepIfDue(long now) {
        long last = lastSweep.get();
        if (now - last >= SWEEP_EVERY_NANOS && lastSweep.compareAndSet(last, now)) {
            sweep(now);
        }
    }

    private void sweep(long now) {
        addresses.values().removeIf(b -> b.idleSince(now) >= IDLE_NANOS);
    }

    /**
     * A token bucket of {@code rate} tokens, refilled at {@code rate} a second, as a generic cell rate algorithm:
     * {@code tat} is when the bucket would be full again; a connection moves it on by one interval and is allowed
     * when that stays within one second of now.
     */
    private static final class Bucket {
        private final long interval;
        private final long burst;
        private final AtomicLong tat;

        Bucket(int rate, long now) {
            this.interval = Math.max(1, TimeUnit.SECONDS.toNanos(1) / rate);
            this.burst = interval * rate;
            this.tat = new AtomicLong(now);
        }

        boolean tryTake(long now) {
            while (true) {
                long current = tat.get();
                long next = Math.max(current - now, 0) + now + interval;
                if (next - now > burst) {
                    return false;
                }
                if (tat.compareAndSet(current, next)) {
                    return true;
                }
            }
        }

        /** How long the bucket has been full (0 when it is not). */
        long idleSince(long now) {
            return now - tat.get();
        }
    }
}
