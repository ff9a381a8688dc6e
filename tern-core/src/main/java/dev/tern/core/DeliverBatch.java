package dev.tern.core;

import java.util.List;

/** Command run on a subscriber shard: hand one routed message to each listed session of the shard. */
record DeliverBatch(Broker broker, Shard shard, Message message, List<Delivery> deliveries) implements Runnable {
    @Override
    public void run() {
        for (Delivery d : deliveries) {
            Session s = shard.sessions.get(d.clientId());
            if (s != null) {
                broker.deliver(s, message, d);
            }
        }
    }
}
