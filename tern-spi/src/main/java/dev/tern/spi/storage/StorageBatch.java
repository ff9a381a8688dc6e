package dev.tern.spi.storage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An ordered list of {@link Mutation mutations} that a store applies atomically and makes durable together. A shard
 * collects what one drain of its work changed into one batch and {@link StorageEngine#commit commits} it; the store
 * may group batches of several shards into one write and one sync.
 *
 * <p>Not thread-safe: built by one thread, then handed over. Do not add to a batch after committing it.
 */
public final class StorageBatch {
    private final List<Mutation> mutations;

    public StorageBatch() {
        this.mutations = new ArrayList<>();
    }

    public StorageBatch(int expectedSize) {
        this.mutations = new ArrayList<>(expectedSize);
    }

    public StorageBatch add(Mutation mutation) {
        mutations.add(java.util.Objects.requireNonNull(mutation, "mutation"));
        return this;
    }

    public StorageBatch putSession(SessionRecord session) {
        return add(new Mutation.PutSession(session));
    }

    public StorageBatch deleteSession(String clientId) {
        return add(new Mutation.DeleteSession(clientId));
    }

    public StorageBatch putSubscription(SubscriptionRecord subscription) {
        return add(new Mutation.PutSubscription(subscription));
    }

    public StorageBatch removeSubscription(String clientId, String topicFilter) {
        return add(new Mutation.RemoveSubscription(clientId, topicFilter));
    }

    public StorageBatch putMessage(StoredMessage message) {
        return add(new Mutation.PutMessage(message));
    }

    public StorageBatch deleteMessageIfUnreferenced(long messageId) {
        return add(new Mutation.DeleteMessageIfUnreferenced(messageId));
    }

    public StorageBatch putQueueEntry(String clientId, QueueEntry entry) {
        return add(new Mutation.PutQueueEntry(clientId, entry));
    }

    /** A put the core may still {@link Withdrawable#withdraw withdraw} until the store applies it. */
    public StorageBatch putQueueEntry(String clientId, QueueEntry entry, Withdrawable withdrawable) {
        return add(new Mutation.PutQueueEntry(clientId, entry, withdrawable, false));
    }

    /** A new entry that holds its message, its only holder ({@link Mutation.PutQueueEntry#held()}). */
    public StorageBatch putQueueEntryHolding(String clientId, QueueEntry entry, StoredMessage message) {
        return add(new Mutation.PutQueueEntry(clientId, entry, null, true, message));
    }

    public StorageBatch removeQueueEntry(String clientId, long seq) {
        return add(new Mutation.RemoveQueueEntry(clientId, seq));
    }

    public StorageBatch addInboundPacketId(String clientId, int packetId) {
        return add(new Mutation.AddInboundPacketId(clientId, packetId));
    }

    public StorageBatch removeInboundPacketId(String clientId, int packetId) {
        return add(new Mutation.RemoveInboundPacketId(clientId, packetId));
    }

    public StorageBatch putRetained(String topic, long messageId) {
        return add(new Mutation.PutRetained(topic, messageId));
    }

    public StorageBatch removeRetained(String topic) {
        return add(new Mutation.RemoveRetained(topic));
    }

    public StorageBatch putWill(PendingWill will) {
        return add(new Mutation.PutWill(will));
    }

    public StorageBatch removeWill(String clientId) {
        return add(new Mutation.RemoveWill(clientId));
    }

    public List<Mutation> mutations() {
        return Collections.unmodifiableList(mutations);
    }

    public int size() {
        return mutations.size();
    }

    public boolean isEmpty() {
        return mutations.isEmpty();
    }

    @Override
    public String toString() {
        return "StorageBatch" + mutations;
    }
}
