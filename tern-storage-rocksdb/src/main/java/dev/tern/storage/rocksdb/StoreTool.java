package dev.tern.storage.rocksdb;

import dev.tern.spi.storage.QueueSummary;
import dev.tern.spi.storage.QueuedMessage;
import dev.tern.spi.storage.SessionRecord;
import dev.tern.spi.storage.StorageException;
import dev.tern.spi.storage.StorageStats;
import dev.tern.spi.storage.StoredMessage;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints a data folder's contents as text, one record a line, for people and for tests (the crash test reads it
 * after a {@code kill -9}). Opens the folder read-only: it takes no lock and changes nothing.
 *
 * <pre>
 * java -cp ... dev.tern.storage.rocksdb.StoreTool dump DIR    # everything
 * java -cp ... dev.tern.storage.rocksdb.StoreTool stats DIR   # the counts line only
 * </pre>
 *
 * Line formats (fields separated by one space; payloads printed as text when they are printable ASCII without
 * spaces, else as {@code hex:...}):
 * <pre>
 * session CLIENT expiry=SECONDS disconnectedAt=MILLIS persistent=BOOL
 * subscription CLIENT FILTER qos=N noLocal=BOOL retainAsPublished=BOOL retainHandling=N id=N|-
 * queue CLIENT count=N bytes=N first=SEQ last=SEQ unacknowledged=N
 * entry CLIENT SEQ STATE packetId=N qos=N retain=BOOL message=ID topic=TOPIC payload=PAYLOAD
 * retained TOPIC message=ID qos=N payload=PAYLOAD
 * inbound CLIENT PACKET_ID
 * will CLIENT due=MILLIS bytes=N
 * counts sessions=N subscriptions=N messages=N queueEntries=N retained=N inbound=N wills=N diskBytes=N
 * </pre>
 * Exit status: 0, 1 when the folder cannot be read (the reason on standard error), 2 for bad arguments.
 */
public final class StoreTool {
    private StoreTool() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 2 || !(args[0].equals("dump") || args[0].equals("stats"))) {
            err.println("usage: StoreTool dump|stats DATA_DIR");
            return 2;
        }
        try (RocksDbStorageEngine store = RocksDbStorageEngine.open(Path.of(args[1]),
                RocksDbSettings.DEFAULTS.asReadOnly())) {
            if (args[0].equals("dump")) {
                dump(store, out);
            }
            StorageStats s = store.stats();
            out.println("counts sessions=" + s.sessions() + " subscriptions=" + s.subscriptions() + " messages="
                    + s.messages() + " queueEntries=" + s.queueEntries() + " retained=" + s.retained() + " inbound="
                    + s.inboundPacketIds() + " wills=" + s.pendingWills() + " diskBytes=" + s.diskBytes());
            out.flush();
            return 0;
        } catch (StorageException e) {
            err.println(e.getMessage());
            return 1;
        }
    }

    private static void dump(RocksDbStorageEngine store, PrintStream out) {
        List<SessionRecord> sessions = new ArrayList<>();
        store.forEachSession(sessions::add);
        for (SessionRecord s : sessions) {
            out.println("session " + s.clientId() + " expiry=" + s.expiryIntervalSeconds() + " disconnectedAt="
                    + s.disconnectedAtMillis() + " persistent=" + s.persistent());
        }
        store.forEachSubscription(s -> out.println("subscription " + s.clientId() + " " + s.topicFilter() + " qos="
                + s.qos() + " noLocal=" + s.noLocal() + " retainAsPublished=" + s.retainAsPublished()
                + " retainHandling=" + s.retainHandling() + " id="
                + (s.subscriptionId() == null ? "-" : s.subscriptionId())));
        for (SessionRecord s : sessions) {
            QueueSummary q = store.queueSummary(s.clientId()).join();
            out.println("queue " + s.clientId() + " count=" + q.count() + " bytes=" + q.bytes() + " first="
                    + q.firstSeq() + " last=" + q.lastSeq() + " unacknowledged=" + q.unacknowledged());
            long after = 0;
            while (true) {
                List<QueuedMessage> page = store.readQueue(s.clientId(), after, 500).join();
                if (page.isEmpty()) {
                    break;
                }
                for (QueuedMessage e : page) {
                    StoredMessage m = e.message();
                    out.println("entry " + s.clientId() + " " + e.entry().seq() + " " + e.entry().state()
                            + " packetId=" + e.entry().packetId() + " qos=" + e.entry().qos() + " retain="
                            + e.entry().retain() + " message=" + m.id() + " topic=" + m.topic() + " payload="
                            + printable(m.payload()));
                }
                after = page.get(page.size() - 1).entry().seq();
            }
        }
        store.forEachRetained(r -> out.println("retained " + r.topic() + " message=" + r.message().id() + " qos="
                + r.message().qos() + " payload=" + printable(r.message().payload())));
        store.forEachInboundPacketId(i -> out.println("inbound " + i.clientId() + " " + i.packetId()));
        store.forEachPendingWill(w -> out.println("will " + w.clientId() + " due=" + w.dueAtMillis() + " bytes="
                + w.will().length));
    }

    static String printable(byte[] payload) {
        boolean text = payload.length > 0;
        for (byte b : payload) {
            if (b <= 0x20 || b >= 0x7f) {
                text = false;
                break;
            }
        }
        if (text) {
            return new String(payload, StandardCharsets.US_ASCII);
        }
        StringBuilder s = new StringBuilder("hex:");
        for (byte b : payload) {
            s.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return s.toString();
    }
}
