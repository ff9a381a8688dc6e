package dev.tern.core;

import dev.tern.spi.auth.ClientIdentity;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The broker-side state of one client id, which outlives connections while its expiry allows: subscriptions,
 * the outbound flow, the inbound QoS 2 packet ids, a will waiting for its delay. Owned by one shard's thread.
 */
final class Session {
    final String clientId;
    final Shard shard;
    final PublishOutFlow out;
    /** Keyed by the filter as the client wrote it (with any $share prefix). */
    final Map<String, SubscriptionEntry> subscriptions = new HashMap<>();
    /** QoS 2 packet ids received (PUBREC sent) and not yet released by PUBREL. */
    final Set<Integer> inboundQos2 = new HashSet<>();
    final SessionBacklog backlog = new SessionBacklog();
    /** Who the client was at its last CONNECT; authorization of deliveries uses it, offline too. */
    ClientIdentity identity;
    /** The connection currently bound, or null while offline. */
    ClientConnection connection;
    /** Seconds the session lives after its connection closes; {@link MqttSettings#SESSION_NEVER_EXPIRES} = never. */
    long expiryInterval;
    ScheduledFuture<?> expiryTimer;
    ScheduledFuture<?> willTimer;
    Message pendingWill;

    Session(String clientId, Shard shard, PublishOutFlow out) {
        this.clientId = clientId;
        this.shard = shard;
        this.out = out;
    }

    /** Publishers this session is holding back because its queue is long; released when it drains. */
    private final java.util.Set<ClientConnection> throttled =
            java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    private ScheduledFuture<?> throttleTimer;

    /**
     * Holds a publisher back (its PUBLISH packets wait, unacknowledged, so its own receive maximum limits it) until
     * this session's queue drains, or {@code maxMillis} at the most so that one stuck subscriber cannot stall
     * publishers for long: past that its queue limit applies.
     */
    void throttle(ClientConnection publisher, long maxMillis) {
        if (throttled.add(publisher)) {
            publisher.hold();
            if (throttleTimer == null) {
                throttleTimer = shard.schedule(this::releaseThrottled, maxMillis);
            }
        }
    }

    /** Takes over a hold the router already put on the publisher for this session (one hold per publisher). */
    void adoptHold(ClientConnection publisher, long maxMillis) {
        if (connection == null || !throttled.add(publisher)) {
            publisher.release();
            return;
        }
        if (throttleTimer == null) {
            throttleTimer = shard.schedule(this::releaseThrottled, maxMillis);
        }
    }

    void releaseThrottled() {
        if (throttleTimer != null) {
            throttleTimer.cancel(false);
            throttleTimer = null;
        }
        if (throttled.isEmpty()) {
            return;
        }
        for (ClientConnection c : throttled) {
            c.release();
        }
        throttled.clear();
    }

    boolean isThrottling() {
        return !throttled.isEmpty();
    }

    void cancelTimers() {
        if (expiryTimer != null) {
            expiryTimer.cancel(false);
            expiryTimer = null;
        }
    }
}
