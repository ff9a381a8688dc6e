package dev.tern.core;

import dev.tern.spi.storage.Withdrawable;
import java.util.List;

/**
 * What the router tells a subscriber's shard: this client gets the message at this QoS. {@code holdsPublisher}: the
 * router took a hold on the publisher because this session is behind; the subscriber's shard adopts it. {@code seq}:
 * the session's stored queue entry the publisher's shard wrote with the message, 0 when it wrote none;
 * {@code withdrawable}: that entry's put, which the subscriber's shard withdraws when the message is acknowledged
 * before the store got to it.
 */
record Delivery(String clientId, int qos, boolean retainAsPublished, List<Integer> subscriptionIds,
                SubscriptionEntry sharedVia, SessionBacklog backlog, boolean holdsPublisher, long seq,
                Withdrawable withdrawable) {

    Delivery(String clientId, int qos, boolean retainAsPublished, List<Integer> subscriptionIds,
             SubscriptionEntry sharedVia, SessionBacklog backlog, boolean holdsPublisher) {
        this(clientId, qos, retainAsPublished, subscriptionIds, sharedVia, backlog, holdsPublisher, 0, null);
    }

    Delivery holding() {
        return new Delivery(clientId, qos, retainAsPublished, subscriptionIds, sharedVia, backlog, true, seq,
                withdrawable);
    }

    /** The same, with the queue entry the publisher's shard stored for it (which it may still withdraw). */
    Delivery stored(long newSeq, Withdrawable put) {
        return new Delivery(clientId, qos, retainAsPublished, subscriptionIds, sharedVia, backlog, holdsPublisher,
                newSeq, put);
    }
}
