package dev.tern.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.spi.storage.QueueEntry;
import dev.tern.spi.storage.StorageBatch;
import dev.tern.spi.storage.StoredMessage;
import dev.tern.spi.storage.Withdrawable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the writer gathers batches whose queue entries a subscriber may still acknowledge ({@link Withdrawable}): it
 * waits for the acknowledgements (so the entries cancel out and nothing is written), completes each batch as soon as
 * it and the batches before it are settled, and never holds a batch longer than the gathering limit. The gathering
 * times are set far apart (a quiet time of minutes) so that what completes a batch here is the event under test,
 * never a timer. (A read makes the writer write what it holds first, so these tests do not read while a batch is
 * open.)
 */
class WriterGatheringTest {
    private static final Duration LONG = Duration.ofMinutes(5);

    @TempDir
    Path dir;
    private RocksDbStorageEngine store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private RocksDbStorageEngine open(Duration quiet, Duration limit) {
        store = RocksDbStorageEngine.open(dir, RocksDbSettings.DEFAULTS.withGathering(quiet, limit));
        return store;
    }

    private StoredMessage message(String payload) {
        return new StoredMessage(store.nextMessageId(), "t", payload.getBytes(StandardCharsets.UTF_8), 1, false, null,
                "pub", 0);
    }

    private static QueueEntry queued(long seq, StoredMessage m) {
        return QueueEntry.queued(seq, m.id(), 1, false, List.of(), null);
    }

    /** A message for one online subscriber, as the core commits it: the message and the subscriber's entry. */
    private CompletableFuture<Void> commitFor(String client, long seq, Withdrawable entry) {
        StoredMessage m = message(client + seq);
        return store.commit(new StorageBatch().putMessage(m).putQueueEntry(client, queued(seq, m), entry));
    }

    private static void await(CompletableFuture<Void> f) throws Exception {
        f.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aBatchCompletesWhenItsEntryIsWithdrawnAndNothingIsWritten() throws Exception {
        open(LONG, LONG);
        Withdrawable first = new Withdrawable();
        Withdrawable second = new Withdrawable();
        CompletableFuture<Void> a = commitFor("sub", 1, first);
        CompletableFuture<Void> b = commitFor("sub", 2, second);
        Thread.sleep(100);
        assertThat(a).as("held while the subscriber may still acknowledge").isNotDone();

        assertThat(first.withdraw()).isTrue();
        await(a);
        assertThat(b).as("its own entry is still open").isNotDone();
        assertThat(second.withdraw()).isTrue();
        await(b);

        assertThat(store.groupsWritten()).as("both cancelled out: no write at all").isZero();
        assertThat(store.stats().messages()).isZero();
        assertThat(store.stats().queueEntries()).isZero();
    }

    @Test
    void batchesCompleteInTheOrderTheyCameEvenWhenALaterOneSettlesFirst() throws Exception {
        open(LONG, LONG);
        Withdrawable first = new Withdrawable();
        Withdrawable second = new Withdrawable();
        CompletableFuture<Void> a = commitFor("x", 1, first);
        CompletableFuture<Void> b = commitFor("y", 1, second);

        assertThat(second.withdraw()).isTrue();
        Thread.sleep(100);
        assertThat(b).as("settled, but behind an open batch").isNotDone();
        assertThat(first.withdraw()).isTrue();
        await(a);
        await(b);
        assertThat(store.groupsWritten()).isZero();
        assertThat(store.readQueue("y", 0, 10).get(30, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void anEntryNotAcknowledgedInTimeIsWrittenAtTheLimitAndCanNoLongerBeWithdrawn() throws Exception {
        open(LONG, Duration.ofMillis(200));
        Withdrawable slow = new Withdrawable();
        CompletableFuture<Void> a = commitFor("slow", 1, slow);
        await(a);
        assertThat(slow.withdraw()).as("written: the core removes it as usual").isFalse();
        assertThat(store.readQueue("slow", 0, 10).get(30, TimeUnit.SECONDS)).hasSize(1);
        assertThat(store.groupsWritten()).isEqualTo(1);
    }

    @Test
    void aSteadyStreamOfNewBatchesDoesNotHoldABatchPastItsLimit() throws Exception {
        open(LONG, Duration.ofMillis(100));
        CompletableFuture<Void> head = commitFor("slow", 1, new Withdrawable());
        // a batch every 10 ms for up to 10 s, each with an entry nobody acknowledges: the quiet time (minutes) never
        // runs out, so only the head's own limit can get it written while the stream goes on
        int sent = 0;
        while (!head.isDone() && sent < 1000) {
            commitFor("busy", ++sent, new Withdrawable());
            Thread.sleep(10);
        }
        assertThat(head).as("written at its limit, during the stream").isDone();
        assertThat(sent).isLessThan(1000);
        await(head);
    }

    @Test
    void batchesWithNothingToWithdrawAreNotHeld() throws Exception {
        open(LONG, LONG);
        StoredMessage m = message("offline");
        // an offline subscriber's entry: nothing can cancel it out, so there is nothing to wait for
        await(store.commit(new StorageBatch().putMessage(m).putQueueEntry("offline", queued(1, m))));
        assertThat(store.stats().queueEntries()).isEqualTo(1);
    }
}
