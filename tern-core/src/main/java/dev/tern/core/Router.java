package dev.tern.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Routes one published message: matches it once in the {@link TopicIndex}, merges overlapping subscriptions of
 * one client (highest QoS, every subscription identifier [MQTT-3.3.4-2..5]), picks one member per share group,
 * and sends one {@link DeliverBatch} per subscriber shard.
 */
final class Router {
    private final Broker broker;
    private final TopicIndex index;
    private final Set<String> online;

    Router(Broker broker, TopicIndex index, Set<String> online) {
        this.broker = broker;
        this.index = index;
        this.online = online;
    }

    /** Returns the number of sessions the message was handed to. */
    int route(Message message, ClientConnection publisher) {
        return route(message, publisher, null, null);
    }

    /**
     * Routes the message; with a {@code journal} (the publisher's shard's, when there is a store) the message is
     * stored first where a durable session gets it, and {@code ack} waits for every subscriber shard's batch.
     */
    int route(Message message, ClientConnection publisher, PendingAck ack, ShardJournal journal) {
        List<SubscriptionEntry> matched = new ArrayList<>(4);
        String publisherId = message.publisherId();
        index.match(message.topic(), e -> {
            if (!(e.noLocal() && e.clientId().equals(publisherId))) {
                matched.add(e);
            }
        }, group -> {
            SubscriptionEntry pick = group.pick(m -> online.contains(m.clientId()));
            if (pick != null) {
                matched.add(pick);
            }
        });
        if (matched.isEmpty()) {
            return 0;
        }
        java.util.Collection<Delivery> deliveries;
        if (matched.size() == 1) {
            deliveries = List.of(toDelivery(matched.get(0), message));
        } else {
            Map<String, Delivery> byClient = new HashMap<>();
            for (SubscriptionEntry e : matched) {
                byClient.merge(e.clientId(), toDelivery(e, message), Router::merge);
            }
            deliveries = byClient.values();
        }
        if (journal != null) {
            deliveries = broker.storeBeforeDispatch(message, deliveries, ack, journal);
        }
        dispatch(message, deliveries, publisher, ack);
        return deliveries.size();
    }

    /**
     * Hands a message that was on its way to a shared subscriber that went away to another online member of the
     * same group [MQTT-4.8.2]. Returns false when no other member is online.
     */
    boolean rerouteShared(Outbound out, String goneClientId) {
        SubscriptionEntry via = out.sharedVia();
        TopicIndex.SharedGroup group = index.sharedGroup(via.filter(), via.shareGroup());
        if (group == null) {
            return false;
        }
        SubscriptionEntry pick = group.pick(m -> !m.clientId().equals(goneClientId) && online.contains(m.clientId()));
        if (pick == null || pick.clientId().equals(goneClientId) || !online.contains(pick.clientId())) {
            return false;
        }
        dispatch(out.message(), List.of(toDelivery(pick, out.message())), null, null);
        return true;
    }

    /**
     * Counts the delivery into the subscriber's backlog and, when that session is behind, holds the publisher
     * back at once (before the subscriber's shard even sees the message).
     */
    private Delivery admit(Delivery d, ClientConnection publisher) {
        SessionBacklog b = d.backlog();
        int total = b.enterTransit() + b.queued;
        if (publisher != null && b.online && total >= broker.throttleHighWater()
                && !d.clientId().equals(publisher.clientId())) {
            publisher.hold();
            return d.holding();
        }
        return d;
    }

    private void dispatch(Message message, java.util.Collection<Delivery> deliveries, ClientConnection publisher,
                          PendingAck ack) {
        Shard[] shards = broker.shards();
        if (shards.length == 1) {
            List<Delivery> admitted = new ArrayList<>(deliveries.size());
            for (Delivery d : deliveries) {
                admitted.add(admit(d, publisher));
            }
            if (ack != null) {
                ack.expect();
            }
            shards[0].run(new DeliverBatch(broker, shards[0], message, admitted, publisher, ack));
            return;
        }
        @SuppressWarnings({"unchecked", "rawtypes"}) // an array of generic lists
        List<Delivery>[] perShard = new List[shards.length];
        for (Delivery d : deliveries) {
            int i = broker.shardIndex(d.clientId());
            if (perShard[i] == null) {
                perShard[i] = new ArrayList<>();
            }
            perShard[i].add(admit(d, publisher));
        }
        for (int i = 0; i < shards.length; i++) {
            if (perShard[i] != null) {
                if (ack != null) {
                    ack.expect();
                }
                shards[i].run(new DeliverBatch(broker, shards[i], message, perShard[i], publisher, ack));
            }
        }
    }

    private static Delivery toDelivery(SubscriptionEntry e, Message message) {
        List<Integer> ids = e.subscriptionId() == null ? List.of() : List.of(e.subscriptionId());
        return new Delivery(e.clientId(), Math.min(e.qos(), message.qos()), e.retainAsPublished(), ids,
                e.isShared() ? e : null, e.backlog(), false);
    }

    private static Delivery merge(Delivery a, Delivery b) {
        List<Integer> ids;
        if (a.subscriptionIds().isEmpty()) {
            ids = b.subscriptionIds();
        } else if (b.subscriptionIds().isEmpty()) {
            ids = a.subscriptionIds();
        } else {
            ids = new ArrayList<>(a.subscriptionIds());
            ids.addAll(b.subscriptionIds());
        }
        return new Delivery(a.clientId(), Math.max(a.qos(), b.qos()),
                a.retainAsPublished() || b.retainAsPublished(), ids,
                a.sharedVia() != null ? a.sharedVia() : b.sharedVia(), a.backlog(), false);
    }
}
