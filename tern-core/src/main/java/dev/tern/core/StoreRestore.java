package dev.tern.core;

import dev.tern.spi.storage.Mutation;
import dev.tern.spi.storage.QueueSummary;
import dev.tern.spi.storage.SessionRecord;
import dev.tern.spi.storage.StorageEngine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Brings back what the store holds when the broker starts, before any listener accepts: sessions with the time they
 * have left (time spent down counts), their subscriptions (routing works at once), inbound QoS 2 packet ids,
 * pending wills (and the armed wills of clients that were connected: due after their delay, from now) and
 * retained messages. Queued messages stay in the store: each session knows only how many it has,
 * and reads them back when its client returns, so start-up time and heap do not grow with what is queued.
 *
 * <p>Runs on the starting thread while the shards are idle; what it writes into a shard's maps is handed over by
 * the command each shard then runs ({@link #apply}), which also journals the store changes and publishes the wills
 * of sessions that expired while the broker was down.
 */
final class StoreRestore {
    /** What was restored, for the start-up log. */
    record Summary(int sessions, int expiredSessions, int subscriptions, long queuedMessages, int retained,
                   int pendingWills) {
        @Override
        public String toString() {
            return sessions + " sessions (" + expiredSessions + " expired while down), " + subscriptions
                    + " subscriptions, " + queuedMessages + " queued messages, " + retained + " retained messages, "
                    + pendingWills + " pending wills";
        }
    }

    private final Broker broker;
    private final StorageEngine engine;
    private final long now;
    private final Map<String, Session> restored = new HashMap<>();
    /** Per shard: sessions to rewrite (they were connected when the broker went down) or delete (expired). */
    private final List<List<Mutation>> mutations = new ArrayList<>();
    private final List<List<Message>> wills = new ArrayList<>();
    private final Map<String, Message> expiredWills = new HashMap<>();
    private final java.util.Set<String> expired = new java.util.HashSet<>();

    StoreRestore(Broker broker, StorageEngine engine) {
        this.broker = broker;
        this.engine = engine;
        this.now = broker.now();
        for (int i = 0; i < broker.shards().length; i++) {
            mutations.add(new ArrayList<>());
            wills.add(new ArrayList<>());
        }
    }

    Summary run() {
        long[] queued = {0};
        engine.forEachSession(r -> {
            Shard shard = broker.shardFor(r.clientId());
            long downSince = r.disconnectedAtMillis() == 0 ? now : r.disconnectedAtMillis();
            SessionRecord record = new SessionRecord(r.clientId(), r.expiryIntervalSeconds(), downSince,
                    r.persistent());
            long expiresAt = record.expiresAtMillis();
            if (r.expiryIntervalSeconds() == 0 || (expiresAt != 0 && expiresAt <= now)) {
                expired.add(r.clientId());
                mutations.get(shard.index).add(new Mutation.DeleteSession(r.clientId()));
                return;
            }
            if (r.disconnectedAtMillis() == 0) {
                // it was connected when the broker went down: its expiry runs from now
                mutations.get(shard.index).add(new Mutation.PutSession(record));
            }
            Session s = new Session(r.clientId(), shard, broker::settings, broker.stats());
            s.expiryInterval = r.expiryIntervalSeconds();
            s.persistentV3 = r.persistent();
            s.stored = true;
            s.backlog.durable = true;
            s.out.journal(shard.journal);
            QueueSummary summary = join(engine.queueSummary(r.clientId()));
            s.out.restoreStored(summary);
            queued[0] += summary.count();
            if (expiresAt != 0) {
                s.expiryTimer = shard.schedule(new Broker.ExpireSession(broker, s), expiresAt - now);
            }
            shard.sessions.put(r.clientId(), s);
            restored.put(r.clientId(), s);
        });
        int[] subscriptions = {0};
        engine.forEachSubscription(r -> {
            Session s = restored.get(r.clientId());
            if (s == null) {
                return;
            }
            SubscriptionEntry e = new SubscriptionEntry(r.clientId(), r.filter(), r.shareGroup(), r.qos(),
                    r.noLocal(), r.retainAsPublished(), r.retainHandling(), r.subscriptionId(), s.backlog);
            s.subscriptions.put(r.topicFilter(), e);
            broker.topicIndex().subscribe(e);
            subscriptions[0]++;
        });
        int[] retained = {0};
        engine.forEachRetained(r -> {
            if (!r.message().isExpired(now)) {
                broker.retained().put(StoredForms.fromStored(r.message()));
                retained[0]++;
            }
        });
        engine.forEachInboundPacketId(r -> {
            Session s = restored.get(r.clientId());
            if (s != null) {
                s.inboundQos2.add(r.packetId());
            }
        });
        int[] pendingWills = {0};
        engine.forEachPendingWill(w -> {
            Message will = StoredForms.will(w.will(), w.clientId());
            Session s = restored.get(w.clientId());
            if (s == null) {
                // its session ended while the broker was down (expired, or it had none to keep: expiry 0)
                if (expired.contains(w.clientId()) || w.isArmed()) {
                    expiredWills.put(w.clientId(), will);
                }
                mutations.get(broker.shardIndex(w.clientId())).add(new Mutation.RemoveWill(w.clientId()));
                return;
            }
            // an armed will's client was connected when the broker went down: its delay runs from now (the store
            // keeps it armed until it is published, so another stop before then starts the delay again)
            long dueAt = w.isArmed() ? now + w.delayMillis() : w.dueAtMillis();
            s.pendingWill = will;
            s.willTimer = s.shard.schedule(new Broker.PublishDelayedWill(broker, s), Math.max(0, dueAt - now));
            pendingWills[0]++;
        });
        expiredWills.forEach((id, will) -> wills.get(broker.shardIndex(id)).add(will));
        apply();
        Summary summary = new Summary(restored.size(), expired.size(), subscriptions[0], queued[0], retained[0],
                pendingWills[0]);
        return summary;
    }

    /** Hands the restored state to each shard, journals the changes, publishes wills of expired sessions. */
    private void apply() {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (Shard shard : broker.shards()) {
            List<Mutation> changes = mutations.get(shard.index);
            List<Message> due = wills.get(shard.index);
            CompletableFuture<Void> f = new CompletableFuture<>();
            done.add(f);
            shard.submit(() -> {
                try {
                    changes.forEach(shard.journal::add);
                    for (Message will : due) {
                        broker.publishWill(will, shard);
                    }
                    shard.journal.flush().whenComplete((v, e) -> f.complete(null));
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                }
            });
        }
        join(CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)));
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while restoring the store", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the store could not be read: " + e.getCause().getMessage(),
                    e.getCause());
        }
    }
}
