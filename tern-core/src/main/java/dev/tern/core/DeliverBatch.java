package dev.tern.core;

import java.util.List;

/**
 * Command run on a subscriber shard: hand one routed message to each listed session of the shard. {@code publisher}
 * is the connection it came from (null for wills and broker messages), so a subscriber that falls behind can slow
 * it down.
 */
record DeliverBatch(Broker broker, Shard shard, Message message, List<Delivery> deliveries,
                    ClientConnection publisher) implements Runnable {
    @Override
    public void run() {
        for (Delivery d : deliveries) {
            Session s = shard.sessions.get(d.clientId());
            if (s != null) {
                broker.deliver(s, message, d, publisher);
            }
        }
    }
}
