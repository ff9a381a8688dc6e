package dev.tern.spi.storage;

import java.util.Arrays;
import java.util.Objects;

/**
 * A will message waiting for its delay (or for the session's end) before it is published; one per client id.
 *
 * @param will the will message as an opaque blob the core serializes itself (topic, payload, QoS, retain,
 *     properties)
 * @param dueAtMillis wall-clock millis at which it is to be published
 */
public record PendingWill(String clientId, byte[] will, long dueAtMillis) {

    public PendingWill {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(will, "will");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PendingWill w && clientId.equals(w.clientId) && dueAtMillis == w.dueAtMillis
                && Arrays.equals(will, w.will);
    }

    @Override
    public int hashCode() {
        return Objects.hash(clientId, dueAtMillis) * 31 + Arrays.hashCode(will);
    }

    @Override
    public String toString() {
        return "PendingWill[clientId=" + clientId + ", will=" + will.length + " bytes, dueAtMillis=" + dueAtMillis + "]";
    }
}
