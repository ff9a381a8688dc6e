package dev.tern.core;

import java.util.List;

/** What the router tells a subscriber's shard: this client gets the message at this QoS. */
record Delivery(String clientId, int qos, boolean retainAsPublished, List<Integer> subscriptionIds,
                SubscriptionEntry sharedVia) {
}
