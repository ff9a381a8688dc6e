package dev.tern.core;

import dev.tern.spi.storage.DeliveryState;
import dev.tern.spi.storage.Mutation;
import dev.tern.spi.storage.QueueEntry;
import dev.tern.spi.storage.QueueSummary;
import dev.tern.spi.storage.QueuedMessage;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outbound half of a session: packet identifiers, the inflight window (bounded by the client's receive
 * maximum), the queue for what cannot go out now, and redelivery after a reconnect. Owned by the session's shard.
 *
 * <p>While its session is durable, every QoS 1/2 entry (and queued QoS 0 entry when {@code queue-qos0} is on) is
 * also written to the session's stored queue through the shard's {@link ShardJournal}: appended when it arrives,
 * marked inflight with its packet id when sent, released after PUBREC, removed when acknowledged or dropped. A QoS 2
 * PUBLISH goes out only once its inflight entry is durable, so that a crash can never make the broker send it again
 * under another packet id (which would deliver it twice). While the session is offline its entries live in the
 * store only ({@link #unload()}); memory then holds counters, not messages, and the entries are read back in pages
 * when the client returns ({@link #beginLoad()}).
 */
final class PublishOutFlow {
    /** The queue limits in force (a configuration reload changes them for the next message). */
    private final java.util.function.Supplier<MqttSettings> settingsInForce;
    private final BrokerStats stats;
    /** The session this flow belongs to (for the connection a deferred send goes to); null in benchmarks. */
    private final Session owner;
    private final LinkedHashMap<Integer, Inflight> inflight = new LinkedHashMap<>();
    /** Starts at the smallest array (most sessions' queues stay empty) and grows as any ArrayDeque does. */
    private ArrayDeque<Outbound> queue = new ArrayDeque<>(0);
    private long queuedBytes;
    private int nextPacketId = 1;

    // ---- the stored queue, while the session is durable ----
    private ShardJournal journal;
    /** Entries in the store that memory does not hold (all older than those it holds). */
    private long storedOnly;
    private long storedOnlyBytes;
    /** False while offline: new entries go to the store only. */
    private boolean resident = true;
    /** Non-null while loading: the stored entries read so far. */
    private ArrayDeque<Outbound> loadedQueue;
    /** While loading: the seqs of entries that arrived meanwhile (held in memory; a page may hold them too). */
    private java.util.Set<Long> arrivedDuringLoad;
    /**
     * The seqs read back from the store, kept until no delivery to this session is in transit: a delivery routed
     * before the read may arrive after it and must not be queued twice.
     */
    private java.util.Set<Long> loadedSeqs;

    /** A QoS 1/2 message sent and not yet fully acknowledged. */
    static final class Inflight {
        final Outbound outbound;
        final int packetId;
        /** PUBREC received, PUBREL sent, PUBCOMP awaited. */
        boolean released;
        /** QoS 2 waiting for its inflight entry to be durable before it goes out. */
        boolean unsent;

        Inflight(Outbound outbound, int packetId) {
            this.outbound = outbound;
            this.packetId = packetId;
        }
    }

    PublishOutFlow(MqttSettings settings, BrokerStats stats) {
        this(() -> settings, stats, null);
    }

    PublishOutFlow(java.util.function.Supplier<MqttSettings> settings, BrokerStats stats, Session owner) {
        this.settingsInForce = settings;
        this.stats = stats;
        this.owner = owner;
    }

    private MqttSettings settings() {
        return settingsInForce.get();
    }

    // ================= durability =================

    /** From now on entries are written to the stored queue through {@code j} (null: not any more). */
    void journal(ShardJournal j) {
        this.journal = j;
    }

    boolean isDurable() {
        return journal != null;
    }

    /** A session restored from the store: its queue stays there until {@link #beginLoad()}. */
    void restoreStored(QueueSummary summary) {
        resident = false;
        storedOnly = summary.count();
        storedOnlyBytes = summary.bytes();
        owner.backlog.nextSeq(summary.lastSeq() + 1);
    }

    /**
     * The session went offline: what memory holds is in the store (QoS 0 entries that are not are dropped), so
     * memory lets go of it; new entries go to the store only.
     */
    void unload() {
        if (journal == null) {
            return;
        }
        for (Inflight f : inflight.values()) {
            if (f.outbound.qos() == 1 && f.outbound.isStored()) {
                // so that a clean reconnect resends it under its packet id [MQTT-4.4.0-1]
                journal.add(new Mutation.PutQueueEntry(owner.clientId,
                        entry(f.outbound, DeliveryState.INFLIGHT, f.packetId)));
            }
            countStoredOnly(f.outbound);
        }
        for (Outbound o : queue) {
            if (o.isStored()) {
                countStoredOnly(o);
            } else {
                stats.dropped(DropReason.QOS0_NOT_QUEUED);
            }
        }
        inflight.clear();
        queue.clear();
        queuedBytes = 0;
        resident = false;
    }

    private void countStoredOnly(Outbound o) {
        storedOnly++;
        storedOnlyBytes += o.payloadSize();
    }

    /** The store purged one of this session's expired queued entries; memory only counted it while offline. */
    void purgedFromStore() {
        if (!resident && storedOnly > 0) {
            storedOnly--;
        }
    }

    /** True when entries are in the store only and must be read before the client gets anything. */
    boolean needsLoad() {
        return !resident;
    }

    /** Starts reading the stored entries back; entries that arrive meanwhile are held after them. */
    void beginLoad() {
        resident = true;
        loadedQueue = new ArrayDeque<>();
        arrivedDuringLoad = new java.util.HashSet<>();
        loadedSeqs = new java.util.HashSet<>();
    }

    /** One page of the stored queue, in seq order. Returns the last seq of the page. */
    long loadPage(List<QueuedMessage> page, Map<String, SubscriptionEntry> subscriptions) {
        long lastSeq = 0;
        if (loadedQueue == null) {
            return Long.MAX_VALUE;
        }
        for (QueuedMessage qm : page) {
            QueueEntry e = qm.entry();
            lastSeq = e.seq();
            if (arrivedDuringLoad.contains(e.seq())) {
                continue;
            }
            loadedSeqs.add(e.seq());
            SubscriptionEntry via = e.sharedVia() == null ? null : subscriptions.get(e.sharedVia());
            Outbound o = new Outbound(StoredForms.fromStored(qm.message()), e.qos(), e.retain(),
                    e.subscriptionIds(), via, e.seq(), null);
            storedOnly = Math.max(0, storedOnly - 1);
            storedOnlyBytes = Math.max(0, storedOnlyBytes - o.payloadSize());
            if (e.state() == DeliveryState.QUEUED) {
                loadedQueue.addLast(o);
            } else {
                Inflight f = new Inflight(o, e.packetId());
                f.released = e.state() == DeliveryState.RELEASED;
                inflight.put(e.packetId(), f);
            }
        }
        return lastSeq;
    }

    /** Whether a page of {@code size} entries, {@code limit} asked, was the last. */
    boolean loadDone(int size, int limit) {
        return size < limit;
    }

    /** The stored entries are all back: they go before those that arrived during the load. */
    void finishLoad() {
        if (loadedQueue == null) {
            return;
        }
        for (Outbound o : loadedQueue) {
            queuedBytes += o.payloadSize();
        }
        loadedQueue.addAll(queue);
        queue = loadedQueue;
        loadedQueue = null;
        arrivedDuringLoad = null;
        forgetLoadedWhenNothingInTransit();
        storedOnly = 0;
        storedOnlyBytes = 0;
        int max = settings().maxQueuedMessages();
        while (max > 0 && queue.size() > max && settings().queueOverflow() == MqttSettings.QueueOverflow.DROP_OLDEST) {
            dropOldest();
        }
    }

    private QueueEntry entry(Outbound o, DeliveryState state, int packetId) {
        SubscriptionEntry via = o.sharedVia();
        return new QueueEntry(o.seq(), o.message().storageId(), o.qos(), o.retain(), o.subscriptionIds(),
                via == null ? null : via.fullFilter(), state, packetId);
    }

    private void forgetLoadedWhenNothingInTransit() {
        if (loadedSeqs != null && loadedQueue == null && owner.backlog.inTransit() == 0) {
            loadedSeqs = null;
        }
    }

    /**
     * An entry the publisher's shard already stored: false when it must not be queued (read back by a load
     * already), and the entry is removed again when the session is no longer durable.
     */
    private boolean admitStored(Outbound out) {
        if (loadedSeqs != null && loadedSeqs.remove(out.seq())) {
            forgetLoadedWhenNothingInTransit();
            return false;
        }
        forgetLoadedWhenNothingInTransit();
        if (arrivedDuringLoad != null) {
            arrivedDuringLoad.add(out.seq());
        }
        return true;
    }

    /** Appends the entry to the stored queue (putting its message if needed); returns it with its seq. */
    private Outbound store(Outbound o, DeliveryState state, int packetId) {
        if (o.withdrawable() != null) {
            // this shard now writes about the entry itself: from here on it is removed, never withdrawn
            o = new Outbound(o.message(), o.qos(), o.retain(), o.subscriptionIds(), o.sharedVia(), o.seq(), null);
        }
        boolean isNew = !o.isStored();
        if (isNew) {
            // put again even if the publisher's shard stored it: the store may have skipped that write (an entry
            // acknowledged within its write group takes its message along), and putting twice is harmless
            journal.putAgain(o.message());
            o = o.withSeq(owner.backlog.takeSeq());
            if (arrivedDuringLoad != null) {
                arrivedDuringLoad.add(o.seq());
            }
        }
        journal.add(new Mutation.PutQueueEntry(owner.clientId, entry(o, state, packetId), null, isNew));
        return o;
    }

    private void removeStored(Outbound o) {
        if (journal != null && o.isStored() && !o.withdrawStored()) {
            journal.add(new Mutation.RemoveQueueEntry(owner.clientId, o.seq()));
        }
    }

    /** Entries to be stored: QoS 1/2, and QoS 0 ones that wait when {@code queue-qos0} is on. */
    private boolean storable(Outbound o) {
        return journal != null && (o.qos() > 0 || settings().queueQos0());
    }

    // ================= the flow =================

    /** Delivers now when the client can take it, queues otherwise. {@code client} is null when offline. */
    void deliver(Outbound out, ClientConnection client, long now) {
        if (out.isStored()) {
            if (journal == null) {
                // stored by the publisher's shard for a session that is not durable (any more): memory only
                owner.shard.journal.add(new Mutation.RemoveQueueEntry(owner.clientId, out.seq()));
                out = out.withSeq(0);
            } else if (!admitStored(out)) {
                return;
            }
        }
        if (client != null && client.isWritable() && queue.isEmpty() && storedOnly == 0) {
            if (out.qos() == 0 || inflight.size() < client.clientReceiveMaximum()) {
                send(out, client, now);
                return;
            }
        }
        if (out.qos() == 0 && client == null && !settings().queueQos0()) {
            stats.dropped(DropReason.QOS0_NOT_QUEUED);
            removeStored(out);
            return;
        }
        enqueue(out);
    }

    /** Sends queued messages while the window and the socket allow. */
    void drain(ClientConnection client, long now) {
        if (storedOnly > 0) {
            return; // still loading: stored entries go first
        }
        while (!queue.isEmpty() && client.isWritable()) {
            Outbound head = queue.peekFirst();
            if (head.qos() > 0 && inflight.size() >= client.clientReceiveMaximum()) {
                return;
            }
            queue.pollFirst();
            queuedBytes -= head.payloadSize();
            send(head, client, now);
        }
    }

    /** On reconnect to an existing session: resend unacknowledged PUBLISH with DUP, and PUBREL [MQTT-4.4.0-1]. */
    void resendInflight(ClientConnection client, long now) {
        Iterator<Inflight> it = inflight.values().iterator();
        while (it.hasNext()) {
            Inflight f = it.next();
            if (f.released) {
                client.sendPubRel(f.packetId);
            } else if (f.unsent) {
                continue; // goes out once durable, see sendWhenStored
            } else if (!client.sendPublish(f.outbound, f.packetId, true, now)) {
                it.remove();
                removeStored(f.outbound);
            }
        }
    }

    /** PUBLISH packets written and acknowledgements received so far: whether the client makes any progress. */
    private long progress;

    long progress() {
        return progress;
    }

    private void send(Outbound out, ClientConnection client, long now) {
        progress++;
        if (out.message().isExpired(now)) {
            stats.dropped(DropReason.EXPIRED);
            removeStored(out);
            return;
        }
        if (out.qos() == 0) {
            client.sendPublish(out, 0, false, now);
            removeStored(out);
            return;
        }
        int id = allocatePacketId();
        if (journal != null) {
            if (out.qos() == 2) {
                out = store(out, DeliveryState.INFLIGHT, id);
            } else if (!out.isStored()) {
                out = store(out, DeliveryState.QUEUED, 0);
            }
            // QoS 1: the packet id is written only when the session goes offline (unload); after a crash the
            // entry is still QUEUED and goes out again under a new id, a duplicate QoS 1 allows. Saves one write
            // per message on the hot path.
        }
        Inflight f = new Inflight(out, id);
        inflight.put(id, f);
        if (journal != null && out.qos() == 2) {
            f.unsent = true;
            journal.afterDurable(failure -> sendWhenStored(f));
            return;
        }
        if (!client.sendPublish(out, id, false, now)) {
            inflight.remove(id);
            removeStored(out);
        }
    }

    /** A QoS 2 inflight entry is durable: now it may go out (unless the client left; then it goes on return). */
    private void sendWhenStored(Inflight f) {
        if (!f.unsent || inflight.get(f.packetId) != f) {
            return;
        }
        f.unsent = false;
        ClientConnection c = owner.connection;
        if (c == null) {
            return;
        }
        if (!c.sendPublish(f.outbound, f.packetId, false, System.currentTimeMillis())) {
            inflight.remove(f.packetId);
            removeStored(f.outbound);
        }
    }

    private boolean full(int extraBytes) {
        int max = settings().maxQueuedMessages();
        long maxBytes = settings().maxQueuedBytes();
        return (max > 0 && queue.size() + storedOnly >= max)
                || (maxBytes > 0 && queuedBytes + storedOnlyBytes + extraBytes > maxBytes);
    }

    private void enqueue(Outbound out) {
        if (full(out.payloadSize())) {
            if (settings().queueOverflow() == MqttSettings.QueueOverflow.DROP_NEW) {
                queueFull("the new message");
                removeStored(out);
                return;
            }
            while (!queue.isEmpty() && full(out.payloadSize())) {
                dropOldest();
            }
            if (full(out.payloadSize())) {
                if (storedOnly == 0 || !storable(out)) {
                    queueFull("the new message");
                    removeStored(out);
                    return;
                }
                // the oldest are in the store only: this one is stored, and one of them removed once read
                dropOldestStored();
            }
        }
        if (storable(out)) {
            if (!out.isStored()) {
                out = store(out, DeliveryState.QUEUED, 0);
            }
            if (!resident) {
                countStoredOnly(out);
                return;
            }
        }
        queue.addLast(out);
        queuedBytes += out.payloadSize();
    }

    /** Entries of the store-only part still to drop (drop-oldest), and whether a read for them is under way. */
    private int trimOwed;
    private boolean trimming;
    private static final int TRIM_PAGE_SLACK = 32;

    private void dropOldestStored() {
        trimOwed++;
        if (!trimming) {
            readForTrim(0);
        }
    }

    private void readForTrim(long afterSeq) {
        trimming = true;
        journal.flush(); // the read must see what this shard journaled (earlier removals included)
        int limit = trimOwed + TRIM_PAGE_SLACK;
        journal.engine().readQueue(owner.clientId, afterSeq, limit).whenComplete((page, error) ->
                owner.shard.submit(() -> trimRead(page, error, limit)));
    }

    /** The oldest stored entries: the queued ones among them go (sent ones stay until acknowledged). */
    private void trimRead(List<QueuedMessage> page, Throwable error, int limit) {
        trimming = false;
        if (error != null || resident || journal == null) {
            trimOwed = 0; // loading meanwhile: finishLoad applies the limit to what it read
            return;
        }
        long last = 0;
        for (QueuedMessage qm : page) {
            last = qm.entry().seq();
            if (trimOwed == 0) {
                break;
            }
            if (qm.entry().state() != DeliveryState.QUEUED) {
                continue;
            }
            journal.add(new Mutation.RemoveQueueEntry(owner.clientId, qm.entry().seq()));
            storedOnly = Math.max(0, storedOnly - 1);
            storedOnlyBytes = Math.max(0, storedOnlyBytes - qm.message().size());
            trimOwed--;
            queueFull("the oldest message");
        }
        if (trimOwed > 0 && page.size() == limit) {
            readForTrim(last);
        } else {
            trimOwed = 0;
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PublishOutFlow.class);
    /** Queue-full drops are counted one by one, and logged at most once a second broker-wide. */
    private static final LogLimiter QUEUE_FULL_LOG = new LogLimiter(1);

    private void queueFull(String dropped) {
        stats.dropped(DropReason.QUEUE_FULL);
        if (QUEUE_FULL_LOG.allow()) {
            LOG.warn("session {}: queue full ({} messages, {} bytes; mqtt.max-queued-messages {}, max-queued-bytes {}, "
                    + "queue-overflow {}): {} dropped{}", owner == null ? "?" : owner.clientId, queuedCount(),
                    queuedBytes + storedOnlyBytes, settings().maxQueuedMessages(), settings().maxQueuedBytes(),
                    settings().queueOverflow().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), dropped,
                    QUEUE_FULL_LOG.suppressedNote());
        }
    }

    private void dropOldest() {
        Outbound oldest = queue.pollFirst();
        queuedBytes -= oldest.payloadSize();
        removeStored(oldest);
        queueFull("the oldest message");
    }

    /** Returns a free packet identifier; the window never holds 65535 ids, so one is always found. */
    private int allocatePacketId() {
        while (true) {
            int id = nextPacketId;
            nextPacketId = id == 65535 ? 1 : id + 1;
            if (!inflight.containsKey(id)) {
                return id;
            }
        }
    }

    /** PUBACK: the QoS 1 message is done. */
    boolean onPubAck(int packetId) {
        progress++;
        Inflight f = inflight.get(packetId);
        if (f == null || f.outbound.qos() != 1) {
            return false;
        }
        inflight.remove(packetId);
        removeStored(f.outbound);
        return true;
    }

    /** PUBREC: the QoS 2 message is received; from now on only PUBREL is resent. False for an unknown id. */
    boolean onPubRec(int packetId, boolean failed) {
        Inflight f = inflight.get(packetId);
        if (f == null || f.outbound.qos() != 2) {
            return false;
        }
        if (failed) {
            inflight.remove(packetId);
            removeStored(f.outbound);
        } else if (!f.released) {
            f.released = true;
            if (journal != null) {
                store(f.outbound, DeliveryState.RELEASED, packetId);
            }
        }
        return true;
    }

    /** PUBCOMP: the QoS 2 exchange is complete. */
    boolean onPubComp(int packetId) {
        progress++;
        Inflight f = inflight.get(packetId);
        if (f == null || !f.released) {
            return false;
        }
        inflight.remove(packetId);
        removeStored(f.outbound);
        return true;
    }

    /**
     * Removes the messages not yet received by the client (queued, or inflight without PUBREC) that the
     * predicate accepts; the predicate may hand them elsewhere. Returns what was removed.
     */
    java.util.List<Outbound> takeUnacknowledged(java.util.function.Predicate<Outbound> take) {
        java.util.List<Outbound> taken = new java.util.ArrayList<>();
        Iterator<Inflight> it = inflight.values().iterator();
        while (it.hasNext()) {
            Inflight f = it.next();
            if (!f.released && take.test(f.outbound)) {
                it.remove();
                removeStored(f.outbound);
                taken.add(f.outbound.withSeq(0));
            }
        }
        Iterator<Outbound> q = queue.iterator();
        while (q.hasNext()) {
            Outbound o = q.next();
            if (take.test(o)) {
                q.remove();
                queuedBytes -= o.payloadSize();
                removeStored(o);
                taken.add(o.withSeq(0));
            }
        }
        return taken;
    }

    int inflightCount() {
        return inflight.size();
    }

    /** Queue length below which more retained messages of a new subscription are handed over. */
    private static final int ROOM = 32;

    /** Whether the flow can take more work that may wait (retained messages of a new subscription). */
    boolean hasRoom() {
        return storedOnly == 0 && queue.size() < ROOM;
    }

    /** Entries waiting to be sent, in memory and in the store only. */
    int queuedCount() {
        return (int) Math.min(Integer.MAX_VALUE, queue.size() + storedOnly);
    }

    Map<Integer, Inflight> inflightView() {
        return java.util.Collections.unmodifiableMap(inflight);
    }

    /** Forgets everything (the session ended; its stored queue goes with the session's record). */
    void clear() {
        inflight.clear();
        queue.clear();
        queuedBytes = 0;
        storedOnly = 0;
        storedOnlyBytes = 0;
        loadedQueue = null;
        arrivedDuringLoad = null;
        loadedSeqs = null;
        resident = true;
        journal = null;
    }
}
