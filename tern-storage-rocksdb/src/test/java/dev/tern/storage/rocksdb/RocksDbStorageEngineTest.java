package dev.tern.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.spi.storage.PendingWill;
import dev.tern.spi.storage.QueueEntry;
import dev.tern.spi.storage.SessionRecord;
import dev.tern.spi.storage.StorageBatch;
import dev.tern.spi.storage.StorageCorruptedException;
import dev.tern.spi.storage.StorageEngine;
import dev.tern.spi.storage.StorageException;
import dev.tern.spi.storage.StoredMessage;
import dev.tern.spi.storage.SubscriptionRecord;
import dev.tern.spi.storage.SyncMode;
import dev.tern.storage.StorageEngineContract;
import dev.tern.storage.kv.Keys;
import dev.tern.storage.kv.Records;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

class RocksDbStorageEngineTest extends StorageEngineContract {
    @Override
    protected StorageEngine open(Path dir, SyncMode sync) {
        return RocksDbStorageEngine.open(dir, RocksDbSettings.DEFAULTS.withSync(sync)
                .withSyncInterval(Duration.ofMillis(5)));
    }

    @Override
    protected boolean durable() {
        return true;
    }

    /** Garbage in CURRENT and every MANIFEST: what a bad disk or a stray copy leaves. */
    @Override
    protected void corrupt(Path dir) throws IOException {
        byte[] garbage = "this is not a manifest\u0000\u0001\u0002".getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith("MANIFEST-")) {
                    Files.write(p, garbage);
                }
            }
        }
        Files.writeString(dir.resolve("CURRENT"), "MANIFEST-garbage");
    }

    @Test
    void concurrentBatchesShareWritesAndSyncs() throws Exception {
        RocksDbStorageEngine rocks = (RocksDbStorageEngine) store;
        long groupsBefore = rocks.groupsWritten();
        long batchesBefore = rocks.batchesWritten();
        List<Thread> shards = new ArrayList<>();
        List<CompletableFuture<Void>> futures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int s = 0; s < 8; s++) {
            String client = "s" + s;
            shards.add(new Thread(() -> {
                for (int i = 1; i <= 100; i++) {
                    StoredMessage m = message("t", client + i);
                    futures.add(store.commit(new StorageBatch().putMessage(m)
                            .putQueueEntry(client, QueueEntry.queued(i, m.id(), 1, false, List.of(), null))));
                }
            }));
        }
        shards.forEach(Thread::start);
        for (Thread t : shards) {
            t.join();
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        long groups = rocks.groupsWritten() - groupsBefore;
        long batches = rocks.batchesWritten() - batchesBefore;
        assertThat(batches).isEqualTo(800);
        assertThat(groups).as("800 batches from 8 threads in %d synced writes", groups).isLessThan(batches);
    }

    @Test
    void idsAfterARestartStartAboveTheMessagesEntriesHold() {
        long last = 0;
        for (int i = 1; i <= 3; i++) {
            StoredMessage m = message("t", "m" + i);
            commit(new StorageBatch().putQueueEntryHolding("c", queued(i, m), m));
            last = m.id();
        }
        reopen();
        assertThat(store.nextMessageId()).as("the messages table is empty; the floor is not").isGreaterThan(last);
    }

    @Test
    void aFormatOneFolderIsReadAndUpgradedAndALaterFormatIsRefused() throws Exception {
        StoredMessage m = message("t", "old");
        commit(new StorageBatch().putMessage(m).putQueueEntry("c", queued(1, m)));
        store.close();
        store = null;
        assertThat(setFormat(dir, 1)).isEqualTo(RocksDbStorageEngine.FORMAT_VERSION);
        store = open(dir, SyncMode.ALWAYS);
        assertThat(queue("c")).containsExactly(queued(1, m));
        store.close();
        store = null;
        assertThat(setFormat(dir, 3)).as("upgraded when opened").isEqualTo(RocksDbStorageEngine.FORMAT_VERSION);
        assertThatThrownBy(() -> open(dir, SyncMode.ALWAYS)).isInstanceOf(StorageCorruptedException.class)
                .hasMessageContaining("store format this version cannot read");
        setFormat(dir, RocksDbStorageEngine.FORMAT_VERSION);
        store = open(dir, SyncMode.ALWAYS);
    }

    /** Writes the folder's format version as another Tern would; returns the one it had. */
    private static long setFormat(Path dir, long version) throws RocksDBException {
        try (Options options = new Options(); DBOptions dbOptions = new DBOptions()) {
            List<byte[]> names = RocksDB.listColumnFamilies(options, dir.toString());
            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            for (byte[] name : names) {
                descriptors.add(new ColumnFamilyDescriptor(name));
            }
            List<ColumnFamilyHandle> handles = new ArrayList<>();
            try (RocksDB db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles)) {
                ColumnFamilyHandle meta = handles.get(names.indexOf(names.stream()
                        .filter(n -> new String(n, StandardCharsets.UTF_8).equals("default")).findFirst().orElseThrow()));
                long before = Records.decodeLong(db.get(meta, Keys.FORMAT_VERSION));
                db.put(meta, Keys.FORMAT_VERSION, Records.encodeLong(version));
                handles.forEach(ColumnFamilyHandle::close);
                return before;
            }
        }
    }

    @Test
    void storeToolDumpsAFolderWithoutTakingItsLock() {
        StoredMessage m = message("a/b", "hello");
        StoredMessage bin = new StoredMessage(store.nextMessageId(), "r", new byte[] {0, (byte) 0xff}, 0, true, null,
                null, 0);
        commit(new StorageBatch().putSession(new SessionRecord("c1", 60, 1234, true))
                .putSubscription(new SubscriptionRecord("c1", "a/#", null, 1, false, false, 0, 3))
                .putMessage(m).putQueueEntry("c1", QueueEntry.queued(1, m.id(), 1, false, List.of(), null))
                .putQueueEntry("c1", QueueEntry.queued(2, m.id(), 1, false, List.of(), null).inflight(9))
                .putMessage(bin).putRetained("r", bin.id())
                .addInboundPacketId("c1", 12).putWill(new PendingWill("c1", new byte[4], 777)));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = StoreTool.run(new String[] {"dump", dir.toString()}, new PrintStream(out, true),
                new PrintStream(err, true));

        assertThat(err.toString()).isEmpty();
        assertThat(status).isZero();
        assertThat(out.toString().lines().toList()).containsSubsequence(
                "session c1 expiry=60 disconnectedAt=1234 persistent=true",
                "subscription c1 a/# qos=1 noLocal=false retainAsPublished=false retainHandling=0 id=3",
                "queue c1 count=2 bytes=10 first=1 last=2 unacknowledged=1",
                "entry c1 1 QUEUED packetId=0 qos=1 retain=false message=" + m.id() + " topic=a/b payload=hello",
                "entry c1 2 INFLIGHT packetId=9 qos=1 retain=false message=" + m.id() + " topic=a/b payload=hello",
                "retained r message=" + bin.id() + " qos=0 payload=hex:00ff",
                "inbound c1 12",
                "will c1 due=777 bytes=4");
        assertThat(out.toString()).containsPattern(
                "counts sessions=1 subscriptions=1 messages=2 queueEntries=2 retained=1 inbound=1 wills=1 diskBytes=\\d+");
    }

    @Test
    void storeToolReportsAnUnreadableFolder() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = StoreTool.run(new String[] {"stats", dir.resolve("missing").toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true));
        assertThat(status).isEqualTo(1);
        assertThat(err.toString()).contains("missing").contains("holds no Tern store");
    }

    @Test
    void aFileWhereTheFolderShouldBeIsNamed() throws IOException {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        assertThatThrownBy(() -> open(file, SyncMode.ALWAYS))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("not a folder");
    }

    @Test
    void aFolderOfAnotherProgramIsRefused() throws IOException {
        Path other = Files.createDirectories(dir.resolve("other"));
        Files.writeString(other.resolve("CURRENT"), "MANIFEST-000001\n");
        assertThatThrownBy(() -> open(other, SyncMode.ALWAYS))
                .isInstanceOf(StorageCorruptedException.class)
                .hasMessageContaining(other.toString()).hasMessageContaining("Move the folder aside");
    }
}
