package dev.tern.core;

import dev.tern.codec.ReasonCode;
import dev.tern.codec.packet.Disconnect;
import dev.tern.codec.packet.PublishProperties;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The read and admin API of a running {@link Broker}, for $SYS topics, metrics and the admin HTTP API.
 *
 * <p>Threading (docs/architecture.md): sessions belong to their shard's thread, so every read of per-session
 * state (clients, queues, inflight windows, subscriptions) is a named command submitted to each shard, which
 * answers with immutable snapshots through a {@link CompletableFuture}; admin actions (kick, delete) run the same
 * way on the session's shard. Nothing here blocks: callers compose the futures. Counters ({@link BrokerStats}),
 * the retained store and the topic index are read directly, lock-free, from any thread.
 */
public final class BrokerInspector {
    private final Broker broker;

    public BrokerInspector(Broker broker) {
        this.broker = broker;
    }

    // ================= snapshots (immutable) =================

    /**
     * One network connection as an operator sees it.
     *
     * @param remoteAddress "ip:port"
     * @param protocolVersion "3.1", "3.1.1" or "5"
     * @param keepAlive effective keep alive in seconds (0 = none)
     * @param connectedAtMillis wall-clock millis of the CONNECT
     * @param parkedPackets packets of this publisher held back while a subscriber catches up
     */
    public record ConnectionView(String username, String remoteAddress, String listener, String protocolVersion,
                                 int keepAlive, boolean cleanStart, long connectedAtMillis, int parkedPackets) {
    }

    /** One subscription of one session. {@code filter} is as the client wrote it, with any $share prefix. */
    public record SubscriptionInfo(String clientId, String filter, String shareGroup, int qos, boolean noLocal,
                                   boolean retainAsPublished, int retainHandling, Integer subscriptionId) {
    }

    /**
     * One session, connected or not.
     *
     * @param connection null while the client is offline
     * @param expiryInterval seconds the session outlives its connection; -1 = never expires
     * @param expiresInSeconds for an offline session with an expiry: seconds left; null otherwise
     * @param queued messages waiting in the session queue
     * @param queuedBytes payload bytes of those
     * @param inflight QoS 1/2 messages sent and not yet acknowledged
     * @param inflightBytes payload bytes of those
     */
    public record SessionInfo(String clientId, ConnectionView connection, long expiryInterval, Long expiresInSeconds,
                              List<SubscriptionInfo> subscriptions, int queued, long queuedBytes, int inflight,
                              long inflightBytes, boolean willPending) {
        public boolean connected() {
            return connection != null;
        }
    }

    /** One retained message. {@code expiresInSeconds} is null when it never expires. */
    public record RetainedInfo(String topic, int qos, byte[] payload, String contentType, Long expiresInSeconds) {
    }

    /** A page of retained messages, sorted by topic; {@code total} counts every match of the filter. */
    public record RetainedPage(int total, int offset, List<RetainedInfo> items) {
    }

    /** Totals over every session, for $SYS and gauges; {@code maxQueued} is the longest session queue. */
    public record SessionTotals(int sessions, int connected, long queued, long queuedBytes, long inflight,
                                long inflightBytes, int maxQueued) {
        static final SessionTotals ZERO = new SessionTotals(0, 0, 0, 0, 0, 0, 0);

        SessionTotals plus(SessionTotals o) {
            return new SessionTotals(sessions + o.sessions, connected + o.connected, queued + o.queued,
                    queuedBytes + o.queuedBytes, inflight + o.inflight, inflightBytes + o.inflightBytes,
                    Math.max(maxQueued, o.maxQueued));
        }
    }

    /** What an admin action found: the client was connected and has been disconnected, or the session ended. */
    public enum Outcome { DONE, NOT_FOUND }

    // ================= counters, read anywhere =================

    public Broker broker() {
        return broker;
    }

    public BrokerStats stats() {
        return broker.stats();
    }

    public int connectedClients() {
        return broker.onlineClientCount();
    }

    public int subscriptionCount() {
        return broker.subscriptionCount();
    }

    public int retainedCount() {
        return broker.retainedCount();
    }

    public int shardCount() {
        return broker.shards().length;
    }

    /** The durable store's size (no scan), or empty when the broker keeps nothing on disk. Any thread. */
    public Optional<dev.tern.spi.storage.StorageSize> storageSize() {
        return broker.storage() == null ? Optional.empty() : Optional.of(broker.storage().size());
    }

    // ================= sessions and clients, via the shards =================

    /** Every session (connected and offline), sorted by client id. */
    public CompletableFuture<List<SessionInfo>> sessions() {
        return onEveryShard(shard -> new SnapshotSessions(broker, shard, null, new CompletableFuture<>()),
                SnapshotSessions::result).thenApply(parts -> {
                    List<SessionInfo> all = new ArrayList<>();
                    parts.forEach(all::addAll);
                    all.sort(Comparator.comparing(SessionInfo::clientId));
                    return List.copyOf(all);
                });
    }

    /** The session of one client id, if the broker holds one. */
    public CompletableFuture<Optional<SessionInfo>> session(String clientId) {
        Shard shard = broker.shardFor(clientId);
        SnapshotSessions command = new SnapshotSessions(broker, shard, clientId, new CompletableFuture<>());
        shard.submit(command);
        return command.result().thenApply(list -> list.stream().findFirst());
    }

    /** Totals over all sessions: count, connected, queued and inflight messages and bytes. */
    public CompletableFuture<SessionTotals> sessionTotals() {
        return onEveryShard(shard -> new TotalSessions(shard, new CompletableFuture<>()), TotalSessions::result)
                .thenApply(parts -> parts.stream().reduce(SessionTotals.ZERO, SessionTotals::plus));
    }

    /**
     * Disconnects a connected client: MQTT 5 clients get DISCONNECT 0x98 (administrative action) first; the will
     * is published; the session stays as its expiry allows.
     */
    public CompletableFuture<Outcome> kick(String clientId) {
        Shard shard = broker.shardFor(clientId);
        KickClient command = new KickClient(shard, clientId, false, broker, new CompletableFuture<>());
        shard.submit(command);
        return command.result();
    }

    /** Ends a session now, connected or not (a connected client is kicked first, as by {@link #kick}). */
    public CompletableFuture<Outcome> deleteSession(String clientId) {
        Shard shard = broker.shardFor(clientId);
        KickClient command = new KickClient(shard, clientId, true, broker, new CompletableFuture<>());
        shard.submit(command);
        return command.result();
    }

    // ================= retained messages, read anywhere =================

    /** Retained messages whose topic matches {@code filter}, sorted by topic, {@code limit} from {@code offset}. */
    public RetainedPage retained(String filter, int offset, int limit) {
        if (!TopicFilter.isValidFilter(filter)) {
            throw new IllegalArgumentException("not a valid topic filter: '" + filter + "'");
        }
        long now = broker.now();
        List<Message> all = new ArrayList<>();
        broker.retained().match(filter, now, all::add);
        all.sort(Comparator.comparing(Message::topic));
        int from = Math.min(Math.max(0, offset), all.size());
        int to = Math.min(all.size(), from + Math.max(0, limit));
        List<RetainedInfo> items = new ArrayList<>(to - from);
        for (Message m : all.subList(from, to)) {
            items.add(new RetainedInfo(m.topic(), m.qos(), m.payload(), m.properties().contentType(),
                    m.remainingExpirySeconds(now)));
        }
        return new RetainedPage(all.size(), from, List.copyOf(items));
    }

    /** Payload bytes of all retained messages ({@code $SYS} topics included), kept as a running total: no walk. */
    public long retainedBytes() {
        return broker.retained().payloadBytes();
    }

    /** Deletes the retained message of one topic; false when there was none. */
    public boolean deleteRetained(String topic) {
        if (!TopicFilter.isValidTopicName(topic)) {
            throw new IllegalArgumentException("not a valid topic name: '" + topic + "'");
        }
        boolean[] found = new boolean[1];
        broker.retained().match(topic, broker.now(), m -> found[0] = true);
        broker.retained().remove(topic);
        return found[0];
    }

    /** Deletes every retained message matching the filter; returns how many. */
    public int deleteRetainedMatching(String filter) {
        if (!TopicFilter.isValidFilter(filter)) {
            throw new IllegalArgumentException("not a valid topic filter: '" + filter + "'");
        }
        List<String> topics = new ArrayList<>();
        broker.retained().match(filter, broker.now(), m -> topics.add(m.topic()));
        topics.forEach(broker.retained()::remove);
        return topics.size();
    }

    // ================= publishing as the broker =================

    /**
     * Publishes a message as the broker (no client is its publisher), through the normal path: retained store,
     * routing, the subscribers' ACL checks. Counted as a message received. Completes with the number of sessions
     * it was routed to.
     *
     * @param expirySeconds message expiry interval, null for none
     */
    public CompletableFuture<Integer> publish(String topic, byte[] payload, int qos, boolean retain,
                                              PublishProperties properties, Long expirySeconds) {
        Message m = message(topic, payload, qos, retain, properties, expirySeconds);
        return onTopicShard(new PublishAsBroker(broker, m, false, new CompletableFuture<>()));
    }

    /** As {@link #publish}, for what the broker says about itself ($SYS): not counted as received. */
    public CompletableFuture<Integer> publishOwn(String topic, byte[] payload, boolean retain) {
        Message m = message(topic, payload, 0, retain, PublishProperties.EMPTY, null);
        return onTopicShard(new PublishAsBroker(broker, m, true, new CompletableFuture<>()));
    }

    private Message message(String topic, byte[] payload, int qos, boolean retain, PublishProperties properties,
                            Long expirySeconds) {
        if (!TopicFilter.isValidTopicName(topic)) {
            throw new IllegalArgumentException("not a valid topic name: '" + topic + "'");
        }
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2, got " + qos);
        }
        PublishProperties props = properties == null ? PublishProperties.EMPTY : properties;
        long expiresAt = expirySeconds == null ? 0 : broker.now() + expirySeconds * 1000L;
        return new Message(topic, payload.clone(), qos, retain, props, null, expiresAt);
    }

    /** One topic's messages from the broker always go through one shard, so they stay in order. */
    private CompletableFuture<Integer> onTopicShard(PublishAsBroker command) {
        Shard[] shards = broker.shards();
        shards[Math.floorMod(command.message().topic().hashCode(), shards.length)].submit(command);
        return command.result();
    }

    // ================= commands run on a shard =================

    private <C extends Runnable, T> CompletableFuture<List<T>> onEveryShard(Function<Shard, C> make,
                                                                            Function<C, CompletableFuture<T>> result) {
        Shard[] shards = broker.shards();
        List<CompletableFuture<T>> parts = new ArrayList<>(shards.length);
        for (Shard shard : shards) {
            C command = make.apply(shard);
            parts.add(result.apply(command));
            shard.submit(command);
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                .thenApply(v -> parts.stream().map(CompletableFuture::join).toList());
    }

    /** Command: immutable snapshots of the shard's sessions (or of one client id's). */
    private record SnapshotSessions(Broker broker, Shard shard, String onlyClientId,
                                    CompletableFuture<List<SessionInfo>> result) implements Runnable {
        @Override
        public void run() {
            try {
                List<SessionInfo> out = new ArrayList<>();
                if (onlyClientId != null) {
                    Session s = shard.sessions.get(onlyClientId);
                    if (s != null) {
                        out.add(snapshot(s));
                    }
                } else {
                    for (Session s : shard.sessions.values()) {
                        out.add(snapshot(s));
                    }
                }
                result.complete(out);
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }

        private SessionInfo snapshot(Session s) {
            List<SubscriptionInfo> subs = new ArrayList<>(s.subscriptions.size());
            for (SubscriptionEntry e : s.subscriptions.values()) {
                subs.add(new SubscriptionInfo(s.clientId, e.fullFilter(), e.shareGroup(), e.qos(), e.noLocal(),
                        e.retainAsPublished(), e.retainHandling(), e.subscriptionId()));
            }
            subs.sort(Comparator.comparing(SubscriptionInfo::filter));
            long[] bytes = bytes(s);
            ConnectionView view = s.connection != null ? s.connection.view() : null;
            long expiry = s.expiryInterval == MqttSettings.SESSION_NEVER_EXPIRES ? -1 : s.expiryInterval;
            Long left = null;
            if (s.connection == null && s.expiryTimer != null) {
                left = Math.max(0, s.expiryTimer.getDelay(TimeUnit.SECONDS));
            }
            return new SessionInfo(s.clientId, view, expiry, left, List.copyOf(subs), s.out.queuedCount(), bytes[0],
                    s.out.inflightCount(), bytes[1], s.pendingWill != null);
        }
    }

    /** Payload bytes {queued, inflight} of a session; on its shard. */
    private static long[] bytes(Session s) {
        long inflight = 0;
        long unreleased = 0;
        for (PublishOutFlow.Inflight f : s.out.inflightView().values()) {
            inflight += f.outbound.payloadSize();
            if (!f.released) {
                unreleased += f.outbound.payloadSize();
            }
        }
        // visits the unreleased inflight messages and the queue, and takes none of them
        long[] visited = new long[1];
        s.out.takeUnacknowledged(o -> {
            visited[0] += o.payloadSize();
            return false;
        });
        return new long[] {visited[0] - unreleased, inflight};
    }

    /** Command: totals over the shard's sessions. */
    private record TotalSessions(Shard shard, CompletableFuture<SessionTotals> result) implements Runnable {
        @Override
        public void run() {
            try {
                int sessions = 0;
                int connected = 0;
                long queued = 0;
                long queuedBytes = 0;
                long inflight = 0;
                long inflightBytes = 0;
                int maxQueued = 0;
                for (Session s : shard.sessions.values()) {
                    maxQueued = Math.max(maxQueued, s.out.queuedCount());
                    sessions++;
                    if (s.connection != null) {
                        connected++;
                    }
                    queued += s.out.queuedCount();
                    inflight += s.out.inflightCount();
                    long[] b = bytes(s);
                    queuedBytes += b[0];
                    inflightBytes += b[1];
                }
                result.complete(new SessionTotals(sessions, connected, queued, queuedBytes, inflight, inflightBytes,
                        maxQueued));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }
    }

    /** Command: disconnect a client (0x98 for MQTT 5) and, when {@code endSession}, end its session too. */
    private record KickClient(Shard shard, String clientId, boolean endSession, Broker broker,
                              CompletableFuture<Outcome> result) implements Runnable {
        @Override
        public void run() {
            try {
                Session s = shard.sessions.get(clientId);
                if (s == null || (!endSession && s.connection == null)) {
                    result.complete(Outcome.NOT_FOUND);
                    return;
                }
                if (s.connection != null) {
                    s.connection.closeByServer(Disconnect.of(ReasonCode.ADMINISTRATIVE_ACTION,
                            "disconnected by an administrator"), true);
                }
                if (endSession && shard.sessions.get(clientId) == s) {
                    broker.endSession(s);
                }
                result.complete(Outcome.DONE);
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }
    }

    /** Command: publish a message with no client as its publisher. */
    private record PublishAsBroker(Broker broker, Message message, boolean own,
                                   CompletableFuture<Integer> result) implements Runnable {
        @Override
        public void run() {
            try {
                result.complete(own ? broker.publishOwn(message) : broker.publish(message, null));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }
    }
}
