package dev.tern.core;

import java.util.List;

/**
 * Command run on a subscriber shard: hand one routed message to each listed session of the shard. {@code publisher}
 * is the connection it came from (null for wills and broker messages), so a subscriber that falls behind can slow
 * it down. {@code ack}, when not null, is the publisher's acknowledgement waiting for this shard's batch.
 */
record DeliverBatch(Broker broker, Shard shard, Message message, List<Delivery> deliveries,
                    ClientConnection publisher, PendingAck ack, long routedAtNanos) implements Runnable {

    DeliverBatch(Broker broker, Shard shard, Message message, List<Delivery> deliveries, ClientConnection publisher,
                 PendingAck ack) {
        this(broker, shard, message, deliveries, publisher, ack,
                broker.stats().measuresLatency() ? System.nanoTime() : 0);
    }

    @Override
    public void run() {
        long addedBefore = shard.journal == null ? 0 : shard.journal.added();
        for (Delivery d : deliveries) {
            d.backlog().leaveTransit();
            Session s = shard.sessions.get(d.clientId());
            if (s != null && s.backlog == d.backlog()) {
                broker.deliver(s, message, d, publisher);
                if (routedAtNanos != 0 && s.connection != null) {
                    // publish-to-delivery latency: routing on the publisher's shard to hand-off on this one
                    broker.stats().deliveryLatency(System.nanoTime() - routedAtNanos);
                }
                if (d.holdsPublisher()) {
                    s.adoptHold(publisher, Broker.THROTTLE_MAX_MILLIS);
                }
            } else {
                // the session ended (or was replaced) meanwhile
                broker.dropStoredEntry(shard, d);
                if (d.holdsPublisher()) {
                    publisher.release();
                }
            }
        }
        if (shard.journal != null && shard.journal.added() != addedBefore) {
            // what this shard stored for these deliveries (entries the publisher's shard could not write: sessions
            // that became durable meanwhile): the publisher's acknowledgement waits for them
            if (ack != null) {
                ack.awaitFlush(shard.journal);
            } else {
                shard.journal.flush();
            }
        }
        if (ack != null) {
            ack.done(null);
        }
    }
}
