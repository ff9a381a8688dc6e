package dev.tern.storage.kv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.spi.storage.Mutation;
import dev.tern.spi.storage.QueueEntry;
import dev.tern.spi.storage.StorageBatch;
import dev.tern.spi.storage.StoredMessage;
import dev.tern.spi.storage.Withdrawable;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WriteElisionTest {
    private static StoredMessage message(long id) {
        return new StoredMessage(id, "t", new byte[] {1}, 1, false, null, "p", 0);
    }

    private static QueueEntry entry(long seq, long messageId) {
        return QueueEntry.queued(seq, messageId, 1, false, List.of(), null);
    }

    @Test
    void entryPutAndRemovedInTheGroupCancelsWithItsMessage() {
        StorageBatch publisher = new StorageBatch().putMessage(message(7)).putQueueEntry("a", entry(1, 7));
        StorageBatch subscriber = new StorageBatch().putQueueEntry("a", entry(1, 7).inflight(3));
        StorageBatch ack = new StorageBatch().removeQueueEntry("a", 1);
        Set<Mutation> skip = WriteElision.cancelled(List.of(publisher, subscriber, ack));
        assertThat(skip).hasSize(4);
        assertThat(skip).containsAll(publisher.mutations()).containsAll(subscriber.mutations())
                .containsAll(ack.mutations());
    }

    @Test
    void messageStaysWhileAnotherEntryOrRetainedSlotHoldsIt() {
        StorageBatch publisher = new StorageBatch().putMessage(message(7)).putQueueEntry("a", entry(1, 7))
                .putQueueEntry("b", entry(1, 7));
        StorageBatch ack = new StorageBatch().removeQueueEntry("a", 1);
        Set<Mutation> skip = WriteElision.cancelled(List.of(publisher, ack));
        assertThat(skip).containsExactlyInAnyOrder(publisher.mutations().get(1), ack.mutations().get(0));

        StorageBatch retained = new StorageBatch().putMessage(message(8)).putRetained("t", 8)
                .putQueueEntry("a", entry(2, 8)).removeQueueEntry("a", 2);
        Set<Mutation> skip2 = WriteElision.cancelled(List.of(retained));
        assertThat(skip2).doesNotContain(retained.mutations().get(0), retained.mutations().get(1)).hasSize(2);
    }

    @Test
    void withdrawnEntriesCancelWithTheirMessageAndTheOthersAreClaimed() {
        Withdrawable gone = new Withdrawable();
        Withdrawable kept = new Withdrawable();
        assertThat(gone.withdraw()).isTrue();
        StorageBatch one = new StorageBatch().putMessage(message(7)).putQueueEntry("a", entry(1, 7), gone);
        assertThat(WriteElision.cancelled(List.of(one))).containsExactlyInAnyOrderElementsOf(one.mutations());

        Withdrawable gone2 = new Withdrawable();
        assertThat(gone2.withdraw()).isTrue();
        StorageBatch two = new StorageBatch().putMessage(message(8)).putQueueEntry("a", entry(2, 8), gone2)
                .putQueueEntry("b", entry(1, 8), kept);
        assertThat(WriteElision.cancelled(List.of(two))).containsExactly(two.mutations().get(1));
        assertThat(kept.withdraw()).as("claimed by the pass: the store will write it").isFalse();
    }

    @Test
    void removalOfAnEntryFromAnEarlierGroupIsWritten() {
        StorageBatch ack = new StorageBatch().removeQueueEntry("a", 1);
        assertThat(WriteElision.cancelled(List.of(ack))).isEmpty();
    }

    @Test
    void entriesOfADeletedSessionAreNotPairedAcrossTheDeletion() {
        StorageBatch b = new StorageBatch().putMessage(message(9)).putQueueEntry("a", entry(1, 9)).deleteSession("a")
                .removeQueueEntry("a", 1);
        assertThat(WriteElision.cancelled(List.of(b))).isEmpty();
    }
}
