package dev.tern.spi.storage;

import java.util.Objects;

/**
 * One change in a {@link StorageBatch}. Within a batch, mutations apply in order and all together or not at all;
 * a mutation that breaks a rule (a queue entry or retained slot referencing a message that is not stored) fails
 * its whole batch. Reference counts (see the package documentation) are kept by the store from these mutations.
 */
public sealed interface Mutation {

    /** Creates or replaces a session. Replacing keeps its subscriptions, queue, inbound ids and will. */
    record PutSession(SessionRecord session) implements Mutation {
        public PutSession {
            Objects.requireNonNull(session, "session");
        }
    }

    /**
     * Deletes a session and everything it holds: subscriptions, queue entries (dropping their message references),
     * inbound packet ids and pending will. A no-op for an unknown client id.
     */
    record DeleteSession(String clientId) implements Mutation {
        public DeleteSession {
            Objects.requireNonNull(clientId, "clientId");
        }
    }

    /** Creates or replaces the subscription with this client id and {@link SubscriptionRecord#topicFilter()}. */
    record PutSubscription(SubscriptionRecord subscription) implements Mutation {
        public PutSubscription {
            Objects.requireNonNull(subscription, "subscription");
        }
    }

    /** Removes a subscription; {@code topicFilter} as written, with any {@code $share/group/} prefix. */
    record RemoveSubscription(String clientId, String topicFilter) implements Mutation {
        public RemoveSubscription {
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(topicFilter, "topicFilter");
        }
    }

    /**
     * Stores a message with no references yet. Put it in the same batch as its first reference, or in an earlier
     * one: the store counts references from then on. Putting an id that is stored replaces its content and keeps
     * its references. {@code isNew}: the caller knows that no batch before this one holds the id (it was just
     * allocated, and no other shard can have seen it) and puts its first reference in this same batch, so the store
     * need not look for it, nor mark it as unreferenced for a crash to clean up.
     */
    record PutMessage(StoredMessage message, boolean isNew) implements Mutation {
        public PutMessage {
            Objects.requireNonNull(message, "message");
        }

        /** A put of a message that may be stored already. */
        public PutMessage(StoredMessage message) {
            this(message, false);
        }
    }

    /**
     * Deletes a message if nothing references it (for a message stored by a publisher's shard that no session
     * took after all). A no-op for a referenced or unknown message.
     */
    record DeleteMessageIfUnreferenced(long messageId) implements Mutation {
    }

    /**
     * Appends an entry to a session's queue or replaces the entry with the same sequence number (to change its
     * state). Adds a reference to the entry's message (and drops the replaced entry's); the message must be stored.
     * With a {@code withdrawable} (may be null), the store applies it only if it {@link Withdrawable#claim claims}
     * it first. {@code isNew}: the entry's seq was never used by this client (a new entry, not a replacement), so the
     * store need not look for an entry to replace. A replacement in a sent state (inflight, released) of an entry
     * the store no longer holds, whose message is gone too, is skipped rather than failing the batch: the expiry
     * purge removed both while the message was out (it was still queued in the store), and nothing is left to change.
     *
     * <p>{@code held} (may be null): the entry's message, when this new entry is its only holder and it has no
     * expiry. The entry then keeps the message itself (no {@link PutMessage}, no reference count: one key written
     * and one deleted instead of three of each); it comes back with the entry, and goes with it. Nothing else may
     * reference its id. Later puts of the same entry (state changes) keep it.
     */
    record PutQueueEntry(String clientId, QueueEntry entry, Withdrawable withdrawable, boolean isNew,
                         StoredMessage held) implements Mutation {
        public PutQueueEntry {
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(entry, "entry");
            if (held != null && (!isNew || held.id() != entry.messageId() || held.expiresAtMillis() != 0)) {
                throw new IllegalArgumentException("a held message goes with a new entry of its id, without expiry");
            }
        }

        /** A put of an entry whose message is stored on its own ({@link PutMessage}). */
        public PutQueueEntry(String clientId, QueueEntry entry, Withdrawable withdrawable, boolean isNew) {
            this(clientId, entry, withdrawable, isNew, null);
        }

        /** A put the core will not take back, of an entry that may be stored already. */
        public PutQueueEntry(String clientId, QueueEntry entry) {
            this(clientId, entry, null, false);
        }
    }

    /** Removes a queue entry (delivered, acknowledged, dropped), dropping its message reference. No-op if absent. */
    record RemoveQueueEntry(String clientId, long seq) implements Mutation {
        public RemoveQueueEntry {
            Objects.requireNonNull(clientId, "clientId");
        }
    }

    /** Records an inbound QoS 2 packet id (PUBREC sent). */
    record AddInboundPacketId(String clientId, int packetId) implements Mutation {
        public AddInboundPacketId {
            Objects.requireNonNull(clientId, "clientId");
        }
    }

    /** Forgets an inbound QoS 2 packet id (PUBREL received). No-op if absent. */
    record RemoveInboundPacketId(String clientId, int packetId) implements Mutation {
        public RemoveInboundPacketId {
            Objects.requireNonNull(clientId, "clientId");
        }
    }

    /**
     * Makes a stored message the retained message of {@code topic}, adding a reference to it and dropping the
     * reference of the message it replaces.
     */
    record PutRetained(String topic, long messageId) implements Mutation {
        public PutRetained {
            Objects.requireNonNull(topic, "topic");
        }
    }

    /** Clears the retained message of a topic, dropping its reference. No-op if none. */
    record RemoveRetained(String topic) implements Mutation {
        public RemoveRetained {
            Objects.requireNonNull(topic, "topic");
        }
    }

    /** Stores or replaces the pending will of a client. */
    record PutWill(PendingWill will) implements Mutation {
        public PutWill {
            Objects.requireNonNull(will, "will");
        }
    }

    /** Removes the pending will of a client (published, or cancelled by a reconnect). No-op if none. */
    record RemoveWill(String clientId) implements Mutation {
        public RemoveWill {
            Objects.requireNonNull(clientId, "clientId");
        }
    }
}
