package dev.tern.core;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The PUBACK or PUBREC of one QoS 1/2 PUBLISH, held until every store batch that holds the message is durable: the
 * publisher's shard's (message, retained slot, inbound packet id) and each subscriber shard's (queue entries). It
 * starts with one count for the publisher's own handling ({@link #arm()}); the router adds one per subscriber shard
 * it hands the message to. The last {@link #done} hands it back to the publisher's shard, which sends
 * acknowledgements in the order the PUBLISH packets came [MQTT-4.6.0-2].
 */
final class PendingAck {
    final int packetId;
    final int qos;
    /** Set on the publisher's shard once routing tells (no matching subscribers, or success). */
    int reasonCode;
    private final ClientConnection publisher;
    private final AtomicInteger pending = new AtomicInteger(1);
    private volatile Throwable failure;
    /** Set on the publisher's shard once every count is done. */
    boolean ready;

    PendingAck(ClientConnection publisher, int packetId, int qos) {
        this.publisher = publisher;
        this.packetId = packetId;
        this.qos = qos;
    }

    /** One more batch to wait for. Call before the work that will call {@link #done} is handed on. */
    void expect() {
        pending.incrementAndGet();
    }

    /** Commits what {@code journal} holds and waits for it too. On the journal's shard. */
    void awaitFlush(ShardJournal journal) {
        expect();
        journal.flushThen(this::done);
    }

    /** The publisher's shard has handed on everything: the count it started with goes. */
    void arm() {
        done(null);
    }

    /** One awaited batch is durable (or failed, with {@code error}). Any thread. */
    void done(Throwable error) {
        if (error != null) {
            failure = error;
        }
        if (pending.decrementAndGet() == 0) {
            publisher.acknowledgeWhenStored(this);
        }
    }

    /** Why the message could not be stored, or null. */
    Throwable failure() {
        return failure;
    }
}
