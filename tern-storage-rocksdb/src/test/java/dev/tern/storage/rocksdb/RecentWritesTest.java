package dev.tern.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.storage.kv.Table;
import org.junit.jupiter.api.Test;

class RecentWritesTest {
    private static byte[] key(int i) {
        return new byte[] {(byte) (i >> 8), (byte) i};
    }

    @Test
    void remembersValuesAndDeletionsByTableAndForgetsTheOldestFirst() {
        RecentWrites r = new RecentWrites(3);
        r.written(Table.QUEUES, key(1), new byte[] {10});
        r.written(Table.MESSAGE_REFS, key(1), new byte[] {20});
        r.written(Table.QUEUES, key(2), null);
        assertThat(r.lookup(Table.QUEUES, key(1))).containsExactly(10);
        assertThat(r.lookup(Table.MESSAGE_REFS, key(1))).containsExactly(20);
        assertThat(r.lookup(Table.QUEUES, key(2))).isSameAs(RecentWrites.ABSENT);
        assertThat(r.lookup(Table.QUEUES, key(3))).as("never written: ask the database").isNull();

        r.written(Table.QUEUES, key(1), new byte[] {11}); // rewritten: new value, same place in the order
        assertThat(r.lookup(Table.QUEUES, key(1))).containsExactly(11);
        r.written(Table.QUEUES, key(4), new byte[] {40}); // over capacity: the oldest, QUEUES 1, goes
        assertThat(r.size()).isEqualTo(3);
        assertThat(r.lookup(Table.QUEUES, key(1))).isNull();
        assertThat(r.lookup(Table.MESSAGE_REFS, key(1))).containsExactly(20);
        assertThat(r.lookup(Table.QUEUES, key(4))).containsExactly(40);
    }

    @Test
    void onlyTheHotPathsTablesAreRemembered() {
        assertThat(RecentWrites.remembers(Table.QUEUES)).isTrue();
        assertThat(RecentWrites.remembers(Table.MESSAGE_REFS)).isTrue();
        assertThat(RecentWrites.remembers(Table.MESSAGES)).as("payloads would fill the heap").isFalse();
    }
}
