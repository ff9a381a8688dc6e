package dev.tern.spi.storage;

import java.util.Objects;

/**
 * A stored session.
 *
 * @param clientId the client identifier
 * @param expiryIntervalSeconds seconds the session outlives its connection; {@link #NEVER_EXPIRES} = never
 * @param disconnectedAtMillis wall-clock millis when its connection closed; 0 while connected. Stored so that the
 *     time the broker was down counts against the expiry after a restart.
 * @param persistent true for an MQTT 3.1.1 clean-session-0 session (whose expiry the broker derives from
 *     {@code persistent-client-expiration}), false for MQTT 5 sessions whose expiry the client chose
 */
public record SessionRecord(String clientId, long expiryIntervalSeconds, long disconnectedAtMillis,
                            boolean persistent) {

    /** The MQTT 5 "never expires" session expiry interval (0xFFFFFFFF). */
    public static final long NEVER_EXPIRES = 0xFFFFFFFFL;

    public SessionRecord {
        Objects.requireNonNull(clientId, "clientId");
        if (expiryIntervalSeconds < 0 || expiryIntervalSeconds > NEVER_EXPIRES) {
            throw new IllegalArgumentException("expiry interval out of range: " + expiryIntervalSeconds);
        }
    }

    /**
     * Wall-clock millis at which the session expires, or 0 when it does not (connected, or never expires). The store
     * indexes sessions by this value, see {@link StorageEngine#findExpiredSessions}.
     */
    public long expiresAtMillis() {
        if (disconnectedAtMillis == 0 || expiryIntervalSeconds == NEVER_EXPIRES) {
            return 0;
        }
        return disconnectedAtMillis + expiryIntervalSeconds * 1000L;
    }
}
