package dev.tern.storage.rocksdb;

import dev.tern.storage.kv.KeyValueReader;
import dev.tern.storage.kv.KeyValueWriter;
import dev.tern.storage.kv.Table;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

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
     * The writes of one group, kept in the heap per table (sorted as RocksDB sorts them) until {@link #writeTo}:
     * reads see them over the database, and a key written several times in the group (a message's reference count,
     * its unreferenced marker put and then removed) reaches RocksDB once, with its last value. This costs less than a
     * {@link org.rocksdb.WriteBatchWithIndex}, whose index and reads through JNI took a third of the writer's time.
     * Save points let one batch of the group be rolled back alone.
     */
    static final class GroupWriter extends Reader implements KeyValueWriter {
        /** The value of a key deleted in this group (compared by identity). */
        private static final byte[] DELETED = new byte[0];

        private record Undo(Table table, byte[] key, byte[] previous) {
        }

        private final Map<Table, TreeMap<byte[], byte[]>> written = new EnumMap<>(Table.class);
        private final List<Undo> sinceSavePoint = new ArrayList<>();
        /** What earlier groups wrote, read before the database; null for none. */
        private final RecentWrites recent;
        private int size;

        GroupWriter(RocksDB db, Map<Table, ColumnFamilyHandle> handles, ReadOptions readOptions) {
            this(db, handles, readOptions, null);
        }

        GroupWriter(RocksDB db, Map<Table, ColumnFamilyHandle> handles, ReadOptions readOptions,
                    RecentWrites recent) {
            super(db, handles, readOptions);
            this.recent = recent;
        }

        /** Starts a part that {@link #rollbackToSavePoint()} can undo. */
        void setSavePoint() {
            sinceSavePoint.clear();
        }

        /** Undoes every write since the last {@link #setSavePoint()}. */
        void rollbackToSavePoint() {
            for (int i = sinceSavePoint.size() - 1; i >= 0; i--) {
                Undo u = sinceSavePoint.get(i);
                TreeMap<byte[], byte[]> t = written.get(u.table());
                if (u.previous() == null) {
                    t.remove(u.key());
                    size--;
                } else {
                    t.put(u.key(), u.previous());
                }
            }
            sinceSavePoint.clear();
        }

        /** Keys written (put or deleted) in this group. */
        int size() {
            return size;
        }

        /** The database now holds what {@link #writeTo} wrote: earlier groups' reads are to find it there. */
        void written() {
            if (recent == null) {
                return;
            }
            for (Map.Entry<Table, TreeMap<byte[], byte[]>> t : written.entrySet()) {
                if (RecentWrites.remembers(t.getKey())) {
                    for (Map.Entry<byte[], byte[]> e : t.getValue().entrySet()) {
                        recent.written(t.getKey(), e.getKey(), e.getValue() == DELETED ? null : e.getValue());
                    }
                }
            }
        }

        /** Adds the last value of every key written to {@code batch}. */
        void writeTo(WriteBatch batch) throws RocksDBException {
            for (Map.Entry<Table, TreeMap<byte[], byte[]>> t : written.entrySet()) {
                ColumnFamilyHandle cf = handles.get(t.getKey());
                for (Map.Entry<byte[], byte[]> e : t.getValue().entrySet()) {
                    if (e.getValue() == DELETED) {
                        batch.delete(cf, e.getKey());
                    } else {
                        batch.put(cf, e.getKey(), e.getValue());
                    }
                }
            }
        }

        private void write(Table table, byte[] key, byte[] value) {
            byte[] previous = written.computeIfAbsent(table, x -> new TreeMap<>(Arrays::compareUnsigned))
                    .put(key, value);
            if (previous == null) {
                size++;
            }
            sinceSavePoint.add(new Undo(table, key, previous));
        }

        @Override
        public void put(Table table, byte[] key, byte[] value) {
            write(table, key, value);
        }

        @Override
        public void delete(Table table, byte[] key) {
            write(table, key, DELETED);
        }

        @Override
        public byte[] get(Table table, byte[] key) {
            TreeMap<byte[], byte[]> t = written.get(table);
            byte[] known = t == null ? null : t.get(key);
            if (known != null) {
                return known == DELETED ? null : known;
            }
            if (recent != null && RecentWrites.remembers(table)) {
                byte[] remembered = recent.lookup(table, key);
                if (remembered != null) {
                    return remembered == RecentWrites.ABSENT ? null : remembered;
                }
            }
            return super.get(table, key);
        }

        /** The database's entries and this group's, merged in key order; the group's win, its deletions hide. */
        @Override
        public void scan(Table table, byte[] prefix, byte[] from, EntryVisitor visitor) {
            TreeMap<byte[], byte[]> t = written.get(table);
            if (t == null || t.isEmpty()) {
                super.scan(table, prefix, from, visitor);
                return;
            }
            Iterator<Map.Entry<byte[], byte[]>> mine = t.tailMap(from, true).entrySet().iterator();
            Map.Entry<byte[], byte[]> m = nextWithPrefix(mine, prefix);
            try (RocksIterator it = iterator(table)) {
                it.seek(from);
                byte[] dbKey = validWithPrefix(it, prefix);
                while (m != null || dbKey != null) {
                    int order = m == null ? 1 : dbKey == null ? -1 : Arrays.compareUnsigned(m.getKey(), dbKey);
                    boolean go;
                    if (order <= 0) {
                        go = m.getValue() == DELETED || visitor.visit(m.getKey(), m.getValue());
                        m = nextWithPrefix(mine, prefix);
                        if (order == 0) {
                            it.next();
                            dbKey = validWithPrefix(it, prefix);
                        }
                    } else {
                        go = visitor.visit(dbKey, it.value());
                        it.next();
                        dbKey = validWithPrefix(it, prefix);
                    }
                    if (!go) {
                        break;
                    }
                }
                checkStatus(it);
            }
        }

        private static Map.Entry<byte[], byte[]> nextWithPrefix(Iterator<Map.Entry<byte[], byte[]>> it, byte[] prefix) {
            if (!it.hasNext()) {
                return null;
            }
            Map.Entry<byte[], byte[]> e = it.next();
            return startsWith(e.getKey(), prefix) ? e : null;
        }

        private static byte[] validWithPrefix(RocksIterator it, byte[] prefix) {
            if (!it.isValid()) {
                return null;
            }
            byte[] key = it.key();
            return startsWith(key, prefix) ? key : null;
        }

        @Override
        public byte[] lastKey(Table table) {
            TreeMap<byte[], byte[]> t = written.get(table);
            if (t == null || t.isEmpty()) {
                return super.lastKey(table);
            }
            byte[] mine = null;
            for (Map.Entry<byte[], byte[]> e = t.lastEntry(); e != null; e = t.lowerEntry(e.getKey())) {
                if (e.getValue() != DELETED) {
                    mine = e.getKey();
                    break;
                }
            }
            byte[] theirs = null;
            try (RocksIterator it = iterator(table)) {
                for (it.seekToLast(); it.isValid(); it.prev()) {
                    byte[] key = it.key();
                    if (t.get(key) != DELETED) {
                        theirs = key;
                        break;
                    }
                }
                checkStatus(it);
            }
            if (mine == null || theirs == null) {
                return mine == null ? theirs : mine;
            }
            return Arrays.compareUnsigned(mine, theirs) >= 0 ? mine : theirs;
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
