package dev.tern.storage.kv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.spi.storage.DeliveryState;
import dev.tern.spi.storage.QueueEntry;
import dev.tern.spi.storage.StoredMessage;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordsTest {
    @Test
    void referenceCountsKeepTheirFlags() {
        Records.Refs r = new Records.Refs(3, 1234, 64, false, true);
        assertThat(Records.decodeRefs(Records.encodeRefs(r))).isEqualTo(r);
        Records.Refs s = new Records.Refs(0, 0, 1, true, false);
        assertThat(Records.decodeRefs(Records.encodeRefs(s))).isEqualTo(s);
    }

    @Test
    void countsWrittenBeforeTheFlagsReadAsTrackingHoldersAndMarkedWhileUnreferenced() {
        byte[] v1Referenced = ByteBuffer.allocate(17).put(Records.V1).putInt(2).putLong(99).putInt(64).array();
        assertThat(Records.decodeRefs(v1Referenced)).isEqualTo(new Records.Refs(2, 99, 64, true, false));
        byte[] v1Unreferenced = ByteBuffer.allocate(17).put(Records.V1).putInt(0).putLong(0).putInt(8).array();
        assertThat(Records.decodeRefs(v1Unreferenced)).isEqualTo(new Records.Refs(0, 0, 8, true, true));
    }

    @Test
    void anEntryHoldingItsMessageKeepsItThroughStateChanges() {
        StoredMessage m = new StoredMessage(77, "a/b", new byte[] {1, 2, 3}, 2, false, new byte[] {9}, "pub", 0);
        QueueEntry e = QueueEntry.queued(5, 77, 2, true, List.of(3, 4), "$share/g/a/#");
        byte[] v = Records.encodeQueueEntry(e, m);
        assertThat(Records.holdsMessage(v)).isTrue();
        assertThat(Records.decodeQueueEntry(5, v)).isEqualTo(e);
        assertThat(Records.heldMessage(v)).isEqualTo(m);
        assertThat(Records.sizeOfQueueEntry(v)).isEqualTo(3);

        byte[] sent = Records.replaceQueueEntry(v, e.inflight(300));
        assertThat(Records.decodeQueueEntry(5, sent)).isEqualTo(e.inflight(300));
        assertThat(Records.stateOfQueueEntry(sent)).isEqualTo(DeliveryState.INFLIGHT);
        assertThat(Records.heldMessage(sent)).isEqualTo(m);
        assertThat(Records.messageIdOfQueueEntry(sent)).isEqualTo(77);

        byte[] plain = Records.encodeQueueEntry(e, 3);
        assertThat(Records.holdsMessage(plain)).isFalse();
        assertThat(Records.replaceQueueEntry(plain, e.inflight(1))).isEqualTo(Records.encodeQueueEntry(e.inflight(1), 3));
    }
}
