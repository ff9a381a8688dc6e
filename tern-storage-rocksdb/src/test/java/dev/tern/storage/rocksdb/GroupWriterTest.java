package dev.tern.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.storage.kv.Table;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/** The group writer's view: its own writes over the database's, in key order, and what it finally writes. */
class GroupWriterTest {
    @TempDir
    Path dir;
    private RocksDB db;
    private final List<ColumnFamilyHandle> all = new ArrayList<>();
    private final Map<Table, ColumnFamilyHandle> handles = new EnumMap<>(Table.class);
    private final ReadOptions readOptions = new ReadOptions();
    private DBOptions options;

    static {
        RocksDB.loadLibrary();
    }

    @BeforeEach
    void open() throws Exception {
        List<ColumnFamilyDescriptor> cfs = new ArrayList<>();
        for (Table t : Table.values()) {
            cfs.add(new ColumnFamilyDescriptor(t.id().getBytes(StandardCharsets.UTF_8)));
        }
        options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
        db = RocksDB.open(options, dir.toString(), cfs, all);
        for (int i = 0; i < Table.values().length; i++) {
            handles.put(Table.values()[i], all.get(i));
        }
        // in the database: a1, a3, a5, b1
        try (WriteBatch wb = new WriteBatch(); WriteOptions wo = new WriteOptions()) {
            for (String k : List.of("a1", "a3", "a5", "b1")) {
                wb.put(handles.get(Table.QUEUES), bytes(k), bytes("db-" + k));
            }
            db.write(wo, wb);
        }
    }

    @AfterEach
    void close() {
        all.forEach(ColumnFamilyHandle::close);
        db.close();
        options.close();
        readOptions.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    private List<String> scan(RocksTables.GroupWriter w, String prefix, String from) {
        List<String> seen = new ArrayList<>();
        w.scan(Table.QUEUES, bytes(prefix), bytes(from), (k, v) -> seen.add(text(k) + "=" + text(v)));
        return seen;
    }

    @Test
    void scansMergeTheGroupsWritesOverTheDatabaseInKeyOrder() {
        RocksTables.GroupWriter w = new RocksTables.GroupWriter(db, handles, readOptions);
        w.put(Table.QUEUES, bytes("a2"), bytes("new"));
        w.put(Table.QUEUES, bytes("a3"), bytes("changed"));
        w.delete(Table.QUEUES, bytes("a5"));
        w.put(Table.QUEUES, bytes("a9"), bytes("last"));
        w.delete(Table.QUEUES, bytes("a0")); // not in the database: nothing to hide
        assertThat(scan(w, "a", "a")).containsExactly("a1=db-a1", "a2=new", "a3=changed", "a9=last");
        assertThat(scan(w, "a", "a3")).containsExactly("a3=changed", "a9=last");
        assertThat(scan(w, "b", "b")).containsExactly("b1=db-b1");
        List<String> firstTwo = new ArrayList<>();
        w.scan(Table.QUEUES, bytes("a"), bytes("a"), (k, v) -> firstTwo.add(text(k)) && firstTwo.size() < 2);
        assertThat(firstTwo).as("the visitor stops the scan").containsExactly("a1", "a2");
        assertThat(text(w.get(Table.QUEUES, bytes("a3")))).isEqualTo("changed");
        assertThat(w.get(Table.QUEUES, bytes("a5"))).isNull();
        assertThat(text(w.get(Table.QUEUES, bytes("b1")))).isEqualTo("db-b1");
    }

    @Test
    void lastKeySkipsDeletedKeysOnBothSides() {
        RocksTables.GroupWriter w = new RocksTables.GroupWriter(db, handles, readOptions);
        w.delete(Table.QUEUES, bytes("b1"));
        assertThat(text(w.lastKey(Table.QUEUES))).isEqualTo("a5");
        w.put(Table.QUEUES, bytes("c"), bytes("x"));
        assertThat(text(w.lastKey(Table.QUEUES))).isEqualTo("c");
        w.delete(Table.QUEUES, bytes("c"));
        assertThat(text(w.lastKey(Table.QUEUES))).isEqualTo("a5");
    }

    @Test
    void aRolledBackPartLeavesNoTraceAndEachKeyIsWrittenOnceWithItsLastValue() throws Exception {
        RocksTables.GroupWriter w = new RocksTables.GroupWriter(db, handles, readOptions);
        w.setSavePoint();
        w.put(Table.QUEUES, bytes("a1"), bytes("v1"));
        w.put(Table.QUEUES, bytes("a1"), bytes("v2"));
        w.put(Table.MESSAGES, bytes("m"), bytes("kept"));
        w.setSavePoint();
        w.put(Table.QUEUES, bytes("a1"), bytes("rolled back"));
        w.delete(Table.QUEUES, bytes("a3"));
        w.put(Table.QUEUES, bytes("zz"), bytes("rolled back"));
        w.rollbackToSavePoint();
        assertThat(text(w.get(Table.QUEUES, bytes("a1")))).isEqualTo("v2");
        assertThat(text(w.get(Table.QUEUES, bytes("a3")))).isEqualTo("db-a3");
        assertThat(w.get(Table.QUEUES, bytes("zz"))).isNull();
        assertThat(w.size()).isEqualTo(2);
        try (WriteBatch wb = new WriteBatch(); WriteOptions wo = new WriteOptions()) {
            w.writeTo(wb);
            assertThat(wb.count()).as("a1 once, m once").isEqualTo(2);
            db.write(wo, wb);
        }
        assertThat(text(db.get(handles.get(Table.QUEUES), bytes("a1")))).isEqualTo("v2");
        assertThat(text(db.get(handles.get(Table.MESSAGES), bytes("m")))).isEqualTo("kept");
        assertThat(text(db.get(handles.get(Table.QUEUES), bytes("a3")))).isEqualTo("db-a3");
    }
}
