package dev.tern.core;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps one kind of log line from flooding the log when a crowd does the same thing (thousands of sockets that
 * never send CONNECT, a password-guessing run): at most {@code perSecond} lines a second, and the next line after a
 * quiet stretch says how many were left out. Lock-free; any thread.
 */
public final class LogLimiter {
    private final int perSecond;
    private final AtomicLong window = new AtomicLong();
    private final AtomicLong used = new AtomicLong();
    private final AtomicLong suppressed = new AtomicLong();

    public LogLimiter(int perSecond) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("perSecond must be >= 1");
        }
        this.perSecond = perSecond;
    }

    /**
     * Whether a line may be logged now. When it may, {@link #suppressedNote()} gives the suffix to append (empty
     * when nothing was left out since the last line).
     */
    public boolean allow() {
        long second = System.nanoTime() / 1_000_000_000L;
        long current = window.get();
        if (current != second && window.compareAndSet(current, second)) {
            used.set(0);
        }
        if (used.incrementAndGet() <= perSecond) {
            return true;
        }
        suppressed.incrementAndGet();
        return false;
    }

    /** " (N similar lines left out)" for the lines {@link #allow()} refused since the last note, or "". */
    public String suppressedNote() {
        long n = suppressed.getAndSet(0);
        return n == 0 ? "" : " (" + n + " similar lines left out)";
    }
}
