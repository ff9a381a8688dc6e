package dev.tern.core;

import java.util.List;

/**
 * What the router tells a subscriber's shard: this client gets the message at this QoS. {@code holdsPublisher}: the
 * router took a hold on the publisher because this session is behind; the subscriber's shard adopts it.
 */
record Delivery(String clientId, int qos, boolean retainAsPublished, List<Integer> subscriptionIds,
                SubscriptionEntry sharedVia, SessionBacklog backlog, boolean holdsPublisher) {

    Delivery holding() {
        return new Delivery(clientId, qos, retainAsPublished, subscriptionIds, sharedVia, backlog, true);
    }
}
