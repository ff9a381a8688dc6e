package dev.tern.core;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Retained messages, one per topic, in a trie of topic levels so that a wildcard subscription finds its matches
 * without scanning every retained message. Lock-free reads; a write replaces the message of one topic.
 */
public final class RetainedStore {
    private final Node root = new Node();
    private final AtomicInteger count = new AtomicInteger();

    /** Stores the message as the retained one of its topic; an empty payload deletes it [MQTT-3.3.1-6]. */
    public void put(Message message) {
        if (message.payload().length == 0) {
            remove(message.topic());
            return;
        }
        Node node = root;
        for (String level : TopicFilter.levels(message.topic())) {
            node = node.children.computeIfAbsent(level, k -> new Node());
        }
        Message previous = node.swap(message);
        if (previous == null) {
            count.incrementAndGet();
        }
    }

    public void remove(String topic) {
        Node node = root;
        for (String level : TopicFilter.levels(topic)) {
            node = node.children.get(level);
            if (node == null) {
                return;
            }
        }
        if (node.swap(null) != null) {
            count.decrementAndGet();
        }
    }

    public int size() {
        return count.get();
    }

    /** Visits the retained messages whose topic matches the filter; expired ones are removed instead. */
    public void match(String filter, long nowMillis, Consumer<Message> visitor) {
        String[] levels = TopicFilter.levels(filter);
        match(root, levels, 0, nowMillis, visitor);
    }

    private void match(Node node, String[] levels, int depth, long now, Consumer<Message> visitor) {
        if (depth == levels.length) {
            deliver(node, now, visitor);
            return;
        }
        String level = levels[depth];
        if (level.equals("#")) {
            // "a/#" also matches "a" itself [MQTT-4.7.1-2]
            deliver(node, now, visitor);
            for (var e : node.children.entrySet()) {
                if (depth == 0 && e.getKey().startsWith("$")) {
                    continue;
                }
                subtree(e.getValue(), now, visitor);
            }
        } else if (level.equals("+")) {
            for (var e : node.children.entrySet()) {
                if (depth == 0 && e.getKey().startsWith("$")) {
                    continue;
                }
                match(e.getValue(), levels, depth + 1, now, visitor);
            }
        } else {
            Node child = node.children.get(level);
            if (child != null) {
                match(child, levels, depth + 1, now, visitor);
            }
        }
    }

    private void subtree(Node node, long now, Consumer<Message> visitor) {
        deliver(node, now, visitor);
        for (Node child : node.children.values()) {
            subtree(child, now, visitor);
        }
    }

    private void deliver(Node node, long now, Consumer<Message> visitor) {
        Message m = node.message.get();
        if (m == null) {
            return;
        }
        if (m.isExpired(now)) {
            if (node.compareAndClear(m)) {
                count.decrementAndGet();
            }
            return;
        }
        visitor.accept(m);
    }

    private static final class Node {
        final ConcurrentHashMap<String, Node> children = new ConcurrentHashMap<>(4);
        final AtomicReference<Message> message = new AtomicReference<>();

        Message swap(Message m) {
            return message.getAndSet(m);
        }

        boolean compareAndClear(Message expected) {
            return message.compareAndSet(expected, null);
        }
    }
}
