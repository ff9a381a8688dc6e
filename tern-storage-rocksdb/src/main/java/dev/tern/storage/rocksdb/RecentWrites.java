package dev.tern.storage.rocksdb;

import dev.tern.storage.kv.Table;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the writer wrote lately to the tables it reads back on the hot path (queue entries, message reference
 * counts), so that the next groups find it without asking RocksDB: a subscriber's acknowledgement removes an entry
 * and drops its message's count a few milliseconds after both were written. The writer thread is the only one that
 * writes the database, so what it remembers is what the database holds; a key it does not remember is read from
 * the database as usual. Bounded: the oldest writes are forgotten first. Writer thread only.
 */
final class RecentWrites {
    /** A remembered deletion: the database does not hold the key. */
    static final byte[] ABSENT = new byte[0];

    private final int capacity;
    private final Map<TableKey, byte[]> recent;

    private record TableKey(Table table, byte[] key) {
        @Override
        public boolean equals(Object o) {
            return o instanceof TableKey k && table == k.table && Arrays.equals(key, k.key);
        }

        /**
         * FNV-1a over the bytes: the keys here are ids and sequence numbers counting up together (a message id and
         * its holder's seq), for which {@link Arrays#hashCode(byte[])} puts many keys in one bucket.
         */
        @Override
        public int hashCode() {
            long h = 0xcbf29ce484222325L ^ table.ordinal();
            for (byte b : key) {
                h ^= b;
                h *= 0x100000001b3L;
            }
            return (int) (h ^ (h >>> 32));
        }
    }

    RecentWrites(int capacity) {
        this.capacity = capacity;
        this.recent = new LinkedHashMap<>(capacity * 4 / 3 + 1) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<TableKey, byte[]> eldest) {
                return size() > RecentWrites.this.capacity;
            }
        };
    }

    /** Whether the writes of {@code table} are remembered. */
    static boolean remembers(Table table) {
        return table == Table.QUEUES || table == Table.MESSAGE_REFS;
    }

    /** The value written last, {@link #ABSENT} for a deletion, or null when not remembered. */
    byte[] lookup(Table table, byte[] key) {
        return recent.get(new TableKey(table, key));
    }

    /**
     * {@code value} (null: deleted) is now in the database. A key written again keeps its place in the order of
     * forgetting (cheaper than moving it; forgetting it early only costs a read from the database).
     */
    void written(Table table, byte[] key, byte[] value) {
        recent.put(new TableKey(table, key), value == null ? ABSENT : value);
    }

    int size() {
        return recent.size();
    }
}
