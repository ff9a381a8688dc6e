package dev.tern.core;

import dev.tern.codec.packet.PublishProperties;
import java.util.function.Supplier;

/**
 * An application message as the broker routes it: what a publisher sent, minus per-hop details (packet id,
 * DUP, topic alias, subscription identifiers). Immutable; the payload is never mutated.
 *
 * <p>It also carries the encoded QoS 0 PUBLISH frames that are the same for every subscriber of a protocol family
 * (GUIDE §4: encoded once, shared across subscribers): the first subscriber's shard encodes, the others reuse the
 * bytes. Two shards racing may both encode; either result is right.
 */
public final class Message {
    private final String topic;
    private final byte[] payload;
    private final int qos;
    private final boolean retain;
    private final PublishProperties properties;
    private final String publisherId;
    private final long expiresAtMillis;
    /** Shared frames: 3.1/3.1.1 and 5, with RETAIN 0 or 1. */
    private volatile byte[] v3Plain;
    private volatile byte[] v3Retained;
    private volatile byte[] v5Plain;
    private volatile byte[] v5Retained;
    /** Id in the durable store, 0 until one is allocated; see {@link #storageId}. */
    private volatile long storageId;
    /**
     * True once the message is known to be in the store before any shard references it: put by the publisher's
     * shard before routing (a batch committed before the deliveries were handed on), or read back from the store.
     * Otherwise a shard that references it puts it in its own batch too (putting it twice is harmless).
     */
    private volatile boolean storedBeforeRouting;

    /**
     * @param publisherId client id of the publisher, for no-local; null for messages the broker made
     * @param expiresAtMillis absolute expiry time in clock millis, 0 = never
     */
    public Message(String topic, byte[] payload, int qos, boolean retain, PublishProperties properties,
                   String publisherId, long expiresAtMillis) {
        this.topic = topic;
        this.payload = payload;
        this.qos = qos;
        this.retain = retain;
        this.properties = properties;
        this.publisherId = publisherId;
        this.expiresAtMillis = expiresAtMillis;
    }

    public String topic() {
        return topic;
    }

    public byte[] payload() {
        return payload;
    }

    public int qos() {
        return qos;
    }

    public boolean retain() {
        return retain;
    }

    public PublishProperties properties() {
        return properties;
    }

    public String publisherId() {
        return publisherId;
    }

    public long expiresAtMillis() {
        return expiresAtMillis;
    }

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

    /** The message's id in the store, allocated from {@code ids} the first time (racing shards agree on one). */
    long storageId(java.util.function.LongSupplier ids) {
        long id = storageId;
        if (id != 0) {
            return id;
        }
        long fresh = ids.getAsLong();
        // lock-free: a shard that loses the race skips its id (the store allows unused ids)
        return STORAGE_ID.compareAndSet(this, 0L, fresh) ? fresh : storageId;
    }

    /** Gives the message the store id {@code fresh} if it has none yet; true when this call set it. */
    boolean claimStorageId(long fresh) {
        return STORAGE_ID.compareAndSet(this, 0L, fresh);
    }

    private static final java.lang.invoke.VarHandle STORAGE_ID;

    static {
        try {
            STORAGE_ID = java.lang.invoke.MethodHandles.lookup().findVarHandle(Message.class, "storageId", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The store id, 0 when none was allocated. */
    long storageId() {
        return storageId;
    }

    boolean storedBeforeRouting() {
        return storedBeforeRouting;
    }

    /** The message is in the store under {@code id} (put by a batch already committed). */
    void markStored(long id) {
        storageId = id;
        storedBeforeRouting = true;
    }

    /** The shared QoS 0 frame for a protocol family and RETAIN flag, encoded by {@code encoder} the first time. */
    byte[] sharedQos0Frame(boolean v5, boolean retainFlag, Supplier<byte[]> encoder) {
        byte[] frame = v5 ? (retainFlag ? v5Retained : v5Plain) : (retainFlag ? v3Retained : v3Plain);
        if (frame != null) {
            return frame;
        }
        frame = encoder.get();
        if (v5) {
            if (retainFlag) {
                v5Retained = frame;
            } else {
                v5Plain = frame;
            }
        } else if (retainFlag) {
            v3Retained = frame;
        } else {
            v3Plain = frame;
        }
        return frame;
    }

    @Override
    public String toString() {
        return "Message[topic=" + topic + ", qos=" + qos + ", retain=" + retain + ", " + payload.length + " bytes]";
    }
}
