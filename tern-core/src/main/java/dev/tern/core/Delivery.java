package dev.tern.core;

import java.util.List;

/**
 * What the router tells a subscriber's shard: this client gets the message at this QoS. {@code holdsPublisher}: the
 * router took a hold on the publisher because this session is behind; the subscriber's shard adopts it. {@code seq}:
 * the session's stored queue entry the publisher's shard wrote with the message, 0 when it wrote none.
 */
record Delivery(String clientId, int qos, boolean retainAsPublished, List<Integer> subscriptionIds,
                SubscriptionEntry sharedVia, SessionBacklog backlog, boolean holdsPublisher, long seq) {

    Delivery(String clientId, int qos, boolean retainAsPublished, List<Integer> subscriptionIds,
             SubscriptionEntry sharedVia, SessionBacklog backlog, boolean holdsPublisher) {
        this(clientId, qos, retainAsPublished, subscriptionIds, sharedVia, backlog, holdsPublisher, 0);
    }

    Delivery holding() {
        return new Delivery(clientId, qos, retainAsPublished, subscriptionIds, sharedVia, backlog, true, seq);
    }

    /** The same, with the queue entry the publisher's shard stored for it. */
    Delivery stored(long newSeq) {
        return new Delivery(clientId, qos, retainAsPublished, subscriptionIds, sharedVia, backlog, holdsPublisher,
                newSeq);
    }
}
