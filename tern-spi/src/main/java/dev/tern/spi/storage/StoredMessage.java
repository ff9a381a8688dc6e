package dev.tern.spi.storage;

import java.util.Arrays;
import java.util.Objects;

/**
 * An application message as stored: once, however many queues and retained slots reference it.
 *
 * @param id unique and never reused; allocate with {@link StorageEngine#nextMessageId()}
 * @param qos the QoS it was published with
 * @param retain the RETAIN flag it was published with
 * @param properties the MQTT 5 PUBLISH properties as an opaque blob the core serializes itself; empty when none.
 *     Stores never interpret it.
 * @param publisherId client id of the publisher (for no-local), null for messages the broker made
 * @param expiresAtMillis wall-clock millis at which the message expires, 0 = never. The store indexes messages by
 *     it, see {@link StorageEngine#purgeExpiredMessages}.
 */
public record StoredMessage(long id, String topic, byte[] payload, int qos, boolean retain, byte[] properties,
                            String publisherId, long expiresAtMillis) {

    private static final byte[] NONE = new byte[0];

    public StoredMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        properties = properties == null ? NONE : properties;
        if (id <= 0) {
            throw new IllegalArgumentException("message id must be positive: " + id);
        }
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos " + qos);
        }
    }

    public boolean isExpired(long nowMillis) {
        return expiresAtMillis != 0 && nowMillis >= expiresAtMillis;
    }

    /** Payload length: what counts against {@code max-queued-bytes}. */
    public int size() {
        return payload.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredMessage m && id == m.id && qos == m.qos && retain == m.retain
                && expiresAtMillis == m.expiresAtMillis && topic.equals(m.topic)
                && Objects.equals(publisherId, m.publisherId)
                && Arrays.equals(payload, m.payload) && Arrays.equals(properties, m.properties);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, topic, qos, retain, publisherId, expiresAtMillis) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "StoredMessage[id=" + id + ", topic=" + topic + ", payload=" + payload.length + " bytes, qos=" + qos
                + ", retain=" + retain + ", properties=" + properties.length + " bytes, publisherId=" + publisherId
                + ", expiresAtMillis=" + expiresAtMillis + "]";
    }
}
