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

    /** Clears the retained message of {@code topic} if it has expired (a newer one stays). */
    public void removeIfExpired(String topic, long nowMillis) {
        Node node = root;
        for (String level : TopicFilter.levels(topic)) {
            node = node.children.get(level);
            if (node == null) {
                return;
            }
        }
        Message m = node.message.get();
        if (m != null && m.isExpired(nowMillis) && node.compareAndClear(m)) {
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

    /**
     * A resumable walk over the retained messages matching {@code filter}: each {@link Cursor#next()} returns the
     * next one, so that a subscriber gets them as its flow control allows instead of all at once (a {@code #}
     * over a million retained messages then holds a few frames, not a million messages). Weakly consistent, like the
     * trie: messages retained or cleared during the walk may or may not be seen. Confined to one thread.
     */
    public Cursor cursor(String filter, long nowMillis) {
        return new Cursor(TopicFilter.levels(filter), nowMillis);
    }

    /** See {@link #cursor}. */
    public final class Cursor {
        private final String[] levels;
        private final long now;
        private final java.util.ArrayDeque<Frame> stack = new java.util.ArrayDeque<>();

        private Cursor(String[] levels, long now) {
            this.levels = levels;
            this.now = now;
            stack.push(new Frame(root, 0, false));
        }

        /** The next matching retained message, or null when the walk is over. */
        public Message next() {
            while (!stack.isEmpty()) {
                Frame f = stack.peek();
                if (f.subtree || f.depth == levels.length) {
                    if (!f.selfDone) {
                        f.selfDone = true;
                        Message m = live(f.node, now);
                        if (m != null) {
                            return m;
                        }
                    }
                    if (!f.subtree) {
                        stack.pop();
                        continue;
                    }
                    Node child = nextChild(f);
                    if (child == null) {
                        stack.pop();
                    } else {
                        stack.push(new Frame(child, f.depth + 1, true));
                    }
                    continue;
                }
                String level = levels[f.depth];
                if (level.equals("#")) {
                    // "a/#" also matches "a" itself [MQTT-4.7.1-2], then everything below
                    stack.pop();
                    stack.push(new Frame(f.node, f.depth, true));
                } else if (level.equals("+")) {
                    Node child = nextChild(f);
                    if (child == null) {
                        stack.pop();
                    } else {
                        stack.push(new Frame(child, f.depth + 1, false));
                    }
                } else {
                    stack.pop();
                    Node child = f.node.children.get(level);
                    if (child != null) {
                        stack.push(new Frame(child, f.depth + 1, false));
                    }
                }
            }
            return null;
        }

        /** The next child of a wildcard frame; topics starting with $ are not matched by a leading wildcard. */
        private Node nextChild(Frame f) {
            if (f.children == null) {
                f.children = f.node.children.entrySet().iterator();
            }
            while (f.children.hasNext()) {
                var e = f.children.next();
                if (f.depth == 0 && e.getKey().startsWith("$")) {
                    continue;
                }
                return e.getValue();
            }
            return null;
        }
    }

    private static final class Frame {
        final Node node;
        final int depth;
        /** Everything at and below the node matches (a # was reached). */
        final boolean subtree;
        boolean selfDone;
        java.util.Iterator<java.util.Map.Entry<String, Node>> children;

        Frame(Node node, int depth, boolean subtree) {
            this.node = node;
            this.depth = depth;
            this.subtree = subtree;
        }
    }

    /** The node's message unless it expired (an expired one is cleared). */
    private Message live(Node node, long now) {
        Message m = node.message.get();
        if (m == null) {
            return null;
        }
        if (m.isExpired(now)) {
            if (node.compareAndClear(m)) {
                count.decrementAndGet();
            }
            return null;
        }
        return m;
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
