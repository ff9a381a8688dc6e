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

    /** The connection between its CONNECT and its CONNACK (which waits for the store), or null. */
    ClientConnection connecting;
    /** True once the store holds a record of this session (so ending it must delete the record). */
    boolean stored;
    /** MQTT 3.1.x clean-session-0 session, whose expiry the broker chose (persistent-client-expiration). */
    boolean persistentV3;

    /** @param settings the settings in force (read again for each queued message) */
    Session(String clientId, Shard shard, java.util.function.Supplier<MqttSettings> settings, BrokerStats stats) {
        this.clientId = clientId;
        this.shard = shard;
        this.out = new PublishOutFlow(settings, stats, this);
    }

    /** Entries read per page when a stored queue is loaded. */
    static final int LOAD_PAGE = 256;
    /** Non-null while the stored queue is being read back: what runs once it is. */
    private java.util.List<Runnable> loadWaiters;

    /**
     * Runs {@code then} on the shard once the session's stored queue is in memory: at once when it is, else after
     * reading it back page by page (deliveries that arrive meanwhile are stored, and held after the loaded ones).
     */
    void whenLoaded(Runnable then) {
        if (loadWaiters != null) {
            loadWaiters.add(then);
            return;
        }
        if (!out.needsLoad()) {
            then.run();
            return;
        }
        loadWaiters = new java.util.ArrayList<>();
        loadWaiters.add(then);
        out.beginLoad();
        readPage(0);
    }

    private void readPage(long afterSeq) {
        shard.journal.flush(); // the read must see the entries this shard journaled
        shard.journal.engine().readQueue(clientId, afterSeq, LOAD_PAGE).whenComplete((page, error) ->
                shard.submit(() -> pageRead(page, error)));
    }

    private void pageRead(java.util.List<dev.tern.spi.storage.QueuedMessage> page, Throwable error) {
        if (loadWaiters == null) {
            return; // the session ended meanwhile
        }
        if (error != null) {
            org.slf4j.LoggerFactory.getLogger(Session.class).error(
                    "session {}: its stored queue could not be read ({}); it resumes without it", clientId,
                    error.toString());
        } else {
            long last = out.loadPage(page, subscriptions);
            if (!out.loadDone(page.size(), LOAD_PAGE)) {
                readPage(last);
                return;
            }
        }
        out.finishLoad();
        java.util.List<Runnable> waiting = loadWaiters;
        loadWaiters = null;
        waiting.forEach(Runnable::run);
    }

    /** The session ends: a load in progress is abandoned. */
    void abandonLoad() {
        loadWaiters = null;
    }

    /** Outlives its connection in the store: a store is configured and the expiry interval is not zero. */
    boolean durable() {
        return shard.journal != null && expiryInterval != 0;
    }

    /** The stored record of this session; {@code disconnectedAt} 0 while connected. */
    dev.tern.spi.storage.SessionRecord record(long disconnectedAt) {
        return new dev.tern.spi.storage.SessionRecord(clientId, expiryInterval, disconnectedAt, persistentV3);
    }

    /**
     * Publishers this session is holding back because its queue is long; released when it drains. Null until the
     * first hold: an identity set costs a few hundred bytes, and most sessions never hold anybody.
     */
    private java.util.Set<ClientConnection> throttled;
    private ScheduledFuture<?> throttleTimer;

    /**
     * Holds a publisher back (its PUBLISH packets wait, unacknowledged, so its own receive maximum limits it) until
     * this session's queue drains, or {@code maxMillis} at the most so that one stuck subscriber cannot stall
     * publishers for long: past that its queue limit applies.
     */
    void throttle(ClientConnection publisher, long maxMillis) {
        if (stuck) {
            return;
        }
        if (throttled().add(publisher)) {
            publisher.hold();
            if (throttleTimer == null) {
                progressAtHold = out.progress();
                throttleTimer = shard.schedule(this::holdTimedOut, maxMillis);
            }
        }
    }

    /**
     * True after a hold ran out while the client made no progress at all (it does not read): it holds nobody again
     * until it drains, so one stuck subscriber cannot slow its publishers to one message per hold; its queue limit
     * applies instead. A slow client that does make progress keeps holding its publishers (nothing is dropped).
     */
    private boolean stuck;
    private long progressAtHold;

    private void holdTimedOut() {
        throttleTimer = null;
        if (out.progress() == progressAtHold) {
            stuck = true;
        }
        releaseThrottled();
    }

    /** The session drained its backlog: it may hold publishers again. */
    void caughtUp() {
        stuck = false;
        releaseThrottled();
    }

    /** Takes over a hold the router already put on the publisher for this session (one hold per publisher). */
    void adoptHold(ClientConnection publisher, long maxMillis) {
        if (connection == null || stuck || !throttled().add(publisher)) {
            publisher.release();
            return;
        }
        if (throttleTimer == null) {
            progressAtHold = out.progress();
            throttleTimer = shard.schedule(this::holdTimedOut, maxMillis);
        }
    }

    void releaseThrottled() {
        if (throttleTimer != null) {
            throttleTimer.cancel(false);
            throttleTimer = null;
        }
        if (throttled == null || throttled.isEmpty()) {
            return;
        }
        for (ClientConnection c : throttled) {
            c.release();
        }
        throttled.clear();
    }

    boolean isThrottling() {
        return throttled != null && !throttled.isEmpty();
    }

    private java.util.Set<ClientConnection> throttled() {
        if (throttled == null) {
            throttled = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        }
        return throttled;
    }

    void cancelTimers() {
        if (expiryTimer != null) {
            expiryTimer.cancel(false);
            expiryTimer = null;
        }
    }
}
