package dev.tern.storage.rocksdb;

import dev.tern.storage.kv.KeyValueReader;
import dev.tern.storage.kv.KeyValueWriter;
import dev.tern.storage.kv.Table;
import java.util.Arrays;
import java.util.Map;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatchWithIndex;

/** The store's tables as RocksDB column families: a reader of the database, and a writer into one batch. */
final class RocksTables {
    private RocksTables() {
    }

    /** Reads the database (optionally at a snapshot, through {@code readOptions}). */
    static class Reader implements KeyValueReader {
        final RocksDB db;
        final Map<Table, ColumnFamilyHandle> handles;
        final ReadOptions readOptions;

        Reader(RocksDB db, Map<Table, ColumnFamilyHandle> handles, ReadOptions readOptions) {
            this.db = db;
            this.handles = handles;
            this.readOptions = readOptions;
        }

        @Override
        public byte[] get(Table table, byte[] key) {
            try {
                return db.get(handles.get(table), readOptions, key);
            } catch (RocksDBException e) {
                throw new RocksFailure(e);
            }
        }

        RocksIterator iterator(Table table) {
            return db.newIterator(handles.get(table), readOptions);
        }

        @Override
        public void scan(Table table, byte[] prefix, byte[] from, EntryVisitor visitor) {
            try (RocksIterator it = iterator(table)) {
                for (it.seek(from); it.isValid(); it.next()) {
                    byte[] key = it.key();
                    if (!startsWith(key, prefix) || !visitor.visit(key, it.value())) {
                        break;
                    }
                }
                checkStatus(it);
            }
        }

        @Override
        public byte[] lastKey(Table table) {
            try (RocksIterator it = iterator(table)) {
                it.seekToLast();
                byte[] key = it.isValid() ? it.key() : null;
                checkStatus(it);
                return key;
            }
        }
    }

    /**
     * Writes into a batch; reads see the batch over the database. Values written in this batch are also kept in a
     * heap map, so that reading back what the group just wrote (a message's counts, a queue entry) costs no call
     * into RocksDB; {@link #forgetWrites()} must follow a rollback of the batch.
     */
    static final class BatchWriter extends Reader implements KeyValueWriter {
        private static final byte[] DELETED = new byte[0];
        private final WriteBatchWithIndex batch;
        private final Map<Table, java.util.HashMap<Key, byte[]>> written = new java.util.EnumMap<>(Table.class);

        private record Key(byte[] bytes) {
            @Override
            public boolean equals(Object o) {
                return o instanceof Key k && Arrays.equals(bytes, k.bytes);
            }

            @Override
            public int hashCode() {
                return Arrays.hashCode(bytes);
            }
        }

        BatchWriter(RocksDB db, Map<Table, ColumnFamilyHandle> handles, ReadOptions readOptions,
                    WriteBatchWithIndex batch) {
            super(db, handles, readOptions);
            this.batch = batch;
        }

        void forgetWrites() {
            written.clear();
        }

        private void remember(Table table, byte[] key, byte[] value) {
            written.computeIfAbsent(table, t -> new java.util.HashMap<>()).put(new Key(key), value);
        }

        @Override
        public byte[] get(Table table, byte[] key) {
            java.util.HashMap<Key, byte[]> w = written.get(table);
            byte[] known = w == null ? null : w.get(new Key(key));
            if (known != null) {
                return known == DELETED ? null : known;
            }
            try {
                return batch.getFromBatchAndDB(db, handles.get(table), readOptions, key);
            } catch (RocksDBException e) {
                throw new RocksFailure(e);
            }
        }

        @Override
        RocksIterator iterator(Table table) {
            ColumnFamilyHandle cf = handles.get(table);
            return batch.newIteratorWithBase(cf, db.newIterator(cf, readOptions), readOptions);
        }

        @Override
        public void put(Table table, byte[] key, byte[] value) {
            try {
                batch.put(handles.get(table), key, value);
                remember(table, key, value);
            } catch (RocksDBException e) {
                throw new RocksFailure(e);
            }
        }

        @Override
        public void delete(Table table, byte[] key) {
            try {
                batch.delete(handles.get(table), key);
                remember(table, key, DELETED);
            } catch (RocksDBException e) {
                throw new RocksFailure(e);
            }
        }
    }

    static void checkStatus(RocksIterator it) {
        try {
            it.status();
        } catch (RocksDBException e) {
            throw new RocksFailure(e);
        }
    }

    static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** A RocksDB error inside the store logic: the store failed, not the batch. */
    static final class RocksFailure extends RuntimeException {
        RocksFailure(RocksDBException cause) {
            super(cause.getMessage(), cause);
        }

        RocksDBException rocks() {
            return (RocksDBException) getCause();
        }
    }
}
