package dev.tern.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tern.spi.storage.DeliveryState;
import dev.tern.spi.storage.ExpiredMessages;
import dev.tern.spi.storage.InboundPacketId;
import dev.tern.spi.storage.PendingWill;
import dev.tern.spi.storage.QueueEntry;
import dev.tern.spi.storage.QueueEntryRef;
import dev.tern.spi.storage.QueueSummary;
import dev.tern.spi.storage.QueuedMessage;
import dev.tern.spi.storage.RetainedMessage;
import dev.tern.spi.storage.SessionRecord;
import dev.tern.spi.storage.StorageBatch;
import dev.tern.spi.storage.StorageCorruptedException;
import dev.tern.spi.storage.StorageEngine;
import dev.tern.spi.storage.StorageException;
import dev.tern.spi.storage.StorageLockedException;
import dev.tern.spi.storage.StorageStats;
import dev.tern.spi.storage.StoredMessage;
import dev.tern.spi.storage.SubscriptionRecord;
import dev.tern.spi.storage.SyncMode;
import dev.tern.spi.storage.Withdrawable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every {@link StorageEngine} passes. An engine's test extends this class and says how to open it;
 * a durable engine also says so ({@link #durable()}) and how to damage its folder ({@link #corrupt}), which enables
 * the reopen, lock and corruption tests.
 */
public abstract class StorageEngineContract {

    @TempDir
    protected Path dir;
    protected StorageEngine store;

    /** Opens (creating if needed) a store in {@code dir}. A memory store ignores {@code dir}. */
    protected abstract StorageEngine open(Path dir, SyncMode sync);

    /** True when what is committed survives {@link StorageEngine#close()} and a new {@link #open}. */
    protected boolean durable() {
        return false;
    }

    /** Damages a closed store's folder so that opening it must fail (durable engines only). */
    protected void corrupt(Path dir) throws IOException {
        throw new UnsupportedOperationException();
    }

    @BeforeEach
    void openStore() {
        store = open(dir, SyncMode.ALWAYS);
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    // ---- helpers ----

    protected static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError(e);
        }
    }

    protected void commit(StorageBatch batch) {
        await(store.commit(batch));
    }

    protected StoredMessage message(String topic, String payload) {
        return message(topic, payload, 0);
    }

    protected StoredMessage message(String topic, String payload, long expiresAt) {
        return new StoredMessage(store.nextMessageId(), topic, payload.getBytes(StandardCharsets.UTF_8), 1, false,
                new byte[] {0x26, 0, 1, 'k', 0, 1, 'v'}, "pub", expiresAt);
    }

    protected static QueueEntry queued(long seq, StoredMessage m) {
        return QueueEntry.queued(seq, m.id(), m.qos(), false, List.of(), null);
    }

    protected void reopen() {
        store.close();
        store = null;
        store = open(dir, SyncMode.ALWAYS);
    }

    protected List<SessionRecord> sessions() {
        List<SessionRecord> l = new ArrayList<>();
        store.forEachSession(l::add);
        return l;
    }

    protected List<SubscriptionRecord> subscriptions() {
        List<SubscriptionRecord> l = new ArrayList<>();
        store.forEachSubscription(l::add);
        return l;
    }

    protected List<RetainedMessage> retained() {
        List<RetainedMessage> l = new ArrayList<>();
        store.forEachRetained(l::add);
        return l;
    }

    protected List<QueueEntry> queue(String clientId) {
        return await(store.readQueue(clientId, 0, Integer.MAX_VALUE)).stream().map(QueuedMessage::entry).toList();
    }

    protected boolean stored(StoredMessage m) {
        return await(store.readMessage(m.id())).isPresent();
    }

    // ---- sessions ----

    @Test
    void sessionsArePutReplacedAndDeleted() {
        commit(new StorageBatch().putSession(new SessionRecord("a", 60, 0, false))
                .putSession(new SessionRecord("b", SessionRecord.NEVER_EXPIRES, 0, true)));
        assertThat(sessions()).containsExactlyInAnyOrder(new SessionRecord("a", 60, 0, false),
                new SessionRecord("b", SessionRecord.NEVER_EXPIRES, 0, true));

        commit(new StorageBatch().putSession(new SessionRecord("a", 120, 5000, false)));
        assertThat(sessions()).contains(new SessionRecord("a", 120, 5000, false)).hasSize(2);

        commit(new StorageBatch().deleteSession("b").deleteSession("never-was"));
        assertThat(sessions()).containsExactly(new SessionRecord("a", 120, 5000, false));
    }

    @Test
    void expiredSessionsAreFoundThroughTheIndexEarliestFirst() {
        commit(new StorageBatch()
                .putSession(new SessionRecord("late", 10, 1_000, false))       // expires 11_000
                .putSession(new SessionRecord("early", 1, 1_000, false))       // expires 2_000
                .putSession(new SessionRecord("online", 1, 0, false))          // connected: never listed
                .putSession(new SessionRecord("forever", SessionRecord.NEVER_EXPIRES, 1_000, true))
                .putSession(new SessionRecord("mid", 5, 1_000, false)));       // expires 6_000

        assertThat(await(store.findExpiredSessions(1_999, 10))).isEmpty();
        assertThat(await(store.findExpiredSessions(6_000, 10))).containsExactly("early", "mid");
        assertThat(await(store.findExpiredSessions(Long.MAX_VALUE / 2, 10))).containsExactly("early", "mid", "late");
        assertThat(await(store.findExpiredSessions(Long.MAX_VALUE / 2, 2))).containsExactly("early", "mid");

        // the client reconnects: no longer expiring; "mid" is deleted
        commit(new StorageBatch().putSession(new SessionRecord("early", 1, 0, false)).deleteSession("mid"));
        assertThat(await(store.findExpiredSessions(Long.MAX_VALUE / 2, 10))).containsExactly("late");

        // disconnects again later: indexed at the new time
        commit(new StorageBatch().putSession(new SessionRecord("early", 1, 20_000, false)));
        assertThat(await(store.findExpiredSessions(20_999, 10))).containsExactly("late");
        assertThat(await(store.findExpiredSessions(21_000, 10))).containsExactly("late", "early");
    }

    @Test
    void deletingASessionDeletesEverythingItHolds() {
        StoredMessage shared = message("t", "shared");
        StoredMessage own = message("t", "own");
        commit(new StorageBatch().putSession(new SessionRecord("a", 60, 0, false))
                .putSession(new SessionRecord("b", 60, 0, false))
                .putSubscription(new SubscriptionRecord("a", "t", null, 1, false, false, 0, null))
                .putMessage(shared).putMessage(own)
                .putQueueEntry("a", queued(1, shared)).putQueueEntry("a", queued(2, own))
                .putQueueEntry("b", queued(1, shared))
                .addInboundPacketId("a", 7)
                .putWill(new PendingWill("a", new byte[] {1, 2}, 99)));

        commit(new StorageBatch().deleteSession("a"));

        assertThat(sessions()).extracting(SessionRecord::clientId).containsExactly("b");
        assertThat(subscriptions()).isEmpty();
        assertThat(queue("a")).isEmpty();
        assertThat(stored(own)).as("message only a held").isFalse();
        assertThat(stored(shared)).as("message b still holds").isTrue();
        List<InboundPacketId> inbound = new ArrayList<>();
        store.forEachInboundPacketId(inbound::add);
        assertThat(inbound).isEmpty();
        List<PendingWill> wills = new ArrayList<>();
        store.forEachPendingWill(wills::add);
        assertThat(wills).isEmpty();
    }

    // ---- subscriptions ----

    @Test
    void subscriptionsKeepEveryOptionAndAreKeyedByFilterAsWritten() {
        SubscriptionRecord plain = new SubscriptionRecord("c", "a/+/b", null, 2, true, true, 2, 17);
        SubscriptionRecord shared = new SubscriptionRecord("c", "a/+/b", "g1", 1, false, false, 1, null);
        SubscriptionRecord other = new SubscriptionRecord("d", "#", null, 0, false, true, 0, 268_435_455);
        commit(new StorageBatch().putSubscription(plain).putSubscription(shared).putSubscription(other));
        assertThat(subscriptions()).containsExactlyInAnyOrder(plain, shared, other);

        SubscriptionRecord replaced = new SubscriptionRecord("c", "a/+/b", null, 0, false, false, 0, null);
        commit(new StorageBatch().putSubscription(replaced).removeSubscription("c", "$share/g1/a/+/b")
                .removeSubscription("c", "not/there"));
        assertThat(subscriptions()).containsExactlyInAnyOrder(replaced, other);
    }

    // ---- queues ----

    @Test
    void queueEntriesComeBackInSequenceOrderWithTheirMessages() {
        StoredMessage m1 = message("t/1", "one");
        StoredMessage m2 = message("t/2", "two");
        QueueEntry e3 = new QueueEntry(3, m2.id(), 2, true, List.of(4, 5), "$share/g/t/+", DeliveryState.QUEUED, 0);
        commit(new StorageBatch().putMessage(m1).putMessage(m2)
                .putQueueEntry("c", e3).putQueueEntry("c", queued(1, m1)).putQueueEntry("c", queued(2, m2))
                .putQueueEntry("other", queued(1, m1)));

        List<QueuedMessage> page = await(store.readQueue("c", 0, 100));
        assertThat(page).extracting(q -> q.entry().seq()).containsExactly(1L, 2L, 3L);
        assertThat(page.get(2).entry()).isEqualTo(e3);
        assertThat(page.get(0).message()).isEqualTo(m1);
        assertThat(page.get(2).message()).isEqualTo(m2);
        assertThat(queue("c-other")).isEmpty();
        assertThat(queue("other")).hasSize(1);
    }

    @Test
    void queuesArePaged() {
        StoredMessage m = message("t", "x");
        StorageBatch b = new StorageBatch().putMessage(m);
        for (long seq = 1; seq <= 25; seq++) {
            b.putQueueEntry("c", queued(seq * 10, m));
        }
        commit(b);
        List<Long> seen = new ArrayList<>();
        long after = 0;
        List<Integer> pageSizes = new ArrayList<>();
        while (true) {
            List<QueuedMessage> page = await(store.readQueue("c", after, 10));
            if (page.isEmpty()) {
                break;
            }
            pageSizes.add(page.size());
            page.forEach(q -> seen.add(q.entry().seq()));
            after = page.get(page.size() - 1).entry().seq();
        }
        assertThat(pageSizes).containsExactly(10, 10, 5);
        assertThat(seen).hasSize(25).isSorted().startsWith(10L).endsWith(250L);
        assertThat(await(store.readQueue("c", 245, 10))).extracting(q -> q.entry().seq()).containsExactly(250L);
        assertThat(await(store.readQueue("c", 250, 10))).isEmpty();
    }

    @Test
    void queueEntryStateChangesAreStoredAndKeepTheMessage() {
        StoredMessage m = message("t", "x");
        QueueEntry e = QueueEntry.queued(1, m.id(), 2, false, List.of(), null);
        commit(new StorageBatch().putMessage(m).putQueueEntry("c", e));
        commit(new StorageBatch().putQueueEntry("c", e.inflight(42)));
        assertThat(queue("c")).containsExactly(e.inflight(42));
        commit(new StorageBatch().putQueueEntry("c", e.inflight(42).released()));
        assertThat(queue("c")).containsExactly(new QueueEntry(1, m.id(), 2, false, List.of(), null,
                DeliveryState.RELEASED, 42));
        assertThat(await(store.queueSummary("c")).bytes()).as("the entry keeps its message's size").isEqualTo(1);
        assertThat(stored(m)).isTrue();
        commit(new StorageBatch().removeQueueEntry("c", 1).removeQueueEntry("c", 1));
        assertThat(queue("c")).isEmpty();
        assertThat(stored(m)).isFalse();
    }

    @Test
    void stateChangesDoNotAddReferences() {
        StoredMessage m = message("t", "shared");
        QueueEntry e = queued(3, m);
        commit(new StorageBatch().putMessage(m).putQueueEntry("c", e).putQueueEntry("d", queued(1, m)));
        commit(new StorageBatch().putQueueEntry("c", e.inflight(7)));
        commit(new StorageBatch().putQueueEntry("c", e.inflight(7).released()));
        commit(new StorageBatch().removeQueueEntry("d", 1));
        assertThat(stored(m)).as("still held by c").isTrue();
        commit(new StorageBatch().removeQueueEntry("c", 3));
        assertThat(stored(m)).as("c's entry held one reference, not three").isFalse();
    }

    /**
     * A message that expires while it is out to a subscriber is still queued in the store (a QoS 1 message goes out
     * without a write; a QoS 2 one may be purged just before its inflight state arrives): the purge removes it, and
     * the state change that comes after (inflight when the session goes offline, or sent) finds nothing to change.
     * That must not fail the batch, which holds other clients' writes too.
     */
    @Test
    void aStateChangeOfAnEntryThePurgeRemovedIsSkippedAndTheBatchApplies() {
        StoredMessage m = message("t", "expiring", 1_000);
        commit(new StorageBatch().putMessage(m).putQueueEntry("c", queued(1, m)));
        assertThat(await(store.purgeExpiredMessages(1_500, 10)).messagesDeleted()).isEqualTo(1);

        StoredMessage other = message("u", "other");
        commit(new StorageBatch().putQueueEntry("c", queued(1, m).inflight(9))
                .putSession(new SessionRecord("d", 60, 0, false)).putMessage(other)
                .putQueueEntry("d", queued(1, other)));
        assertThat(queue("c")).isEmpty();
        assertThat(stored(m)).isFalse();
        assertThat(sessions()).extracting(SessionRecord::clientId).containsExactly("d");
        assertThat(queue("d")).containsExactly(queued(1, other));
    }

    @Test
    void queueSummaryCountsWithoutReadingMessages() {
        assertThat(await(store.queueSummary("c"))).isEqualTo(QueueSummary.EMPTY);
        StoredMessage small = message("t", "12345");
        StoredMessage big = message("t", "x".repeat(1000));
        commit(new StorageBatch().putMessage(small).putMessage(big)
                .putQueueEntry("c", queued(5, small).inflight(1))
                .putQueueEntry("c", queued(6, big).inflight(2).released())
                .putQueueEntry("c", queued(9, big))
                .putQueueEntry("cc", queued(1, big)));
        assertThat(await(store.queueSummary("c"))).isEqualTo(new QueueSummary(3, 2005, 5, 9, 2));
    }

    // ---- reference counting ----

    @Test
    void aMessageIsDeletedWithItsLastReference() {
        StoredMessage m = message("news", "hello");
        commit(new StorageBatch().putMessage(m)
                .putQueueEntry("a", queued(1, m)).putQueueEntry("b", queued(1, m)).putRetained("news", m.id()));
        commit(new StorageBatch().removeQueueEntry("a", 1));
        assertThat(stored(m)).isTrue();
        commit(new StorageBatch().removeRetained("news"));
        assertThat(stored(m)).isTrue();
        commit(new StorageBatch().removeQueueEntry("b", 1));
        assertThat(stored(m)).isFalse();
        assertThat(store.stats().messages()).isZero();
    }

    @Test
    void aMessageToManySessionsIsStoredOnce() {
        StoredMessage m = message("fan/out", "payload");
        StorageBatch b = new StorageBatch().putMessage(m);
        for (int i = 0; i < 1000; i++) {
            b.putSession(new SessionRecord("s" + i, 3600, 1, false)).putQueueEntry("s" + i, queued(1, m));
        }
        commit(b);
        StorageStats stats = store.stats();
        assertThat(stats.messages()).isEqualTo(1);
        assertThat(stats.queueEntries()).isEqualTo(1000);
        StorageBatch drop = new StorageBatch();
        for (int i = 0; i < 999; i++) {
            drop.deleteSession("s" + i);
        }
        commit(drop);
        assertThat(stored(m)).isTrue();
        commit(new StorageBatch().deleteSession("s999"));
        assertThat(stored(m)).isFalse();
    }

    @Test
    void aWithdrawnQueueEntryIsNeitherWrittenNorLeavesItsMessageBehind() {
        StoredMessage m = message("t", "acknowledged before the store got to it");
        Withdrawable put = new Withdrawable();
        assertThat(put.withdraw()).isTrue();
        commit(new StorageBatch().putMessage(m).putQueueEntry("a", queued(1, m), put));
        assertThat(queue("a")).isEmpty();
        assertThat(stored(m)).isFalse();
        assertThat(store.stats().messages()).isZero();
        assertThat(put.claim()).as("a withdrawn put stays withdrawn").isFalse();
    }

    @Test
    void aMessageKeepsTheReferencesOfEntriesThatWereNotWithdrawn() {
        StoredMessage m = message("fan/out", "x");
        Withdrawable a = new Withdrawable();
        Withdrawable b = new Withdrawable();
        assertThat(a.withdraw()).isTrue();
        commit(new StorageBatch().putMessage(m).putQueueEntry("a", queued(1, m), a)
                .putQueueEntry("b", queued(1, m), b));
        assertThat(b.withdraw()).as("applied: the core must remove it as usual").isFalse();
        assertThat(queue("a")).isEmpty();
        assertThat(queue("b")).containsExactly(queued(1, m));
        commit(new StorageBatch().removeQueueEntry("b", 1));
        assertThat(stored(m)).as("deleted with its one real reference").isFalse();
    }

    @Test
    void anEntryHoldsTheMessageItAloneReferencesThroughItsStatesAndTakesItAlong() {
        StoredMessage m = message("t", "held");
        QueueEntry e = queued(4, m);
        commit(new StorageBatch().putSession(new SessionRecord("c", 60, 0, false)).putQueueEntryHolding("c", e, m));
        if (durable()) {
            reopen();
        }
        assertThat(await(store.readQueue("c", 0, 10))).containsExactly(new QueuedMessage(e, m));
        assertThat(await(store.queueSummary("c"))).isEqualTo(new QueueSummary(1, 4, 4, 4, 0));
        assertThat(store.stats().messages()).as("in the entry, not in the messages").isZero();
        assertThat(stored(m)).isFalse();

        commit(new StorageBatch().putQueueEntry("c", e.inflight(12)));
        commit(new StorageBatch().putQueueEntry("c", e.inflight(12).released()));
        if (durable()) {
            reopen();
        }
        assertThat(await(store.readQueue("c", 0, 10))).containsExactly(new QueuedMessage(e.inflight(12).released(), m));
        assertThat(await(store.queueSummary("c"))).isEqualTo(new QueueSummary(1, 4, 4, 4, 1));

        commit(new StorageBatch().removeQueueEntry("c", 4));
        assertThat(queue("c")).isEmpty();
        assertThat(store.stats().queueEntries()).isZero();
    }

    @Test
    void aHeldMessageGoesWithItsSessionAndCancelsOutWithinAGroup() {
        StoredMessage a = message("t", "a");
        StoredMessage b = message("t", "b");
        commit(new StorageBatch().putQueueEntryHolding("c", queued(1, a), a).putQueueEntryHolding("c", queued(2, b), b)
                .removeQueueEntry("c", 1));
        assertThat(queue("c")).containsExactly(queued(2, b));
        commit(new StorageBatch().deleteSession("c"));
        assertThat(queue("c")).isEmpty();
        assertThat(store.stats().queueEntries()).isZero();
        assertThat(store.stats().messages()).isZero();
    }

    @Test
    void aHeldMessageIsRefusedWhereAnotherCouldReferenceItOrItExpires() {
        StoredMessage m = message("t", "x");
        assertThatThrownBy(() -> new dev.tern.spi.storage.Mutation.PutQueueEntry("c", queued(1, m), null, false, m))
                .isInstanceOf(IllegalArgumentException.class);
        StoredMessage expiring = message("t", "x", 5_000);
        assertThatThrownBy(() -> new StorageBatch().putQueueEntryHolding("c", queued(1, expiring), expiring))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNewMessageWithItsFirstReferenceInTheBatchIsKeptAndGoesWithItsLastReference() {
        StoredMessage m = message("t", "new");
        StoredMessage expiring = message("t", "expires", System.currentTimeMillis() + 3_600_000);
        commit(new StorageBatch().add(new dev.tern.spi.storage.Mutation.PutMessage(m, true))
                .add(new dev.tern.spi.storage.Mutation.PutQueueEntry("a", queued(1, m), null, true))
                .add(new dev.tern.spi.storage.Mutation.PutMessage(expiring, true))
                .add(new dev.tern.spi.storage.Mutation.PutQueueEntry("a", queued(2, expiring), null, true))
                .putQueueEntry("b", queued(1, m)));
        if (durable()) {
            reopen(); // the purge of unreferenced messages at open leaves them alone
        }
        assertThat(stored(m)).isTrue();
        assertThat(queue("a")).containsExactly(queued(1, m), queued(2, expiring));
        commit(new StorageBatch().removeQueueEntry("a", 1));
        assertThat(stored(m)).as("b still holds it").isTrue();
        commit(new StorageBatch().removeQueueEntry("b", 1).removeQueueEntry("a", 2));
        assertThat(stored(m)).isFalse();
        assertThat(stored(expiring)).isFalse();
        assertThat(store.stats().messages()).isZero();
    }

    @Test
    void replacingAQueueEntryMovesItsReference() {
        StoredMessage first = message("t", "1");
        StoredMessage second = message("t", "2");
        commit(new StorageBatch().putMessage(first).putMessage(second).putQueueEntry("c", queued(1, first)));
        commit(new StorageBatch().putQueueEntry("c", queued(1, second)).deleteMessageIfUnreferenced(first.id()));
        assertThat(stored(first)).isFalse();
        assertThat(queue("c")).containsExactly(queued(1, second));
    }

    @Test
    void unreferencedMessagesStayUntilDeletedOnPurpose() {
        StoredMessage m = message("t", "orphan");
        StoredMessage kept = message("t", "kept");
        commit(new StorageBatch().putMessage(m).putMessage(kept).putQueueEntry("c", queued(1, kept)));
        assertThat(stored(m)).as("a subscriber's shard may reference it in a later batch").isTrue();
        commit(new StorageBatch().deleteMessageIfUnreferenced(m.id()).deleteMessageIfUnreferenced(kept.id())
                .deleteMessageIfUnreferenced(123_456_789));
        assertThat(stored(m)).isFalse();
        assertThat(stored(kept)).isTrue();
    }

    @Test
    void anInvalidBatchIsRejectedWholeAndOthersStillApply() {
        StoredMessage m = message("t", "x");
        CompletableFuture<Void> bad = store.commit(new StorageBatch()
                .putSession(new SessionRecord("bad", 1, 0, false))
                .putMessage(m).putQueueEntry("bad", queued(1, m))
                .putQueueEntry("bad", QueueEntry.queued(2, 987_654_321, 1, false, List.of(), null)));
        CompletableFuture<Void> good = store.commit(new StorageBatch().putSession(new SessionRecord("good", 1, 0, false)));
        assertThatThrownBy(() -> bad.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(StorageException.class)
                .hasMessageContaining("987654321");
        await(good);
        assertThat(sessions()).extracting(SessionRecord::clientId).containsExactly("good");
        assertThat(stored(m)).isFalse();
        assertThat(queue("bad")).isEmpty();
        assertThatThrownBy(() -> await(store.commit(new StorageBatch().putRetained("t", 987_654_321))))
                .hasRootCauseInstanceOf(IllegalStateException.class);
        assertThat(retained()).isEmpty();
    }

    // ---- retained, inbound, wills ----

    @Test
    void retainedMessagesAreReplacedAndClearedInTopicOrder() {
        StoredMessage b1 = message("b", "b1");
        StoredMessage a = message("a/x", "a");
        commit(new StorageBatch().putMessage(b1).putRetained("b", b1.id()).putMessage(a).putRetained("a/x", a.id()));
        assertThat(retained()).containsExactly(new RetainedMessage("a/x", a), new RetainedMessage("b", b1));

        StoredMessage b2 = message("b", "b2");
        commit(new StorageBatch().putMessage(b2).putRetained("b", b2.id()));
        assertThat(stored(b1)).as("replaced retained message had no other reference").isFalse();
        assertThat(retained()).containsExactly(new RetainedMessage("a/x", a), new RetainedMessage("b", b2));

        commit(new StorageBatch().putRetained("b", b2.id())); // same message again: still one reference
        commit(new StorageBatch().removeRetained("b").removeRetained("nothing"));
        assertThat(stored(b2)).isFalse();
        assertThat(retained()).containsExactly(new RetainedMessage("a/x", a));
    }

    @Test
    void inboundPacketIdsAreAddedAndRemoved() {
        commit(new StorageBatch().addInboundPacketId("a", 1).addInboundPacketId("a", 65535)
                .addInboundPacketId("b", 1).addInboundPacketId("a", 1));
        commit(new StorageBatch().removeInboundPacketId("b", 1).removeInboundPacketId("b", 2));
        List<InboundPacketId> ids = new ArrayList<>();
        store.forEachInboundPacketId(ids::add);
        assertThat(ids).containsExactlyInAnyOrder(new InboundPacketId("a", 1), new InboundPacketId("a", 65535));
    }

    @Test
    void pendingWillsArePutReplacedAndRemoved() {
        commit(new StorageBatch().putWill(new PendingWill("a", new byte[] {1}, 100))
                .putWill(new PendingWill("b", new byte[] {2, 3}, 200)));
        commit(new StorageBatch().putWill(new PendingWill("a", new byte[] {9, 9}, 300)).removeWill("b"));
        List<PendingWill> wills = new ArrayList<>();
        store.forEachPendingWill(wills::add);
        assertThat(wills).containsExactly(new PendingWill("a", new byte[] {9, 9}, 300));
    }

    @Test
    void armedWillsKeepTheirDelayAndArePendingOnceReplaced() {
        commit(new StorageBatch().putWill(PendingWill.armed("a", new byte[] {1}, 5_000))
                .putWill(new PendingWill("b", new byte[] {2}, 200)));
        List<PendingWill> wills = new ArrayList<>();
        store.forEachPendingWill(wills::add);
        assertThat(wills).containsExactlyInAnyOrder(PendingWill.armed("a", new byte[] {1}, 5_000),
                new PendingWill("b", new byte[] {2}, 200));
        assertThat(wills.get(0).isArmed()).isTrue();
        commit(new StorageBatch().putWill(new PendingWill("a", new byte[] {1}, 700)));
        wills.clear();
        store.forEachPendingWill(wills::add);
        assertThat(wills).filteredOn(w -> w.clientId().equals("a"))
                .containsExactly(new PendingWill("a", new byte[] {1}, 700));
    }

    // ---- expiry of messages ----

    @Test
    void expiredMessagesArePurgedFromQueuesAndRetainedButNotWhileInflight() {
        StoredMessage soon = message("a", "soon", 1_000);
        StoredMessage sent = message("b", "sent", 1_000);
        StoredMessage later = message("c", "later", 5_000);
        StoredMessage never = message("d", "never", 0);
        commit(new StorageBatch().putMessage(soon).putMessage(sent).putMessage(later).putMessage(never)
                .putQueueEntry("x", queued(1, soon)).putQueueEntry("y", queued(7, soon)).putRetained("a", soon.id())
                .putQueueEntry("x", queued(2, sent).inflight(3))
                .putQueueEntry("x", queued(3, later)).putQueueEntry("x", queued(4, never)));

        assertThat(await(store.purgeExpiredMessages(999, 10)).queueEntries()).isEmpty();

        ExpiredMessages purged = await(store.purgeExpiredMessages(1_500, 10));
        assertThat(purged.queueEntries()).containsExactlyInAnyOrder(new QueueEntryRef("x", 1), new QueueEntryRef("y", 7));
        assertThat(purged.retainedTopics()).containsExactly("a");
        assertThat(purged.messagesDeleted()).isEqualTo(1);
        assertThat(purged.more()).isFalse();
        assertThat(stored(soon)).isFalse();
        assertThat(stored(sent)).as("its inflight copy completes first").isTrue();
        assertThat(queue("x")).extracting(QueueEntry::seq).containsExactly(2L, 3L, 4L);
        assertThat(retained()).isEmpty();

        ExpiredMessages again = await(store.purgeExpiredMessages(1_500, 10));
        assertThat(again.queueEntries()).isEmpty();
        assertThat(again.messagesDeleted()).isZero();

        commit(new StorageBatch().removeQueueEntry("x", 2)); // acknowledged at last
        assertThat(stored(sent)).isFalse();

        ExpiredMessages all = await(store.purgeExpiredMessages(Long.MAX_VALUE / 2, 10));
        assertThat(all.queueEntries()).containsExactly(new QueueEntryRef("x", 3));
        assertThat(stored(never)).isTrue();
        assertThat(store.stats().messages()).isEqualTo(1);
    }

    @Test
    void expiryPurgeHonoursItsLimit() {
        StorageBatch b = new StorageBatch();
        for (int i = 1; i <= 5; i++) {
            StoredMessage m = message("t", "m" + i, i * 100L);
            b.putMessage(m).putQueueEntry("c", queued(i, m));
        }
        commit(b);
        ExpiredMessages first = await(store.purgeExpiredMessages(10_000, 3));
        assertThat(first.queueEntries()).extracting(QueueEntryRef::seq).containsExactly(1L, 2L, 3L);
        assertThat(first.more()).isTrue();
        ExpiredMessages rest = await(store.purgeExpiredMessages(10_000, 3));
        assertThat(rest.queueEntries()).extracting(QueueEntryRef::seq).containsExactly(4L, 5L);
        assertThat(rest.more()).isFalse();
        assertThat(store.stats().messages()).isZero();
    }

    // ---- concurrency, group commit, ordering ----

    @Test
    void readsSeeBatchesCommittedBeforeThemWithoutWaiting() {
        StoredMessage m = message("t", "x");
        store.commit(new StorageBatch().putMessage(m).putQueueEntry("c", queued(1, m)));
        assertThat(await(store.readQueue("c", 0, 10))).hasSize(1);
        store.commit(new StorageBatch().removeQueueEntry("c", 1));
        assertThat(await(store.queueSummary("c"))).isEqualTo(QueueSummary.EMPTY);
        assertThat(await(store.readMessage(m.id()))).isEmpty();
    }

    @Test
    void manyConcurrentBatchesAllCompleteInOrderPerShard() throws Exception {
        int shards = 6;
        int batches = 150;
        int perBatch = 4;
        List<Thread> threads = new ArrayList<>();
        ConcurrentLinkedQueue<CompletableFuture<Void>> futures = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        for (int s = 0; s < shards; s++) {
            String client = "shard-" + s;
            threads.add(new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                long seq = 0;
                for (int i = 0; i < batches; i++) {
                    StorageBatch b = new StorageBatch();
                    for (int k = 0; k < perBatch; k++) {
                        StoredMessage m = message("t/" + client, client + "-" + (++seq));
                        b.putMessage(m).putQueueEntry(client, queued(seq, m));
                    }
                    if (i % 10 == 9) { // acknowledgements interleave with appends
                        b.removeQueueEntry(client, seq - perBatch * 5L);
                    }
                    futures.add(store.commit(b));
                }
            }));
        }
        threads.forEach(Thread::start);
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertThat(futures).hasSize(shards * batches).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        int acks = batches / 10;
        for (int s = 0; s < shards; s++) {
            List<QueuedMessage> q = await(store.readQueue("shard-" + s, 0, Integer.MAX_VALUE));
            assertThat(q).hasSize(batches * perBatch - acks);
            assertThat(q).extracting(e -> e.entry().seq()).isSorted();
            for (QueuedMessage e : q) {
                assertThat(new String(e.message().payload(), StandardCharsets.UTF_8))
                        .isEqualTo("shard-" + s + "-" + e.entry().seq());
            }
        }
        assertThat(store.stats().messages()).isEqualTo((long) shards * (batches * perBatch - acks));
    }

    @Test
    void messageIdsAreUniqueAcrossThreads() throws Exception {
        Set<Long> ids = java.util.concurrent.ConcurrentHashMap.newKeySet();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    ids.add(store.nextMessageId());
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertThat(ids).hasSize(40_000).allMatch(id -> id > 0);
    }

    @Test
    void anEmptyBatchCompletesAtOnce() {
        assertThat(store.commit(new StorageBatch())).isCompleted();
    }

    @Test
    void aClosedStoreRefusesWork() {
        store.close();
        assertThat(store.commit(new StorageBatch().putSession(new SessionRecord("a", 1, 0, false))))
                .isCompletedExceptionally();
        store.close(); // idempotent
        store = null;
    }

    @Test
    void everySyncModeAppliesBatches() {
        for (SyncMode mode : SyncMode.values()) {
            store.close();
            store = open(dir, mode);
            StoredMessage m = message("t", mode.name());
            commit(new StorageBatch().putMessage(m).putQueueEntry(mode.name(), queued(1, m)));
            assertThat(queue(mode.name())).hasSize(1);
        }
        if (durable()) {
            reopen();
            for (SyncMode mode : SyncMode.values()) {
                assertThat(queue(mode.name())).as(mode.name()).hasSize(1);
            }
        }
    }

    @Test
    void statsCountEachKind() {
        StoredMessage m = message("r", "x");
        StoredMessage q = message("q", "y");
        commit(new StorageBatch().putSession(new SessionRecord("a", 1, 0, false))
                .putSession(new SessionRecord("b", 1, 0, false))
                .putSubscription(new SubscriptionRecord("a", "x/#", null, 1, false, false, 0, null))
                .putMessage(m).putRetained("r", m.id()).putMessage(q)
                .putQueueEntry("a", queued(1, q)).putQueueEntry("b", queued(1, q)).putQueueEntry("b", queued(2, m))
                .addInboundPacketId("a", 5).putWill(new PendingWill("b", new byte[3], 1)));
        StorageStats s = store.stats();
        assertThat(s.sessions()).isEqualTo(2);
        assertThat(s.subscriptions()).isEqualTo(1);
        assertThat(s.messages()).isEqualTo(2);
        assertThat(s.queueEntries()).isEqualTo(3);
        assertThat(s.retained()).isEqualTo(1);
        assertThat(s.inboundPacketIds()).isEqualTo(1);
        assertThat(s.pendingWills()).isEqualTo(1);
        if (durable()) {
            assertThat(s.diskBytes()).isPositive();
        }
    }

    // ---- durable engines: reopen, lock, corruption ----

    @Test
    void reopeningRestoresEverything() {
        assumeTrue(durable(), "not a durable engine");
        StoredMessage m1 = message("a/b", "one");
        StoredMessage m2 = message("a/c", "two", 9_000);
        SubscriptionRecord sub = new SubscriptionRecord("c", "a/#", "g", 1, true, true, 1, 9);
        QueueEntry inflight = new QueueEntry(2, m2.id(), 1, true, List.of(9), "$share/g/a/#", DeliveryState.INFLIGHT, 5);
        commit(new StorageBatch().putSession(new SessionRecord("c", 100, 1_000, true))
                .putSubscription(sub).putMessage(m1).putMessage(m2)
                .putQueueEntry("c", queued(1, m1)).putQueueEntry("c", inflight)
                .putRetained("a/b", m1.id()).addInboundPacketId("c", 77)
                .putWill(new PendingWill("c", new byte[] {4, 2}, 5_000)));
        StorageStats before = store.stats();

        reopen();

        assertThat(sessions()).containsExactly(new SessionRecord("c", 100, 1_000, true));
        assertThat(subscriptions()).containsExactly(sub);
        assertThat(await(store.readQueue("c", 0, 10))).containsExactly(
                new QueuedMessage(queued(1, m1), m1), new QueuedMessage(inflight, m2));
        assertThat(retained()).containsExactly(new RetainedMessage("a/b", m1));
        List<InboundPacketId> inbound = new ArrayList<>();
        store.forEachInboundPacketId(inbound::add);
        assertThat(inbound).containsExactly(new InboundPacketId("c", 77));
        List<PendingWill> wills = new ArrayList<>();
        store.forEachPendingWill(wills::add);
        assertThat(wills).containsExactly(new PendingWill("c", new byte[] {4, 2}, 5_000));
        assertThat(await(store.findExpiredSessions(101_000, 10))).containsExactly("c");
        assertThat(store.stats()).usingRecursiveComparison().ignoringFields("diskBytes").isEqualTo(before);
        assertThat(store.nextMessageId()).isGreaterThan(m2.id());
        assertThat(await(store.purgeExpiredMessages(10_000, 10)).messagesDeleted())
                .as("m2 is inflight, so kept").isZero();
        commit(new StorageBatch().removeQueueEntry("c", 1));
        assertThat(stored(m1)).as("still retained").isTrue();
    }

    @Test
    void everyCompletedCommitSurvivesReopen() throws Exception {
        assumeTrue(durable(), "not a durable engine");
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        Set<String> committed = new HashSet<>();
        List<Thread> threads = new ArrayList<>();
        ConcurrentLinkedQueue<String> done = new ConcurrentLinkedQueue<>();
        for (int s = 0; s < 4; s++) {
            String client = "c" + s;
            threads.add(new Thread(() -> {
                for (int i = 1; i <= 100; i++) {
                    StoredMessage m = message("t", client + "/" + i);
                    int seq = i;
                    store.commit(new StorageBatch().putMessage(m).putQueueEntry(client, queued(seq, m)))
                            .thenRun(() -> done.add(client + "/" + seq));
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        futures.add(store.commit(new StorageBatch().putSession(new SessionRecord("last", 1, 0, false))));
        await(futures.get(0));
        committed.addAll(done);
        assertThat(committed).hasSize(400);

        reopen();

        Set<String> found = new HashSet<>();
        for (int s = 0; s < 4; s++) {
            for (QueuedMessage q : await(store.readQueue("c" + s, 0, 1000))) {
                found.add(new String(q.message().payload(), StandardCharsets.UTF_8));
            }
        }
        assertThat(found).containsAll(committed);
    }

    @Test
    void messagesLeftUnreferencedByACrashArePurgedAtOpen() {
        assumeTrue(durable(), "not a durable engine");
        StoredMessage orphan = message("t", "orphan");
        StoredMessage kept = message("t", "kept");
        commit(new StorageBatch().putMessage(orphan).putMessage(kept).putRetained("t", kept.id()));
        reopen();
        assertThat(stored(orphan)).isFalse();
        assertThat(stored(kept)).isTrue();
    }

    @Test
    void aFolderInUseIsRefusedWithAClearMessage() {
        assumeTrue(durable(), "not a durable engine");
        assertThatThrownBy(() -> open(dir, SyncMode.ALWAYS).close())
                .isInstanceOf(StorageLockedException.class)
                .hasMessageContaining(dir.toAbsolutePath().normalize().toString())
                .hasMessageContaining("another Tern broker")
                .satisfies(e -> assertThat(((StorageException) e).dataDir())
                        .isEqualTo(dir.toAbsolutePath().normalize()));
        commit(new StorageBatch().putSession(new SessionRecord("still-works", 1, 0, false)));
    }

    @Test
    void aCorruptFolderIsRefusedWithWhatToDo() throws IOException {
        assumeTrue(durable(), "not a durable engine");
        commit(new StorageBatch().putSession(new SessionRecord("a", 1, 0, false)));
        store.close();
        store = null;
        corrupt(dir);
        assertThatThrownBy(() -> open(dir, SyncMode.ALWAYS).close())
                .isInstanceOf(StorageCorruptedException.class)
                .hasMessageContaining(dir.toAbsolutePath().normalize().toString())
                .hasMessageContaining("Move the folder aside")
                .hasMessageContaining("restore it from a backup");
    }
}
