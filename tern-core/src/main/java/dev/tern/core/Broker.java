package dev.tern.core;

import dev.tern.codec.packet.Disconnect;
import dev.tern.codec.ReasonCode;
import dev.tern.spi.auth.Authenticator;
import dev.tern.spi.auth.Authorizer;
import dev.tern.spi.auth.ClientIdentity;
import dev.tern.spi.storage.Mutation;
import dev.tern.spi.storage.PendingWill;
import dev.tern.spi.storage.StorageEngine;
import dev.tern.spi.storage.StoredMessage;
import dev.tern.spi.storage.Withdrawable;
import io.netty.util.concurrent.EventExecutor;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MQTT broker core: sessions sharded over a fixed set of threads, the topic index, retained messages and
 * the router. Transport-agnostic: a listener hands each new network connection to {@link #accept(Connection)}
 * and feeds the returned {@link ClientConnection} with decoded packets.
 */
public final class Broker {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    /** In force for connections accepted from now on; replaced by {@link #update} (a configuration reload). */
    private volatile MqttSettings settings;
    private volatile ClientLimits limits;
    private final AuthFailureDelay authFailures;
    private final Authenticator authenticator;
    private volatile EnhancedAuthSettings enhancedAuth;
    private final Authorizer authorizer;
    /** False when everything is allowed, so the publish path skips the checks. */
    private final boolean authorizing;
    private final Clock clock;
    private final StorageEngine storage;
    private final Shard[] shards;
    private final TopicIndex topicIndex = new TopicIndex();
    private final RetainedStore retained = new RetainedStore();
    private final Set<String> online = ConcurrentHashMap.newKeySet();
    private final BrokerStats stats = new BrokerStats();
    private final Router router;
    private final AtomicInteger connectionCount = new AtomicInteger();
    private volatile boolean shuttingDown;
    /** Queue length of an online session at which its publishers are slowed down. */
    private volatile int throttleHighWater;
    /** A publisher is never held back longer than this at once by one subscriber. */
    static final long THROTTLE_MAX_MILLIS = 200;
    /**
     * A session with this many messages queued (its window full) gets its queue entries written at once: it will
     * not acknowledge a new message within the storage writer's wait (about a millisecond), and withdrawable entries
     * would hold the writer's other batches back until then.
     */
    static final int WITHDRAWABLE_BACKLOG = Integer.getInteger("tern.storage.withdrawable-backlog", 1000);
    /**
     * A message that one durable session's queue entry alone references is kept in that entry
     * ({@link Mutation.PutQueueEntry#held()}); {@code -Dtern.storage.hold-in-entry=false} stores it on its own, as
     * before, for comparison.
     */
    static final boolean HOLD_IN_ENTRY = !"false".equals(System.getProperty("tern.storage.hold-in-entry"));

    /**
     * @param shardExecutors one single-threaded executor per shard (e.g. the I/O event loops)
     */
    public Broker(MqttSettings settings, Authenticator authenticator, List<? extends EventExecutor> shardExecutors,
                  Clock clock) {
        this(settings, authenticator, Authorizer.ALLOW_ALL, shardExecutors, clock);
    }

    /**
     * @param authorizer asked on every PUBLISH, SUBSCRIBE, will and delivery; {@link Authorizer#ALLOW_ALL} skips
     *     the checks
     * @param shardExecutors one single-threaded executor per shard (e.g. the I/O event loops)
     */
    public Broker(MqttSettings settings, Authenticator authenticator, Authorizer authorizer,
                  List<? extends EventExecutor> shardExecutors, Clock clock) {
        this(settings, ClientLimits.defaults(), authenticator, authorizer, shardExecutors, clock);
    }

    /**
     * @param limits per-client limits (topic sizes, subscriptions, publish rates, failed-login delay)
     * @param authorizer asked on every PUBLISH, SUBSCRIBE, will and delivery; {@link Authorizer#ALLOW_ALL} skips
     *     the checks
     * @param shardExecutors one single-threaded executor per shard (e.g. the I/O event loops)
     */
    public Broker(MqttSettings settings, ClientLimits limits, Authenticator authenticator, Authorizer authorizer,
                  List<? extends EventExecutor> shardExecutors, Clock clock) {
        this(settings, limits, authenticator, authorizer, shardExecutors, clock, null);
    }

    /**
     * @param storage the durable store sessions, subscriptions, queues, retained messages and wills are kept in;
     *     null keeps everything in memory only. Restore what it holds with {@link #restore()} before accepting
     *     connections.
     */
    public Broker(MqttSettings settings, ClientLimits limits, Authenticator authenticator, Authorizer authorizer,
                  List<? extends EventExecutor> shardExecutors, Clock clock, StorageEngine storage) {
        this(settings, limits, authenticator, authorizer, EnhancedAuthSettings.none(), shardExecutors, clock,
                storage);
    }

    /**
     * @param enhancedAuth the MQTT 5 enhanced authentication methods (AUTH packets) offered, e.g. SCRAM
     * @param storage the durable store, or null; see {@link #Broker(MqttSettings, ClientLimits, Authenticator,
     *     Authorizer, List, Clock, StorageEngine)}
     */
    public Broker(MqttSettings settings, ClientLimits limits, Authenticator authenticator, Authorizer authorizer,
                  EnhancedAuthSettings enhancedAuth, List<? extends EventExecutor> shardExecutors, Clock clock,
                  StorageEngine storage) {
        if (shardExecutors.isEmpty()) {
            throw new IllegalArgumentException("at least one shard executor is needed");
        }
        this.settings = settings;
        this.limits = limits;
        this.authFailures = new AuthFailureDelay(limits);
        this.authenticator = authenticator;
        this.enhancedAuth = java.util.Objects.requireNonNull(enhancedAuth, "enhancedAuth");
        this.authorizer = authorizer;
        this.authorizing = authorizer != Authorizer.ALLOW_ALL;
        this.clock = clock;
        this.shards = new Shard[shardExecutors.size()];
        for (int i = 0; i < shards.length; i++) {
            shards[i] = new Shard(i, shardExecutors.get(i));
            if (storage != null) {
                shards[i].journal = new ShardJournal(storage, shards[i]);
            }
        }
        this.storage = storage;
        this.router = new Router(this, topicIndex, online);
        this.throttleHighWater = highWater(settings);
    }

    private static int highWater(MqttSettings settings) {
        int maxQueued = settings.maxQueuedMessages() > 0 ? settings.maxQueuedMessages() : 1000;
        return Math.max(1, maxQueued / 2);
    }

    /**
     * Puts new settings in force, as a configuration reload does. Connections accepted from now on get them all;
     * a connected client keeps the ones it connected with (what its CONNACK announced, its keep alive, packet size,
     * topic and subscription limits, publish rate), except the queue settings ({@code max-queued-messages},
     * {@code max-queued-bytes}, {@code queue-overflow}, {@code queue-qos0}), which every session applies from its
     * next message on, and the failed-login delay, which applies to the next failure. Nothing queued is dropped
     * here. Any thread.
     *
     * @param authExchangeTimeout how long an enhanced authentication exchange may take (the connect timeout)
     */
    public void update(MqttSettings newSettings, ClientLimits newLimits, java.time.Duration authExchangeTimeout) {
        this.settings = java.util.Objects.requireNonNull(newSettings, "newSettings");
        this.limits = java.util.Objects.requireNonNull(newLimits, "newLimits");
        this.throttleHighWater = highWater(newSettings);
        this.authFailures.update(newLimits);
        this.enhancedAuth = new EnhancedAuthSettings(enhancedAuth.methods(), authExchangeTimeout);
    }

    int throttleHighWater() {
        return throttleHighWater;
    }

    int throttleLowWater() {
        return throttleHighWater / 2;
    }

    /** Binds a new network connection to the broker; the transport calls the returned handler. */
    public ClientConnection accept(Connection connection) {
        connectionCount.incrementAndGet();
        return new ClientConnection(this, new CountingConnection(connection, stats));
    }

    public MqttSettings settings() {
        return settings;
    }

    public ClientLimits limits() {
        return limits;
    }

    AuthFailureDelay authFailures() {
        return authFailures;
    }

    public BrokerStats stats() {
        return stats;
    }

    public int subscriptionCount() {
        return topicIndex.size();
    }

    public int retainedCount() {
        return retained.size();
    }

    /** Connections currently open (including those not yet through CONNECT). */
    public int connectionCount() {
        return connectionCount.get();
    }

    public int onlineClientCount() {
        return online.size();
    }

    /** True while a client with this id has a connection past CONNECT. */
    public boolean isConnected(String clientId) {
        return online.contains(clientId);
    }

    public boolean isShuttingDown() {
        return shuttingDown;
    }

    /**
     * Tells every connected MQTT 5 client the server is shutting down (DISCONNECT 0x8B) and closes every
     * connection. Completes when each shard has done so.
     */
    /**
     * Password checks (slow by design) run here, not on the I/O threads: two threads, and at most
     * {@value #VERIFY_QUEUE} logins waiting (beyond that a login is refused with 0x89 server busy).
     */
    private final java.util.concurrent.ThreadPoolExecutor verifier = newVerifier();
    static final int VERIFY_QUEUE = 1024;

    private static java.util.concurrent.ThreadPoolExecutor newVerifier() {
        AtomicInteger n = new AtomicInteger();
        java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(2, 2, 30,
                java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.ArrayBlockingQueue<>(VERIFY_QUEUE),
                r -> {
                    Thread t = new Thread(r, "tern-verify-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new java.util.concurrent.ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** Runs a password check on the verifier threads; false when too many are waiting. */
    boolean verifyOffLoop(Runnable check) {
        try {
            verifier.execute(check);
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return false;
        }
    }

    public CompletableFuture<Void> shutdown() {
        shuttingDown = true;
        verifier.shutdown();
        if (expiryPurge != null) {
            expiryPurge.stop();
        }
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (Shard shard : shards) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            done.add(f);
            shard.submit(new ShutdownShard(shard, f));
        }
        return CompletableFuture.allOf(done.toArray(CompletableFuture[]::new));
    }

    /** Command: close every connection of one shard. */
    private record ShutdownShard(Shard shard, CompletableFuture<Void> done) implements Runnable {
        @Override
        public void run() {
            try {
                for (Session s : List.copyOf(shard.sessions.values())) {
                    if (s.connection != null) {
                        s.connection.closeByServer(Disconnect.of(ReasonCode.SERVER_SHUTTING_DOWN), false);
                    }
                }
            } finally {
                if (shard.journal == null) {
                    done.complete(null);
                } else {
                    shard.journal.flush().whenComplete((v, e) -> done.complete(null));
                }
            }
        }
    }

    // ---- package-private collaboration with ClientConnection and the router ----

    Clock clock() {
        return clock;
    }

    long now() {
        return clock.millis();
    }

    Authenticator authenticator() {
        return authenticator;
    }

    EnhancedAuthSettings enhancedAuth() {
        return enhancedAuth;
    }

    boolean mayPublish(ClientIdentity who, String topic) {
        return !authorizing || authorizer.canPublish(who, topic);
    }

    boolean maySubscribe(ClientIdentity who, String filter) {
        return !authorizing || authorizer.canSubscribe(who, filter);
    }

    /** Whether a message on this topic may go to the session; a refusal is counted as a drop. */
    boolean mayRead(Session session, String topic) {
        if (!authorizing || authorizer.canRead(session.identity, topic)) {
            return true;
        }
        stats.dropped(DropReason.NOT_AUTHORIZED);
        return false;
    }

    /**
     * Brings back sessions, subscriptions, retained messages and pending wills from the store. Call once, after
     * construction and before the first connection is accepted; blocking. Returns a one-line description for logs.
     */
    public String restore() {
        if (storage == null) {
            return "nothing to restore (no store)";
        }
        String summary = new StoreRestore(this, storage).run().toString();
        expiryPurge = new ExpiryPurge(this, storage, ExpiryPurge.defaultIntervalMillis());
        expiryPurge.start();
        return summary;
    }

    /** Removes expired messages from the store; started by {@link #restore()}. */
    private ExpiryPurge expiryPurge;

    /** The durable store, or null. */
    StorageEngine storage() {
        return storage;
    }

    TopicIndex topicIndex() {
        return topicIndex;
    }

    RetainedStore retained() {
        return retained;
    }

    Shard[] shards() {
        return shards;
    }

    int shardIndex(String clientId) {
        return Math.floorMod(clientId.hashCode(), shards.length);
    }

    Shard shardFor(String clientId) {
        return shards[shardIndex(clientId)];
    }

    void connectionClosed() {
        connectionCount.decrementAndGet();
    }

    void markOnline(String clientId, boolean isOnline) {
        if (isOnline) {
            online.add(clientId);
        } else {
            online.remove(clientId);
        }
    }

    /**
     * Publishes an application message: stores or clears the retained message, then routes it. Runs on the
     * publisher's shard (or the shard of the session whose will it is). Returns the number of matching sessions.
     */
    int publish(Message message, ClientConnection publisher) {
        return publish(message, publisher, null, null);
    }

    /**
     * As {@link #publish(Message, ClientConnection)}, on the shard {@code origin} (the publisher's, or the will's
     * session's; null when not on a shard: nothing is stored then). With a store, the retained slot is journaled
     * there, and {@code ack} (when not null) waits for every batch that holds the message.
     */
    int publish(Message message, ClientConnection publisher, PendingAck ack, Shard origin) {
        stats.messagesReceived.increment();
        ShardJournal journal = origin == null ? null : origin.journal;
        if (message.retain()) {
            retained.put(message);
            if (journal != null) {
                if (message.payload().length == 0) {
                    journal.add(new Mutation.RemoveRetained(message.topic()));
                } else {
                    journal.add(new Mutation.PutRetained(message.topic(), journal.putAgain(message)));
                }
            }
        }
        return router.route(message, publisher, ack, journal);
    }

    /**
     * Called by the router between matching and handing the message to subscriber shards: when a durable session
     * will get it at QoS 1/2, the publisher's shard stores it once, and commits before any subscriber shard
     * references it (their batches come after, so they never reference a message that is not stored).
     */
    java.util.Collection<Delivery> storeBeforeDispatch(Message message, java.util.Collection<Delivery> deliveries,
                                                      PendingAck ack, ShardJournal journal) {
        java.util.Collection<Delivery> result = deliveries;
        StoredMessage held = null;
        if (message.qos() > 0) {
            List<Delivery> withEntries = null;
            for (Delivery d : deliveries) {
                if (d.qos() > 0 && d.backlog().durable) {
                    if (withEntries == null) {
                        withEntries = new ArrayList<>(deliveries.size());
                        if (HOLD_IN_ENTRY && message.expiresAtMillis() == 0 && durableEntries(deliveries) == 1
                                && journal.claimNewId(message)) {
                            // its only holder keeps it: one key written and one deleted, instead of three of each
                            held = StoredForms.toStored(message, message.storageId());
                        } else {
                            journal.reference(message);
                        }
                        for (Delivery before : deliveries) {
                            if (before == d) {
                                break;
                            }
                            withEntries.add(before);
                        }
                    }
                    long seq = d.backlog().takeSeq();
                    SubscriptionEntry via = d.sharedVia();
                    // an online session may acknowledge it before the store gets to the entry: it then withdraws it
                    // (not one far behind: it will not acknowledge this one soon, and the store would only wait)
                    Withdrawable put = d.backlog().online && d.backlog().queued < WITHDRAWABLE_BACKLOG
                            ? new Withdrawable() : null;
                    journal.add(new Mutation.PutQueueEntry(d.clientId(), dev.tern.spi.storage.QueueEntry.queued(seq,
                            message.storageId(), d.qos(), d.retainAsPublished() && message.retain(),
                            d.subscriptionIds(), via == null ? null : via.fullFilter()), put, true, held));
                    withEntries.add(d.stored(seq, put));
                } else if (withEntries != null) {
                    withEntries.add(d);
                }
            }
            if (withEntries != null) {
                result = withEntries;
            }
        }
        // one batch: the message, every durable session's entry, the retained slot and the inbound QoS 2 id are
        // stored together, and before any subscriber shard writes about them
        if (!journal.isEmpty()) {
            if (ack != null) {
                ack.awaitFlush(journal);
            } else {
                journal.flush();
            }
        }
        if (message.storageId() != 0 && held == null) {
            message.markStored(message.storageId());
        }
        return result;
    }

    /** How many of {@code deliveries} get a stored queue entry (QoS 1/2 to a durable session). */
    private static int durableEntries(java.util.Collection<Delivery> deliveries) {
        int n = 0;
        for (Delivery d : deliveries) {
            if (d.qos() > 0 && d.backlog().durable && ++n > 1) {
                break;
            }
        }
        return n;
    }

    /**
     * Publishes a message the broker made itself ($SYS topics): retained store and routing as any message, but not
     * counted as received from a client. Any shard.
     */
    int publishOwn(Message message) {
        if (message.retain()) {
            retained.put(message);
        }
        return router.route(message, null);
    }

    /** Hands one routed message to one session; runs on the session's shard. */
    void deliver(Session session, Message message, Delivery delivery, ClientConnection publisher) {
        if (!mayRead(session, message.topic())) {
            dropStoredEntry(session.shard, delivery);
            return;
        }
        boolean retain = delivery.retainAsPublished() && message.retain();
        Outbound out = new Outbound(message, delivery.qos(), retain, delivery.subscriptionIds(),
                delivery.sharedVia(), delivery.seq(), delivery.withdrawable());
        ClientConnection c = session.connection;
        if (c == null && delivery.qos() == 0 && !settings.queueQos0()) {
            stats.dropped(DropReason.QOS0_NOT_QUEUED);
            return;
        }
        session.out.deliver(out, c, now());
        session.backlog.queued = session.out.queuedCount();
        if (c != null && publisher != null && publisher != c && session.out.queuedCount() >= throttleHighWater) {
            session.throttle(publisher, THROTTLE_MAX_MILLIS);
        }
    }

    /** A delivery that will not happen: the queue entry the publisher's shard stored for it goes. */
    void dropStoredEntry(Shard shard, Delivery d) {
        if (d.seq() != 0 && (d.withdrawable() == null || !d.withdrawable().withdraw())) {
            shard.journal.add(new Mutation.RemoveQueueEntry(d.clientId(), d.seq()));
        }
    }

    /**
     * A shared subscriber went offline: what it had not acknowledged (and what was queued for it) through a
     * shared subscription goes to another online member of the group, where there is one.
     */
    void rerouteShared(Session session) {
        List<Outbound> moved = session.out.takeUnacknowledged(
                o -> o.sharedVia() != null && router.rerouteShared(o, session.clientId));
        if (!moved.isEmpty()) {
            LOG.debug("moved {} messages of shared subscriptions from {} to other members", moved.size(),
                    session.clientId);
        }
    }

    /** Ends a session for good: its subscriptions leave the index, a pending will goes out. On its shard. */
    void endSession(Session session) {
        if (session.connecting != null) {
            session.connecting.superseded();
        }
        session.cancelTimers();
        session.releaseThrottled();
        if (session.willTimer != null) {
            session.willTimer.cancel(false);
            session.willTimer = null;
        }
        Message will = session.pendingWill;
        session.pendingWill = null;
        for (SubscriptionEntry e : session.subscriptions.values()) {
            topicIndex.unsubscribe(e.clientId(), e.filter(), e.shareGroup());
        }
        session.subscriptions.clear();
        session.abandonLoad();
        session.out.clear();
        session.inboundQos2.clear();
        if (session.stored) {
            session.stored = false;
            session.shard.journal.add(new Mutation.DeleteSession(session.clientId));
        }
        session.backlog.durable = false;
        if (session.shard.sessions.get(session.clientId) == session) {
            session.shard.sessions.remove(session.clientId);
        }
        if (will != null) {
            publishWill(will, session.shard);
        }
        LOG.debug("session {} ended", session.clientId);
    }

    /**
     * The connection of a session went away: keep the session until its expiry (publishing a delayed will when
     * due), or end it now. On the session's shard.
     */
    void sessionOffline(Session session, Message will, long willDelaySeconds) {
        long expiry = session.expiryInterval;
        if (expiry == 0) {
            if (will != null) {
                session.pendingWill = will;
            }
            endSession(session);
            return;
        }
        ShardJournal journal = session.shard.journal;
        if (session.stored) {
            journal.add(new Mutation.PutSession(session.record(now())));
            session.out.unload();
        }
        if (will != null) {
            if (willDelaySeconds <= 0) {
                publishWill(will, session.shard);
            } else {
                session.pendingWill = will;
                long delayMs = Math.min(willDelaySeconds, expiry) * 1000L;
                session.willTimer = session.shard.schedule(new PublishDelayedWill(this, session), delayMs);
                if (session.stored) {
                    journal.add(new Mutation.PutWill(new PendingWill(session.clientId, StoredForms.will(will),
                            now() + delayMs)));
                }
            }
        }
        if (expiry != MqttSettings.SESSION_NEVER_EXPIRES) {
            session.expiryTimer = session.shard.schedule(new ExpireSession(this, session), expiry * 1000L);
        }
    }

    /**
     * Publishes a will on {@code shard} (the session's). Its Message Expiry Interval starts now, when it is
     * published [MQTT-3.1.3.2.4], not when its client connected or went away.
     */
    void publishWill(Message will, Shard shard) {
        Long interval = will.properties() == null ? null : will.properties().messageExpiryInterval();
        Message stamped = interval == null ? will : new Message(will.topic(), will.payload(), will.qos(),
                will.retain(), will.properties(), will.publisherId(), now() + interval * 1000L);
        publish(stamped, null, null, shard);
    }

    /** Command: a will delay ran out while its session still lives. */
    record PublishDelayedWill(Broker broker, Session session) implements Runnable {
        @Override
        public void run() {
            Message will = session.pendingWill;
            session.pendingWill = null;
            session.willTimer = null;
            if (will != null && session.connection == null) {
                if (session.stored) {
                    session.shard.journal.add(new Mutation.RemoveWill(session.clientId));
                }
                broker.publishWill(will, session.shard);
            }
        }
    }

    /** Command: the session expiry interval ran out while the client stayed away. */
    record ExpireSession(Broker broker, Session session) implements Runnable {
        @Override
        public void run() {
            session.expiryTimer = null;
            if (session.connection == null && session.shard.sessions.get(session.clientId) == session) {
                LOG.debug("session {} expired", session.clientId);
                broker.endSession(session);
            }
        }
    }
}
