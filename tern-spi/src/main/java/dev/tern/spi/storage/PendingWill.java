package dev.tern.spi.storage;

import java.util.Arrays;
import java.util.Objects;

/**
 * A will message the broker still owes; one per client id. Either <em>pending</em>: its client went away and it
 * waits for its delay (or for the session's end); or <em>armed</em>: its client was connected when it was stored, so
 * that a broker that stops without saying goodbye to that client (a crash, a shutdown) still publishes it after it
 * starts again, unless the client comes back within the will delay.
 *
 * @param will the will message as an opaque blob the core serializes itself (topic, payload, QoS, retain,
 *     properties)
 * @param dueAtMillis pending: wall-clock millis at which it is to be published; {@link #ARMED} for an armed will
 * @param delayMillis armed: how long after the broker's start it is due (the will delay, at most the session expiry);
 *     0 for a pending will
 */
public record PendingWill(String clientId, byte[] will, long dueAtMillis, long delayMillis) {
    /** The {@link #dueAtMillis} of an armed will. */
    public static final long ARMED = 0;

    public PendingWill {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(will, "will");
        if (delayMillis < 0) {
            throw new IllegalArgumentException("negative delay " + delayMillis);
        }
    }

    /** A pending will, due at {@code dueAtMillis}. */
    public PendingWill(String clientId, byte[] will, long dueAtMillis) {
        this(clientId, will, dueAtMillis, 0);
    }

    /** The will of a connected client, due {@code delayMillis} after a start that finds it. */
    public static PendingWill armed(String clientId, byte[] will, long delayMillis) {
        return new PendingWill(clientId, will, ARMED, delayMillis);
    }

    public boolean isArmed() {
        return dueAtMillis == ARMED;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PendingWill w && clientId.equals(w.clientId) && dueAtMillis == w.dueAtMillis
                && delayMillis == w.delayMillis && Arrays.equals(will, w.will);
    }

    @Override
    public int hashCode() {
        return Objects.hash(clientId, dueAtMillis, delayMillis) * 31 + Arrays.hashCode(will);
    }

    @Override
    public String toString() {
        return "PendingWill[clientId=" + clientId + ", will=" + will.length + " bytes, "
                + (isArmed() ? "armed, delayMillis=" + delayMillis : "dueAtMillis=" + dueAtMillis) + "]";
    }
}
