package dev.tern.core;

import java.time.Duration;

/**
 * The MQTT behaviour settings of a broker (the {@code mqtt:} section of the configuration).
 *
 * @param maxKeepAlive seconds; MQTT 5 clients asking more (or 0) are told Server Keep Alive = this
 * @param receiveMaximum announced in CONNACK: unacknowledged QoS 1/2 PUBLISH a client may send at once
 * @param maxPacketSize largest packet accepted from a client, in bytes
 * @param topicAliasMaximum topic aliases a client may use towards the broker (0 = none)
 * @param maxQueuedMessages per session, messages queued while offline or while the window is full (0 = no limit)
 * @param maxQueuedBytes per session, payload bytes queued (0 = no limit)
 * @param queueOverflow what happens when a queue is full
 * @param queueQos0 whether QoS 0 messages are queued for offline persistent sessions
 * @param persistentClientExpiration expiry of abandoned 3.1/3.1.1 persistent sessions; zero = never
 * @param maxClientIdLength longest client identifier accepted
 * @param allowZeroLengthClientId whether clients may leave the client id empty to get one assigned
 * @param maxSessionExpiryInterval cap on the session expiry a client may ask for, seconds (0xFFFFFFFF = none)
 * @param maxInflight most QoS 1/2 PUBLISH the broker leaves unacknowledged towards one client at once (Mosquitto's
 *     {@code max_inflight_messages}); the window is the smaller of this and the client's receive maximum (MQTT 5)
 *     or {@link #receiveMaximum} (3.1.1); 0 = no limit of its own
 */
public record MqttSettings(
        int maxKeepAlive,
        int receiveMaximum,
        int maxPacketSize,
        int topicAliasMaximum,
        int maxQueuedMessages,
        long maxQueuedBytes,
        QueueOverflow queueOverflow,
        boolean queueQos0,
        Duration persistentClientExpiration,
        int maxClientIdLength,
        boolean allowZeroLengthClientId,
        long maxSessionExpiryInterval,
        int maxInflight) {

    /** Overflow policy of a full session queue. */
    public enum QueueOverflow {
        /** Refuse the new message (Mosquitto's behaviour). */
        DROP_NEW,
        /** Drop the oldest queued message to make room. */
        DROP_OLDEST
    }

    public static final long SESSION_NEVER_EXPIRES = 0xFFFFFFFFL;

    public MqttSettings {
        if (maxKeepAlive < 0 || maxKeepAlive > 65535) {
            throw new IllegalArgumentException("max-keepalive must be 0..65535, was " + maxKeepAlive);
        }
        if (receiveMaximum < 1 || receiveMaximum > 65535) {
            throw new IllegalArgumentException("receive-maximum must be 1..65535, was " + receiveMaximum);
        }
        if (maxPacketSize < 16 || maxPacketSize > 268_435_460) {
            throw new IllegalArgumentException("max-packet-size must be 16..268435460, was " + maxPacketSize);
        }
        if (topicAliasMaximum < 0 || topicAliasMaximum > 65535) {
            throw new IllegalArgumentException("topic-alias-maximum must be 0..65535, was " + topicAliasMaximum);
        }
        if (maxQueuedMessages < 0 || maxQueuedBytes < 0) {
            throw new IllegalArgumentException("max-queued-messages and max-queued-bytes must be >= 0");
        }
        if (maxClientIdLength < 1 || maxClientIdLength > 65535) {
            throw new IllegalArgumentException("max-client-id-length must be 1..65535, was " + maxClientIdLength);
        }
        if (maxInflight < 0 || maxInflight > 65535) {
            throw new IllegalArgumentException("max-inflight must be 0..65535, was " + maxInflight);
        }
        if (queueOverflow == null || persistentClientExpiration == null) {
            throw new IllegalArgumentException("queue-overflow and persistent-client-expiration are required");
        }
    }

    /** Settings without a max-inflight of their own (the window is the client's receive maximum). */
    public MqttSettings(int maxKeepAlive, int receiveMaximum, int maxPacketSize, int topicAliasMaximum,
                        int maxQueuedMessages, long maxQueuedBytes, QueueOverflow queueOverflow, boolean queueQos0,
                        Duration persistentClientExpiration, int maxClientIdLength, boolean allowZeroLengthClientId,
                        long maxSessionExpiryInterval) {
        this(maxKeepAlive, receiveMaximum, maxPacketSize, topicAliasMaximum, maxQueuedMessages, maxQueuedBytes,
                queueOverflow, queueQos0, persistentClientExpiration, maxClientIdLength, allowZeroLengthClientId,
                maxSessionExpiryInterval, 0);
    }

    /**
     * The outbound window towards a client that announced {@code clientReceiveMaximum}: that, capped by
     * {@link #maxInflight} when it is set.
     */
    public int outboundWindow(int clientReceiveMaximum) {
        return maxInflight > 0 ? Math.min(clientReceiveMaximum, maxInflight) : clientReceiveMaximum;
    }

    /** The defaults, as documented in docs/configuration.md. */
    public static MqttSettings defaults() {
        return new MqttSettings(65535, 128, 2_000_000, 64, 1000, 0, QueueOverflow.DROP_NEW, false, Duration.ZERO,
                65535, true, SESSION_NEVER_EXPIRES);
    }

    public MqttSettings withMaxPacketSize(int bytes) {
        return new MqttSettings(maxKeepAlive, receiveMaximum, bytes, topicAliasMaximum, maxQueuedMessages,
                maxQueuedBytes, queueOverflow, queueQos0, persistentClientExpiration, maxClientIdLength,
                allowZeroLengthClientId, maxSessionExpiryInterval, maxInflight);
    }

    public MqttSettings withQueueLimits(int messages, long bytes, QueueOverflow overflow, boolean qos0) {
        return new MqttSettings(maxKeepAlive, receiveMaximum, maxPacketSize, topicAliasMaximum, messages, bytes,
                overflow, qos0, persistentClientExpiration, maxClientIdLength, allowZeroLengthClientId,
                maxSessionExpiryInterval, maxInflight);
    }

    public MqttSettings withReceiveMaximum(int value) {
        return new MqttSettings(maxKeepAlive, value, maxPacketSize, topicAliasMaximum, maxQueuedMessages,
                maxQueuedBytes, queueOverflow, queueQos0, persistentClientExpiration, maxClientIdLength,
                allowZeroLengthClientId, maxSessionExpiryInterval, maxInflight);
    }

    public MqttSettings withMaxKeepAlive(int seconds) {
        return new MqttSettings(seconds, receiveMaximum, maxPacketSize, topicAliasMaximum, maxQueuedMessages,
                maxQueuedBytes, queueOverflow, queueQos0, persistentClientExpiration, maxClientIdLength,
                allowZeroLengthClientId, maxSessionExpiryInterval, maxInflight);
    }

    public MqttSettings withTopicAliasMaximum(int value) {
        return new MqttSettings(maxKeepAlive, receiveMaximum, maxPacketSize, value, maxQueuedMessages,
                maxQueuedBytes, queueOverflow, queueQos0, persistentClientExpiration, maxClientIdLength,
                allowZeroLengthClientId, maxSessionExpiryInterval, maxInflight);
    }

    public MqttSettings withPersistentClientExpiration(Duration value) {
        return new MqttSettings(maxKeepAlive, receiveMaximum, maxPacketSize, topicAliasMaximum, maxQueuedMessages,
                maxQueuedBytes, queueOverflow, queueQos0, value, maxClientIdLength, allowZeroLengthClientId,
                maxSessionExpiryInterval, maxInflight);
    }

    public MqttSettings withMaxInflight(int value) {
        return new MqttSettings(maxKeepAlive, receiveMaximum, maxPacketSize, topicAliasMaximum, maxQueuedMessages,
                maxQueuedBytes, queueOverflow, queueQos0, persistentClientExpiration, maxClientIdLength,
                allowZeroLengthClientId, maxSessionExpiryInterval, value);
    }
}
