package dev.tern.storage.kv;

import dev.tern.spi.storage.DeliveryState;
import dev.tern.spi.storage.PendingWill;
import dev.tern.spi.storage.QueueEntry;
import dev.tern.spi.storage.SessionRecord;
import dev.tern.spi.storage.StoredMessage;
import dev.tern.spi.storage.SubscriptionRecord;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Value formats. Each value starts with a format byte ({@link #V1}) so that a later version can read old data.
 * Strings are a 4-byte length (-1 = null) and UTF-8; byte arrays a 4-byte length and the bytes.
 */
public final class Records {
    static final byte V1 = 1;

    private Records() {
    }

    /** The holders-independent bookkeeping of a message: references, expiry (for its index entry), payload size. */
    /**
     * @param holdersTracked one {@link Table#MESSAGE_REFS} key per holder is kept (needed only to find the holders of
     *     an expiring message: a message without expiry keeps none)
     * @param marked an {@link Table#UNREFERENCED} marker exists for the message
     */
    public record Refs(int count, long expiresAtMillis, int size, boolean holdersTracked, boolean marked) {
        public Refs withCount(int newCount, boolean stillMarked) {
            return new Refs(newCount, expiresAtMillis, size, holdersTracked, stillMarked);
        }
    }

    /** Format of {@link Refs} with its flags; {@link #V1} is read as tracking holders, marked while unreferenced. */
    static final byte REFS_V2 = 2;

    public static byte[] encodeSession(SessionRecord s) {
        return ByteBuffer.allocate(18).put(V1).putLong(s.expiryIntervalSeconds()).putLong(s.disconnectedAtMillis())
                .put((byte) (s.persistent() ? 1 : 0)).array();
    }

    public static SessionRecord decodeSession(String clientId, byte[] v) {
        ByteBuffer b = open(v);
        return new SessionRecord(clientId, b.getLong(), b.getLong(), b.get() != 0);
    }

    public static byte[] encodeSubscription(SubscriptionRecord s) {
        byte[] group = bytes(s.shareGroup());
        byte[] filter = bytes(s.filter());
        ByteBuffer b = ByteBuffer.allocate(1 + 3 + 5 + 8 + len(group) + len(filter)).put(V1)
                .put((byte) s.qos())
                .put((byte) ((s.noLocal() ? 1 : 0) | (s.retainAsPublished() ? 2 : 0)))
                .put((byte) s.retainHandling());
        if (s.subscriptionId() == null) {
            b.put((byte) 0).putInt(0);
        } else {
            b.put((byte) 1).putInt(s.subscriptionId());
        }
        putBytes(b, group);
        putBytes(b, filter);
        return b.array();
    }

    public static SubscriptionRecord decodeSubscription(String clientId, byte[] v) {
        ByteBuffer b = open(v);
        int qos = b.get();
        int flags = b.get();
        int retainHandling = b.get();
        boolean hasId = b.get() != 0;
        int id = b.getInt();
        String group = getString(b);
        String filter = getString(b);
        return new SubscriptionRecord(clientId, filter, group, qos, (flags & 1) != 0, (flags & 2) != 0,
                retainHandling, hasId ? id : null);
    }

    public static byte[] encodeMessage(StoredMessage m) {
        byte[] topic = bytes(m.topic());
        byte[] publisher = bytes(m.publisherId());
        ByteBuffer b = ByteBuffer.allocate(1 + 2 + 8 + len(topic) + len(publisher) + 4 + m.properties().length + 4
                + m.payload().length).put(V1).put((byte) m.qos()).put((byte) (m.retain() ? 1 : 0))
                .putLong(m.expiresAtMillis());
        putBytes(b, topic);
        putBytes(b, publisher);
        putBytes(b, m.properties());
        putBytes(b, m.payload());
        return b.array();
    }

    public static StoredMessage decodeMessage(long id, byte[] v) {
        ByteBuffer b = open(v);
        int qos = b.get();
        boolean retain = b.get() != 0;
        long expires = b.getLong();
        String topic = getString(b);
        String publisher = getString(b);
        byte[] properties = getBytes(b);
        byte[] payload = getBytes(b);
        return new StoredMessage(id, topic, payload, qos, retain, properties, publisher, expires);
    }

    public static byte[] encodeRefs(Refs r) {
        return ByteBuffer.allocate(18).put(REFS_V2).putInt(r.count()).putLong(r.expiresAtMillis()).putInt(r.size())
                .put((byte) ((r.holdersTracked() ? 1 : 0) | (r.marked() ? 2 : 0))).array();
    }

    public static Refs decodeRefs(byte[] v) {
        if (v.length > 0 && v[0] == REFS_V2) {
            ByteBuffer b = ByteBuffer.wrap(v, 1, v.length - 1);
            int count = b.getInt();
            long expires = b.getLong();
            int size = b.getInt();
            byte flags = b.get();
            return new Refs(count, expires, size, (flags & 1) != 0, (flags & 2) != 0);
        }
        ByteBuffer b = open(v);
        int count = b.getInt();
        // written before the flags: every holder has its key; the marker is put with the message and goes with its
        // first reference
        return new Refs(count, b.getLong(), b.getInt(), true, count <= 0);
    }

    /** A queue entry; {@code size} (the message's payload size) is kept with it for {@code queueSummary}. */
    public static byte[] encodeQueueEntry(QueueEntry e, int size) {
        byte[] shared = bytes(e.sharedVia());
        ByteBuffer b = ByteBuffer.allocate(1 + 8 + 1 + 1 + 1 + 2 + 4 + len(shared) + 2 + 4 * e.subscriptionIds().size())
                .put(V1).putLong(e.messageId()).put((byte) e.qos()).put((byte) (e.retain() ? 1 : 0))
                .put((byte) e.state().ordinal()).putShort((short) e.packetId()).putInt(size);
        putBytes(b, shared);
        b.putShort((short) e.subscriptionIds().size());
        for (int id : e.subscriptionIds()) {
            b.putInt(id);
        }
        return b.array();
    }

    /**
     * Format of a queue entry that holds its message, being its only holder (the message is then in no other table):
     * {@link #V1}'s fields, then the message as {@link #encodeMessage} writes it. One key to write and to delete
     * instead of three.
     */
    static final byte ENTRY_WITH_MESSAGE_V1 = 2;
    /** Where an encoded entry's variable part (shared subscription, subscription ids) starts. */
    private static final int ENTRY_FIXED = 18;

    /** A queue entry that holds {@code message} (see {@link #ENTRY_WITH_MESSAGE_V1}). */
    public static byte[] encodeQueueEntry(QueueEntry e, StoredMessage message) {
        return withHeldMessage(encodeQueueEntry(e, message.size()), encodeMessage(message), 0);
    }

    /** {@code e} in place of the encoded entry {@code old} of the same message: its size, and the message it holds. */
    public static byte[] replaceQueueEntry(byte[] old, QueueEntry e) {
        byte[] entry = encodeQueueEntry(e, sizeOfQueueEntry(old));
        return holdsMessage(old) ? withHeldMessage(entry, old, entryLength(old)) : entry;
    }

    /** Whether an encoded queue entry holds its message. */
    public static boolean holdsMessage(byte[] v) {
        return v.length > 0 && v[0] == ENTRY_WITH_MESSAGE_V1;
    }

    /** The message an encoded queue entry holds ({@link #holdsMessage}). */
    public static StoredMessage heldMessage(byte[] v) {
        return decodeMessage(messageIdOfQueueEntry(v), Arrays.copyOfRange(v, entryLength(v), v.length));
    }

    private static byte[] withHeldMessage(byte[] entry, byte[] from, int offset) {
        byte[] v = Arrays.copyOf(entry, entry.length + from.length - offset);
        System.arraycopy(from, offset, v, entry.length, from.length - offset);
        v[0] = ENTRY_WITH_MESSAGE_V1;
        return v;
    }

    /** Length of an encoded entry's own fields (what follows is the message it holds, if any). */
    private static int entryLength(byte[] v) {
        try {
            ByteBuffer b = ByteBuffer.wrap(v);
            b.position(ENTRY_FIXED);
            int shared = b.getInt();
            if (shared > 0) {
                b.position(b.position() + shared);
            }
            int ids = b.getShort() & 0xFFFF;
            return b.position() + 4 * ids;
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new CorruptRecordException("truncated queue entry");
        }
    }

    public static QueueEntry decodeQueueEntry(long seq, byte[] v) {
        ByteBuffer b = holdsMessage(v) ? ByteBuffer.wrap(v, 1, v.length - 1) : open(v);
        long messageId = b.getLong();
        int qos = b.get();
        boolean retain = b.get() != 0;
        DeliveryState state = DeliveryState.values()[b.get()];
        int packetId = b.getShort() & 0xFFFF;
        b.getInt();
        String shared = getString(b);
        int n = b.getShort() & 0xFFFF;
        List<Integer> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(b.getInt());
        }
        return new QueueEntry(seq, messageId, qos, retain, ids, shared, state, packetId);
    }

    /** The payload size kept in an encoded queue entry. */
    public static int sizeOfQueueEntry(byte[] v) {
        return ByteBuffer.wrap(v, 14, 4).getInt();
    }

    public static long messageIdOfQueueEntry(byte[] v) {
        return ByteBuffer.wrap(v, 1, 8).getLong();
    }

    public static DeliveryState stateOfQueueEntry(byte[] v) {
        return DeliveryState.values()[v[11]];
    }

    /** Format of an armed will: {@link #V1}'s fields and then the delay. */
    static final byte WILL_ARMED_V1 = 2;

    public static byte[] encodeWill(PendingWill w) {
        if (w.isArmed()) {
            return ByteBuffer.allocate(1 + 8 + 8 + 4 + w.will().length).put(WILL_ARMED_V1).putLong(w.dueAtMillis())
                    .putLong(w.delayMillis()).putInt(w.will().length).put(w.will()).array();
        }
        return ByteBuffer.allocate(1 + 8 + 4 + w.will().length).put(V1).putLong(w.dueAtMillis())
                .putInt(w.will().length).put(w.will()).array();
    }

    public static PendingWill decodeWill(String clientId, byte[] v) {
        if (v.length > 0 && v[0] == WILL_ARMED_V1) {
            ByteBuffer b = ByteBuffer.wrap(v, 1, v.length - 1);
            long due = b.getLong();
            long delay = b.getLong();
            return new PendingWill(clientId, getBytes(b), due, delay);
        }
        ByteBuffer b = open(v);
        long due = b.getLong();
        return new PendingWill(clientId, getBytes(b), due);
    }

    public static byte[] encodeLong(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    public static long decodeLong(byte[] v) {
        if (v.length != 8) {
            throw new CorruptRecordException("expected 8 bytes, found " + v.length);
        }
        return ByteBuffer.wrap(v).getLong();
    }

    private static ByteBuffer open(byte[] v) {
        if (v.length == 0 || v[0] != V1) {
            throw new CorruptRecordException("unknown record format " + (v.length == 0 ? "(empty)" : v[0]));
        }
        return ByteBuffer.wrap(v, 1, v.length - 1);
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static int len(byte[] b) {
        return 4 + (b == null ? 0 : b.length);
    }

    private static void putBytes(ByteBuffer b, byte[] v) {
        if (v == null) {
            b.putInt(-1);
        } else {
            b.putInt(v.length).put(v);
        }
    }

    private static byte[] getBytes(ByteBuffer b) {
        try {
            int n = b.getInt();
            if (n < 0) {
                return null;
            }
            byte[] v = new byte[n];
            b.get(v);
            return v;
        } catch (BufferUnderflowException | NegativeArraySizeException e) {
            throw new CorruptRecordException("truncated record");
        }
    }

    private static String getString(ByteBuffer b) {
        byte[] v = getBytes(b);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    /** A stored value that cannot be decoded. */
    public static final class CorruptRecordException extends RuntimeException {
        public CorruptRecordException(String message) {
            super(message);
        }
    }
}
