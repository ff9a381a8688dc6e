package dev.tern.core;

import dev.tern.codec.packet.PublishProperties;

/**
 * An application message as the broker routes it: what a publisher sent, minus per-hop details (packet id,
 * DUP, topic alias, subscription identifiers). Immutable; the payload is never mutated.
 *
 * @param publisherId client id of the publisher, for no-local; null for messages the broker made
 * @param expiresAtMillis absolute expiry time in clock millis, 0 = never
 */
public record Message(String topic, byte[] payload, int qos, boolean retain, PublishProperties properties,
                      String publisherId, long expiresAtMillis) {

    public boolean isExpired(long nowMillis) {
        return expiresAtMillis != 0 && nowMillis >= expiresAtMillis;
    }

    /** Remaining message expiry interval in whole seconds, rounded up; null when the message never expires. */
    public Long remainingExpirySeconds(long nowMillis) {
        if (expiresAtMillis == 0) {
            return null;
        }
        long left = Math.max(0, expiresAtMillis - nowMillis);
        return (left + 999) / 1000;
    }

    public Message withRetain(boolean newRetain) {
        return newRetain == retain ? this
                : new Message(topic, payload, qos, newRetain, properties, publisherId, expiresAtMillis);
    }
}
