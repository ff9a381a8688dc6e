package dev.tern.storage.kv;

import dev.tern.spi.storage.DeliveryState;
import dev.tern.spi.storage.ExpiredMessages;
import dev.tern.spi.storage.InboundPacketId;
import dev.tern.spi.storage.Mutation;
import dev.tern.spi.storage.PendingWill;
import dev.tern.spi.storage.QueueEntry;
import dev.tern.spi.storage.QueueEntryRef;
import dev.tern.spi.storage.QueueSummary;
import dev.tern.spi.storage.QueuedMessage;
import dev.tern.spi.storage.RetainedMessage;
import dev.tern.spi.storage.SessionRecord;
import dev.tern.spi.storage.StorageStats;
import dev.tern.spi.storage.StoredMessage;
import dev.tern.spi.storage.SubscriptionRecord;
import dev.tern.storage.kv.Records.Refs;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How mutations change the tables, and how reads find things: written once for every engine. Stateless; every
 * method works through the reader or writer it is given, so the engine decides threads and atomicity.
 *
 * <p>Reference counting: {@link Table#MESSAGE_REFS} holds, per message, a count and, for a message that expires,
 * one key per holder (the expiry purge finds them by it). Every path
 * that adds a holder goes through {@link #addRef}, every path that drops one through {@link #dropRef}, which
 * deletes the message (and its index entries) with the last reference.
 */
public final class StoreLogic {

    private StoreLogic() {
    }

    // ---- writes ----

    /** Applies one mutation. Throws {@link IllegalStateException} for a reference to a message that is not stored. */
    public static void apply(KeyValueWriter kv, Mutation mutation) {
        if (mutation instanceof Mutation.PutQueueEntry m) {
            // claimed here too, for an engine that applies a batch without WriteElision (which claims first)
            if (m.withdrawable() == null || m.withdrawable().claim()) {
                if (m.held() != null) {
                    // its only holder, new: nothing to read, nothing to count
                    kv.put(Table.QUEUES, Keys.queue(m.clientId(), m.entry().seq()),
                            Records.encodeQueueEntry(m.entry(), m.held()));
                } else {
                    putQueueEntry(kv, m.clientId(), m.entry(), m.isNew());
                }
            }
        } else if (mutation instanceof Mutation.PutMessage m) {
            putMessage(kv, m.message(), m.isNew());
        } else if (mutation instanceof Mutation.RemoveQueueEntry m) {
            removeQueueEntry(kv, m.clientId(), m.seq());
        } else if (mutation instanceof Mutation.PutSession m) {
            putSession(kv, m.session());
        } else if (mutation instanceof Mutation.DeleteSession m) {
            deleteSession(kv, m.clientId());
        } else if (mutation instanceof Mutation.PutSubscription m) {
            kv.put(Table.SUBSCRIPTIONS, Keys.subscription(m.subscription().clientId(), m.subscription().topicFilter()),
                    Records.encodeSubscription(m.subscription()));
        } else if (mutation instanceof Mutation.RemoveSubscription m) {
            kv.delete(Table.SUBSCRIPTIONS, Keys.subscription(m.clientId(), m.topicFilter()));
        } else if (mutation instanceof Mutation.DeleteMessageIfUnreferenced m) {
            Refs refs = refs(kv, m.messageId());
            if (refs != null && refs.count() <= 0) {
                deleteMessage(kv, m.messageId(), refs);
            }
        } else if (mutation instanceof Mutation.AddInboundPacketId m) {
            kv.put(Table.INBOUND, Keys.inbound(m.clientId(), m.packetId()), Keys.EMPTY);
        } else if (mutation instanceof Mutation.RemoveInboundPacketId m) {
            kv.delete(Table.INBOUND, Keys.inbound(m.clientId(), m.packetId()));
        } else if (mutation instanceof Mutation.PutRetained m) {
            putRetained(kv, m.topic(), m.messageId());
        } else if (mutation instanceof Mutation.RemoveRetained m) {
            removeRetained(kv, m.topic());
        } else if (mutation instanceof Mutation.PutWill m) {
            kv.put(Table.WILLS, Keys.session(m.will().clientId()), Records.encodeWill(m.will()));
        } else if (mutation instanceof Mutation.RemoveWill m) {
            kv.delete(Table.WILLS, Keys.session(m.clientId()));
        } else {
            throw new IllegalArgumentException("unknown mutation " + mutation);
        }
    }

    private static void putSession(KeyValueWriter kv, SessionRecord session) {
        byte[] key = Keys.session(session.clientId());
        byte[] old = kv.get(Table.SESSIONS, key);
        long oldExpiry = old == null ? 0 : Records.decodeSession(session.clientId(), old).expiresAtMillis();
        long newExpiry = session.expiresAtMillis();
        if (oldExpiry != 0 && oldExpiry != newExpiry) {
            kv.delete(Table.EXPIRY, Keys.sessionExpiry(oldExpiry, session.clientId()));
        }
        kv.put(Table.SESSIONS, key, Records.encodeSession(session));
        if (newExpiry != 0) {
            kv.put(Table.EXPIRY, Keys.sessionExpiry(newExpiry, session.clientId()), Keys.EMPTY);
        }
    }

    private static void deleteSession(KeyValueWriter kv, String clientId) {
        byte[] key = Keys.session(clientId);
        byte[] old = kv.get(Table.SESSIONS, key);
        if (old != null) {
            long expiry = Records.decodeSession(clientId, old).expiresAtMillis();
            if (expiry != 0) {
                kv.delete(Table.EXPIRY, Keys.sessionExpiry(expiry, clientId));
            }
            kv.delete(Table.SESSIONS, key);
        }
        byte[] prefix = Keys.client(clientId);
        for (byte[] k : keys(kv, Table.SUBSCRIPTIONS, prefix)) {
            kv.delete(Table.SUBSCRIPTIONS, k);
        }
        for (byte[] k : keys(kv, Table.INBOUND, prefix)) {
            kv.delete(Table.INBOUND, k);
        }
        for (byte[] k : keys(kv, Table.QUEUES, prefix)) {
            removeQueueEntry(kv, clientId, Keys.seqOfQueueKey(k));
        }
        kv.delete(Table.WILLS, key);
    }

    private static void putMessage(KeyValueWriter kv, StoredMessage message, boolean isNew) {
        long id = message.id();
        Refs old = isNew ? null : refs(kv, id);
        Refs refs;
        if (old != null) {
            if (old.expiresAtMillis() != 0 && old.expiresAtMillis() != message.expiresAtMillis()) {
                kv.delete(Table.EXPIRY, Keys.messageExpiry(old.expiresAtMillis(), id));
            }
            refs = new Refs(old.count(), message.expiresAtMillis(), message.size(), old.holdersTracked(),
                    old.marked());
        } else {
            // a new message gets its first reference in this same batch (Mutation.PutMessage#isNew): a crash cannot
            // leave it unreferenced, so it needs no marker
            refs = new Refs(0, message.expiresAtMillis(), message.size(), message.expiresAtMillis() != 0, !isNew);
            if (!isNew) {
                kv.put(Table.UNREFERENCED, Keys.message(id), Keys.EMPTY);
            }
        }
        kv.put(Table.MESSAGES, Keys.message(id), Records.encodeMessage(message));
        kv.put(Table.MESSAGE_REFS, Keys.message(id), Records.encodeRefs(refs));
        if (message.expiresAtMillis() != 0) {
            kv.put(Table.EXPIRY, Keys.messageExpiry(message.expiresAtMillis(), id), Keys.EMPTY);
        }
    }

    private static void putQueueEntry(KeyValueWriter kv, String clientId, QueueEntry entry, boolean isNew) {
        byte[] key = Keys.queue(clientId, entry.seq());
        byte[] old = isNew ? null : kv.get(Table.QUEUES, key);
        long oldMessage = old == null ? 0 : Records.messageIdOfQueueEntry(old);
        if (old != null && oldMessage == entry.messageId()) {
            // a change of state (sent, released): same message, same reference (or held message), same size
            kv.put(Table.QUEUES, key, Records.replaceQueueEntry(old, entry));
            return;
        }
        Refs refs = refs(kv, entry.messageId());
        if (refs == null) {
            if (!isNew && old == null && entry.state() != DeliveryState.QUEUED) {
                // the entry went out, and meanwhile the expiry purge removed it (still queued here) and its message:
                // there is nothing left to change, and failing the batch would lose the other writes in it
                return;
            }
            throw new IllegalStateException("queue entry " + entry.seq() + " of client '" + clientId
                    + "' references message " + entry.messageId() + ", which is not stored");
        }
        kv.put(Table.QUEUES, key, Records.encodeQueueEntry(entry, refs.size()));
        addRef(kv, entry.messageId(), refs, Keys.queueHolder(entry.messageId(), clientId, entry.seq()));
        if (old != null && !Records.holdsMessage(old)) {
            dropRef(kv, oldMessage, Keys.queueHolder(oldMessage, clientId, entry.seq()));
        }
    }

    private static void removeQueueEntry(KeyValueWriter kv, String clientId, long seq) {
        byte[] key = Keys.queue(clientId, seq);
        byte[] old = kv.get(Table.QUEUES, key);
        if (old == null) {
            return;
        }
        kv.delete(Table.QUEUES, key);
        if (Records.holdsMessage(old)) {
            return; // the message went with it
        }
        long messageId = Records.messageIdOfQueueEntry(old);
        dropRef(kv, messageId, Keys.queueHolder(messageId, clientId, seq));
    }

    private static void putRetained(KeyValueWriter kv, String topic, long messageId) {
        Refs refs = refs(kv, messageId);
        if (refs == null) {
            throw new IllegalStateException("retained message of '" + topic + "' is message " + messageId
                    + ", which is not stored");
        }
        byte[] key = Keys.utf8(topic);
        byte[] old = kv.get(Table.RETAINED, key);
        long oldId = old == null ? 0 : Records.decodeLong(old);
        if (oldId == messageId) {
            return;
        }
        kv.put(Table.RETAINED, key, Records.encodeLong(messageId));
        addRef(kv, messageId, refs, Keys.retainedHolder(messageId, topic));
        if (old != null) {
            dropRef(kv, oldId, Keys.retainedHolder(oldId, topic));
        }
    }

    private static void removeRetained(KeyValueWriter kv, String topic) {
        byte[] key = Keys.utf8(topic);
        byte[] old = kv.get(Table.RETAINED, key);
        if (old == null) {
            return;
        }
        kv.delete(Table.RETAINED, key);
        long oldId = Records.decodeLong(old);
        dropRef(kv, oldId, Keys.retainedHolder(oldId, topic));
    }

    /** Adds a holder; {@code refs} are the message's current counts, just read. */
    private static void addRef(KeyValueWriter kv, long messageId, Refs refs, byte[] holder) {
        if (refs.holdersTracked()) {
            kv.put(Table.MESSAGE_REFS, holder, Keys.EMPTY);
        }
        kv.put(Table.MESSAGE_REFS, Keys.message(messageId), Records.encodeRefs(refs.withCount(refs.count() + 1, false)));
        if (refs.marked()) {
            kv.delete(Table.UNREFERENCED, Keys.message(messageId));
        }
    }

    private static void dropRef(KeyValueWriter kv, long messageId, byte[] holder) {
        Refs refs = refs(kv, messageId);
        if (refs == null) {
            kv.delete(Table.MESSAGE_REFS, holder); // a holder key left behind, if any
            return;
        }
        if (refs.holdersTracked()) {
            kv.delete(Table.MESSAGE_REFS, holder);
        }
        if (refs.count() <= 1) {
            deleteMessage(kv, messageId, refs);
        } else {
            kv.put(Table.MESSAGE_REFS, Keys.message(messageId),
                    Records.encodeRefs(refs.withCount(refs.count() - 1, refs.marked())));
        }
    }

    private static void deleteMessage(KeyValueWriter kv, long messageId, Refs refs) {
        byte[] key = Keys.message(messageId);
        kv.delete(Table.MESSAGES, key);
        kv.delete(Table.MESSAGE_REFS, key);
        if (refs.marked()) {
            kv.delete(Table.UNREFERENCED, key);
        }
        if (refs.expiresAtMillis() != 0) {
            kv.delete(Table.EXPIRY, Keys.messageExpiry(refs.expiresAtMillis(), messageId));
        }
    }

    private static Refs refs(KeyValueReader kv, long messageId) {
        byte[] v = kv.get(Table.MESSAGE_REFS, Keys.message(messageId));
        return v == null ? null : Records.decodeRefs(v);
    }

    /**
     * Deletes messages stored but never referenced (a publisher's batch made durable, the subscribers' not, then a
     * crash). Run at open, before any commit. Returns how many were deleted.
     */
    public static int purgeUnreferenced(KeyValueWriter kv) {
        int deleted = 0;
        for (byte[] k : keys(kv, Table.UNREFERENCED, Keys.EMPTY)) {
            long id = Keys.messageIdOf(k);
            Refs refs = refs(kv, id);
            if (refs == null) {
                kv.delete(Table.UNREFERENCED, k);
            } else if (refs.count() <= 0) {
                deleteMessage(kv, id, refs);
                deleted++;
            } else {
                kv.delete(Table.UNREFERENCED, k);
            }
        }
        return deleted;
    }

    /** See {@link dev.tern.spi.storage.StorageEngine#purgeExpiredMessages}. */
    public static ExpiredMessages purgeExpiredMessages(KeyValueWriter kv, long nowMillis, int limit) {
        List<byte[]> due = new ArrayList<>();
        boolean[] more = {false};
        byte[] prefix = {Keys.EXPIRY_MESSAGE};
        kv.scan(Table.EXPIRY, prefix, prefix, (k, v) -> {
            if (Keys.expiryTimeOf(k) > nowMillis) {
                return false;
            }
            if (due.size() == limit) {
                more[0] = true;
                return false;
            }
            due.add(k);
            return true;
        });
        List<QueueEntryRef> entries = new ArrayList<>();
        List<String> topics = new ArrayList<>();
        int deleted = 0;
        for (byte[] expiryKey : due) {
            long id = ByteBuffer.wrap(expiryKey, 9, 8).getLong();
            for (byte[] holder : keys(kv, Table.MESSAGE_REFS, Keys.message(id))) {
                if (holder.length == 8) {
                    continue; // the counts, not a holder
                }
                byte[] rest = java.util.Arrays.copyOfRange(holder, 9, holder.length);
                if (holder[8] == Keys.HOLDER_QUEUE) {
                    String clientId = Keys.clientOf(rest);
                    long seq = Keys.seqOfQueueKey(rest);
                    byte[] entry = kv.get(Table.QUEUES, rest);
                    if (entry != null && Records.stateOfQueueEntry(entry) == DeliveryState.QUEUED) {
                        removeQueueEntry(kv, clientId, seq);
                        entries.add(new QueueEntryRef(clientId, seq));
                    }
                } else if (holder[8] == Keys.HOLDER_RETAINED) {
                    String topic = Keys.string(rest, 0, rest.length);
                    removeRetained(kv, topic);
                    topics.add(topic);
                }
            }
            if (refs(kv, id) == null) {
                deleted++;
            } else {
                kv.delete(Table.EXPIRY, expiryKey); // sent copies remain until acknowledged
            }
        }
        return new ExpiredMessages(entries, topics, deleted, more[0]);
    }

    // ---- reads ----

    public static List<QueuedMessage> readQueue(KeyValueReader kv, String clientId, long afterSeq, int limit) {
        List<QueuedMessage> page = new ArrayList<>(Math.min(limit, 256));
        if (limit <= 0) {
            return page;
        }
        byte[] prefix = Keys.client(clientId);
        kv.scan(Table.QUEUES, prefix, Keys.queue(clientId, Math.max(afterSeq, 0) + 1), (k, v) -> {
            QueueEntry entry = Records.decodeQueueEntry(Keys.seqOfQueueKey(k), v);
            StoredMessage message = Records.holdsMessage(v) ? Records.heldMessage(v)
                    : readMessage(kv, entry.messageId()).orElseThrow(() -> new IllegalStateException(
                    "queue entry " + entry.seq() + " of client '" + clientId + "' references message "
                            + entry.messageId() + ", which is missing"));
            page.add(new QueuedMessage(entry, message));
            return page.size() < limit;
        });
        return page;
    }

    public static QueueSummary queueSummary(KeyValueReader kv, String clientId) {
        long[] s = new long[5]; // count, bytes, first, last, unacknowledged
        kv.scan(Table.QUEUES, Keys.client(clientId), Keys.client(clientId), (k, v) -> {
            long seq = Keys.seqOfQueueKey(k);
            if (s[0] == 0) {
                s[2] = seq;
            }
            s[0]++;
            s[1] += Records.sizeOfQueueEntry(v);
            s[3] = seq;
            if (Records.stateOfQueueEntry(v) != DeliveryState.QUEUED) {
                s[4]++;
            }
            return true;
        });
        return s[0] == 0 ? QueueSummary.EMPTY : new QueueSummary(s[0], s[1], s[2], s[3], s[4]);
    }

    public static Optional<StoredMessage> readMessage(KeyValueReader kv, long messageId) {
        byte[] v = kv.get(Table.MESSAGES, Keys.message(messageId));
        return v == null ? Optional.empty() : Optional.of(Records.decodeMessage(messageId, v));
    }

    public static List<String> findExpiredSessions(KeyValueReader kv, long nowMillis, int limit) {
        List<String> ids = new ArrayList<>();
        if (limit <= 0) {
            return ids;
        }
        byte[] prefix = {Keys.EXPIRY_SESSION};
        kv.scan(Table.EXPIRY, prefix, prefix, (k, v) -> {
            if (Keys.expiryTimeOf(k) > nowMillis) {
                return false;
            }
            ids.add(Keys.string(k, 9, k.length));
            return ids.size() < limit;
        });
        return ids;
    }

    public static void forEachSession(KeyValueReader kv, Consumer<SessionRecord> consumer) {
        kv.scan(Table.SESSIONS, Keys.EMPTY, Keys.EMPTY, (k, v) -> {
            consumer.accept(Records.decodeSession(Keys.string(k, 0, k.length), v));
            return true;
        });
    }

    public static void forEachSubscription(KeyValueReader kv, Consumer<SubscriptionRecord> consumer) {
        kv.scan(Table.SUBSCRIPTIONS, Keys.EMPTY, Keys.EMPTY, (k, v) -> {
            consumer.accept(Records.decodeSubscription(Keys.clientOf(k), v));
            return true;
        });
    }

    public static void forEachRetained(KeyValueReader kv, Consumer<RetainedMessage> consumer) {
        kv.scan(Table.RETAINED, Keys.EMPTY, Keys.EMPTY, (k, v) -> {
            String topic = Keys.string(k, 0, k.length);
            long id = Records.decodeLong(v);
            StoredMessage message = readMessage(kv, id).orElseThrow(() -> new IllegalStateException(
                    "retained message " + id + " of '" + topic + "' is missing"));
            consumer.accept(new RetainedMessage(topic, message));
            return true;
        });
    }

    public static void forEachInboundPacketId(KeyValueReader kv, Consumer<InboundPacketId> consumer) {
        kv.scan(Table.INBOUND, Keys.EMPTY, Keys.EMPTY, (k, v) -> {
            consumer.accept(new InboundPacketId(Keys.clientOf(k), Keys.packetIdOfInboundKey(k)));
            return true;
        });
    }

    public static void forEachPendingWill(KeyValueReader kv, Consumer<PendingWill> consumer) {
        kv.scan(Table.WILLS, Keys.EMPTY, Keys.EMPTY, (k, v) -> {
            consumer.accept(Records.decodeWill(Keys.string(k, 0, k.length), v));
            return true;
        });
    }

    /** The highest message id stored, 0 when none. */
    public static long lastMessageId(KeyValueReader kv) {
        byte[] k = kv.lastKey(Table.MESSAGES);
        return k == null ? 0 : Keys.messageIdOf(k);
    }

    public static StorageStats stats(KeyValueReader kv, long diskBytes) {
        return new StorageStats(count(kv, Table.SESSIONS), count(kv, Table.SUBSCRIPTIONS), count(kv, Table.MESSAGES),
                count(kv, Table.QUEUES), count(kv, Table.RETAINED), count(kv, Table.INBOUND), count(kv, Table.WILLS),
                diskBytes);
    }

    private static long count(KeyValueReader kv, Table table) {
        long[] n = {0};
        kv.scan(table, Keys.EMPTY, Keys.EMPTY, (k, v) -> {
            n[0]++;
            return true;
        });
        return n[0];
    }

    private static List<byte[]> keys(KeyValueReader kv, Table table, byte[] prefix) {
        List<byte[]> keys = new ArrayList<>();
        kv.scan(table, prefix, prefix, (k, v) -> keys.add(k));
        return keys;
    }
}
