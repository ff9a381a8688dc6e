package dev.tern.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Retained messages, one per topic, in a trie of topic levels so that a wildcard subscription finds its matches
 * without scanning every retained message. Lock-free reads; a write replaces the message of one topic.
 *
 * <p>A node left with no message and no child (its retained message cleared) is cut off its parent, so that the trie
 * shrinks back. Storing a message takes no lock (a retained PUBLISH is on the publish path): the message slot is
 * set by compare-and-set, and a node is cut off by setting its empty slot to a tombstone, also by compare-and-set,
 * so a message and a cut never both win. Adding a child (a new topic) and cutting one off lock the nodes concerned,
 * a parent before its child; a writer that reaches a node cut off meanwhile starts again from the root. Leaf nodes
 * have no children map, and the message is a field, not an AtomicReference (two nodes per retained message for a
 * topic like {@code tenant/T/device/D/temp}: every byte of a node counts a million times).
 */
public final class RetainedStore {
    private final Node root = new Node();
    private final AtomicInteger count = new AtomicInteger();
    /** Payload bytes of the retained messages, kept as they come and go, so that no one walks the store to sum them. */
    private final AtomicLong payloadBytes = new AtomicLong();

    /** Stores the message as the retained one of its topic; an empty payload deletes it [MQTT-3.3.1-6]. */
    public void put(Message message) {
        if (message.payload().length == 0) {
            remove(message.topic());
            return;
        }
        String[] levels = TopicFilter.levels(message.topic());
        while (true) {
            Node node = root;
            for (int i = 0; i < levels.length && node != null; i++) {
                node = node.liveChild(levels[i]);
            }
            Message previous = node == null ? Node.CUT_OFF : node.swapIfLive(message);
            if (previous != Node.CUT_OFF) {
                if (previous == null) {
                    count.incrementAndGet();
                } else {
                    payloadBytes.addAndGet(-previous.payload().length);
                }
                payloadBytes.addAndGet(message.payload().length);
                return;
            }
            // a node on the way was cut off meanwhile: walk down again
        }
    }

    public void remove(String topic) {
        clear(topic, null);
    }

    /** Clears the retained message of {@code topic} if it has expired (a newer one stays). */
    public void removeIfExpired(String topic, long nowMillis) {
        clear(topic, nowMillis);
    }

    /** Clears the message of {@code topic} (only if expired at {@code expiredAt} when given); prunes what empties. */
    private void clear(String topic, Long expiredAt) {
        String[] levels = TopicFilter.levels(topic);
        Node[] path = new Node[levels.length + 1];
        path[0] = root;
        for (int i = 0; i < levels.length; i++) {
            path[i + 1] = path[i].child(levels[i]);
            if (path[i + 1] == null) {
                return;
            }
        }
        Node node = path[levels.length];
        Message cleared;
        if (expiredAt == null) {
            cleared = node.clear();
            if (cleared == null) {
                return;
            }
        } else {
            cleared = node.message();
            if (cleared == null || !cleared.isExpired(expiredAt) || !node.compareAndClear(cleared)) {
                return;
            }
        }
        counted(cleared);
        for (int i = levels.length; i > 0 && path[i - 1].pruneIfEmpty(levels[i - 1], path[i]); i--) {
            // the parent may be empty now too
        }
    }

    /** Trie nodes, the root included (for tests: a store whose messages were all cleared has one). */
    int nodeCount() {
        return root.countNodes();
    }

    public int size() {
        return count.get();
    }

    /** The payload bytes of all retained messages ({@code $SYS} topics included); no walk. */
    public long payloadBytes() {
        return payloadBytes.get();
    }

    /** A message left the store. */
    private void counted(Message removed) {
        count.decrementAndGet();
        payloadBytes.addAndGet(-removed.payload().length);
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
            node.forEachChild((key, child) -> {
                if (depth != 0 || !key.startsWith("$")) {
                    subtree(child, now, visitor);
                }
            });
        } else if (level.equals("+")) {
            node.forEachChild((key, child) -> {
                if (depth != 0 || !key.startsWith("$")) {
                    match(child, levels, depth + 1, now, visitor);
                }
            });
        } else {
            Node child = node.child(level);
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
                    Node child = f.node.child(level);
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
                f.children = f.node.childLevels();
            }
            while (f.children.hasMoreElements()) {
                String level = f.children.nextElement();
                if (f.depth == 0 && level.startsWith("$")) {
                    continue;
                }
                Node child = f.node.child(level);
                if (child != null) {
                    return child;
                }
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
        java.util.Enumeration<String> children;

        Frame(Node node, int depth, boolean subtree) {
            this.node = node;
            this.depth = depth;
            this.subtree = subtree;
        }
    }

    /** The node's message unless it expired (an expired one is cleared). */
    private Message live(Node node, long now) {
        Message m = node.message();
        if (m == null) {
            return null;
        }
        if (m.isExpired(now)) {
            if (node.compareAndClear(m)) {
                counted(m);
            }
            return null;
        }
        return m;
    }

    private void subtree(Node node, long now, Consumer<Message> visitor) {
        deliver(node, now, visitor);
        node.forEachChild((key, child) -> subtree(child, now, visitor));
    }

    private void deliver(Node node, long now, Consumer<Message> visitor) {
        Message m = node.message();
        if (m == null) {
            return;
        }
        if (m.isExpired(now)) {
            if (node.compareAndClear(m)) {
                counted(m);
            }
            return;
        }
        visitor.accept(m);
    }

    private static final class Node {
        /** In the message slot of a node cut off its parent: no message, and writers start again from the root. */
        private static final Message CUT_OFF = new Message("", new byte[0], 0, false, null, null, 0);
        private static final VarHandle MESSAGE;

        static {
            try {
                MESSAGE = MethodHandles.lookup().findVarHandle(Node.class, "message", Message.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        /** Null until the first child. Written under the node's lock. */
        private volatile ConcurrentHashMap<String, Node> children;
        /** The retained message, null, or {@link #CUT_OFF}; changed by compare-and-set only. */
        private volatile Message message;

        /** The retained message, or null. */
        Message message() {
            Message m = message;
            return m == CUT_OFF ? null : m;
        }

        Node child(String level) {
            ConcurrentHashMap<String, Node> c = children;
            return c == null ? null : c.get(level);
        }

        /** The levels of the children (an enumeration caches nothing in the map, unlike keySet or entrySet). */
        java.util.Enumeration<String> childLevels() {
            ConcurrentHashMap<String, Node> c = children;
            return c == null ? java.util.Collections.emptyEnumeration() : c.keys();
        }

        void forEachChild(java.util.function.BiConsumer<String, Node> action) {
            ConcurrentHashMap<String, Node> c = children;
            if (c != null) {
                c.forEach(action);
            }
        }

        /**
         * The child at {@code level}, created if missing; null when this node was cut off. An existing child is
         * found without a lock: a node is cut off only once it has no child, so a node reached through a child that
         * is still linked is linked too, and a child cut off is seen as such where the walk ends.
         */
        Node liveChild(String level) {
            ConcurrentHashMap<String, Node> c = children;
            Node child = c == null ? null : c.get(level);
            if (child != null) {
                return child;
            }
            synchronized (this) {
                if (message == CUT_OFF) {
                    return null;
                }
                c = children;
                if (c == null) {
                    c = new ConcurrentHashMap<>(2);
                    children = c;
                }
                return c.computeIfAbsent(level, k -> new Node());
            }
        }

        /** Sets the message unless the node was cut off; returns the one it replaced (null: none), or CUT_OFF. */
        Message swapIfLive(Message m) {
            while (true) {
                Message current = message;
                if (current == CUT_OFF) {
                    return CUT_OFF;
                }
                if (MESSAGE.compareAndSet(this, current, m)) {
                    return current;
                }
            }
        }

        /** Clears the message, whichever it is; returns it (null when there was none). */
        Message clear() {
            while (true) {
                Message current = message;
                if (current == null || current == CUT_OFF) {
                    return null;
                }
                if (MESSAGE.compareAndSet(this, current, null)) {
                    return current;
                }
            }
        }

        boolean compareAndClear(Message expected) {
            return MESSAGE.compareAndSet(this, expected, null);
        }

        /** Cuts {@code child} off when it holds nothing; true when it did. Locks this node, then the child. */
        synchronized boolean pruneIfEmpty(String level, Node child) {
            ConcurrentHashMap<String, Node> c = children;
            if (c == null || c.get(level) != child) {
                return false;
            }
            synchronized (child) {
                // children are added under the child's lock, a message by compare-and-set against this one
                if (child.children != null || !MESSAGE.compareAndSet(child, null, CUT_OFF)) {
                    return false;
                }
            }
            c.remove(level);
            if (c.isEmpty()) {
                children = null;
            }
            return true;
        }

        int countNodes() {
            int[] n = {1};
            forEachChild((level, child) -> n[0] += child.countNodes());
            return n[0];
        }
    }
}
