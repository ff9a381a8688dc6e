package dev.tern.core;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * All subscriptions of the broker, as a trie of topic levels. Reads ({@link #match}) are lock-free and may run on
 * any thread; writes come from the shards that own the subscribing sessions and only touch one session's entries.
 * The cost of a match grows with the depth of the topic and the number of matches, not with the number of
 * subscriptions.
 *
 * <p>Writers (subscribe, unsubscribe) lock the one node they change, never more than a parent and its child, always
 * in that order; readers take no lock. A node left with no subscription and no child is cut off its parent and
 * marked dead, so that the trie shrinks back when subscriptions go: without it, a million subscriptions that came
 * and went left some 380 MB of empty nodes behind (docs/performance.md). A writer that reaches a dead node (cut off
 * while it walked down) starts again from the root; a reader that is inside one sees an empty node, as it would a
 * moment later.
 */
public final class TopicIndex {
    private final Node root = new Node();
    private final AtomicInteger count = new AtomicInteger();

    /** Adds or replaces the subscription of {@code entry.clientId()} to {@code entry.fullFilter()}. */
    public boolean subscribe(SubscriptionEntry entry) {
        String[] levels = TopicFilter.levels(entry.filter());
        while (true) {
            Node node = root;
            for (int i = 0; i < levels.length && node != null; i++) {
                node = node.liveChild(levels[i]);
            }
            Boolean added = node == null ? null : node.addIfLive(entry);
            if (added != null) {
                if (added) {
                    count.incrementAndGet();
                }
                return added;
            }
            // a node on the way was cut off meanwhile: walk down again
        }
    }

    /** Removes one subscription; true when it existed. Nodes it leaves empty are cut off the trie. */
    public boolean unsubscribe(String clientId, String filter, String shareGroup) {
        String[] levels = TopicFilter.levels(filter);
        Node[] path = new Node[levels.length + 1];
        path[0] = root;
        for (int i = 0; i < levels.length; i++) {
            path[i + 1] = path[i].child(levels[i]);
            if (path[i + 1] == null) {
                return false;
            }
        }
        if (!path[levels.length].remove(clientId, shareGroup)) {
            return false;
        }
        count.decrementAndGet();
        for (int i = levels.length; i > 0 && path[i - 1].pruneIfEmpty(levels[i - 1], path[i]); i--) {
            // the parent may be empty now too
        }
        return true;
    }

    /** Trie nodes, the root included (for tests: an index whose subscriptions all went has one). */
    int nodeCount() {
        return root.countNodes();
    }

    /** The share group on a filter, or null. */
    public SharedGroup sharedGroup(String filter, String group) {
        Node node = root;
        for (String level : TopicFilter.levels(filter)) {
            node = node.child(level);
            if (node == null) {
                return null;
            }
        }
        ConcurrentHashMap<String, SharedGroup> groups = node.shared;
        return groups == null ? null : groups.get(group);
    }

    /** Number of subscriptions held. */
    public int size() {
        return count.get();
    }

    /**
     * Visits every subscription matching the topic name: ordinary ones one by one, shared groups as a whole (the
     * caller picks one member).
     */
    public void match(String topic, Consumer<SubscriptionEntry> ordinary, Consumer<SharedGroup> shared) {
        String[] levels = TopicFilter.levels(topic);
        boolean dollar = !topic.isEmpty() && topic.charAt(0) == '$';
        match(root, levels, 0, dollar, ordinary, shared);
    }

    private static void match(Node node, String[] levels, int depth, boolean dollar,
                              Consumer<SubscriptionEntry> ordinary, Consumer<SharedGroup> shared) {
        if (depth == levels.length) {
            node.visit(ordinary, shared);
            Node hash = node.child("#");
            if (hash != null) {
                hash.visit(ordinary, shared);
            }
            return;
        }
        boolean wildcardsAllowed = !(depth == 0 && dollar);
        if (wildcardsAllowed) {
            Node hash = node.child("#");
            if (hash != null) {
                hash.visit(ordinary, shared);
            }
            Node plus = node.child("+");
            if (plus != null) {
                match(plus, levels, depth + 1, dollar, ordinary, shared);
            }
        }
        Node exact = node.child(levels[depth]);
        if (exact != null) {
            match(exact, levels, depth + 1, dollar, ordinary, shared);
        }
    }

    /** The members of one share group on one filter; members are picked round-robin. */
    public static final class SharedGroup {
        private final ConcurrentHashMap<String, SubscriptionEntry> members = new ConcurrentHashMap<>();
        private final AtomicInteger next = new AtomicInteger();

        public List<SubscriptionEntry> members() {
            return List.copyOf(members.values());
        }

        /** The next member in turn, or null when the group is empty. */
        public SubscriptionEntry pick(java.util.function.Predicate<SubscriptionEntry> preferred) {
            List<SubscriptionEntry> all = members();
            if (all.isEmpty()) {
                return null;
            }
            int start = Math.floorMod(next.getAndIncrement(), all.size());
            for (int i = 0; i < all.size(); i++) {
                SubscriptionEntry candidate = all.get((start + i) % all.size());
                if (preferred.test(candidate)) {
                    return candidate;
                }
            }
            return all.get(start);
        }
    }

    /**
     * One trie level. Most nodes hold only children, or only subscribers: the three maps are created on first use
     * and dropped when they empty (about a third of the index's memory at 1M subscriptions went to empty maps when
     * they were eager). The maps are written under the node's lock and read without it.
     */
    private static final class Node {
        /**
         * The children of a node cut off its parent: it stays empty for readers, and writers that reach it start
         * again from the root. (A marker, not a boolean field: a field would make every node 8 bytes larger.)
         */
        private static final ConcurrentHashMap<String, Node> DEAD = new ConcurrentHashMap<>(1);

        private volatile ConcurrentHashMap<String, Node> children;
        private volatile ConcurrentHashMap<String, SubscriptionEntry> subscribers;
        private volatile ConcurrentHashMap<String, SharedGroup> shared;

        Node child(String level) {
            ConcurrentHashMap<String, Node> c = children;
            return c == null ? null : c.get(level);
        }

        /** The child at {@code level}, created if missing; null when this node is dead. */
        synchronized Node liveChild(String level) {
            ConcurrentHashMap<String, Node> c = children;
            if (c == DEAD) {
                return null;
            }
            if (c == null) {
                c = new ConcurrentHashMap<>(2);
                children = c;
            }
            Node child = c.get(level);
            if (child == null) {
                child = new Node();
                c.put(level, child);
            }
            return child;
        }

        /** True when the entry is new, false when it replaced one, null when this node is dead. */
        synchronized Boolean addIfLive(SubscriptionEntry entry) {
            if (children == DEAD) {
                return null;
            }
            SubscriptionEntry previous;
            if (entry.isShared()) {
                ConcurrentHashMap<String, SharedGroup> groups = shared;
                if (groups == null) {
                    groups = new ConcurrentHashMap<>(2);
                    shared = groups;
                }
                previous = groups.computeIfAbsent(entry.shareGroup(), g -> new SharedGroup()).members
                        .put(entry.clientId(), entry);
            } else {
                ConcurrentHashMap<String, SubscriptionEntry> subs = subscribers;
                if (subs == null) {
                    subs = new ConcurrentHashMap<>(2);
                    subscribers = subs;
                }
                previous = subs.put(entry.clientId(), entry);
            }
            return previous == null;
        }

        /** Removes a client's subscription (of {@code shareGroup}, or its ordinary one); drops maps left empty. */
        synchronized boolean remove(String clientId, String shareGroup) {
            if (shareGroup != null) {
                ConcurrentHashMap<String, SharedGroup> groups = shared;
                SharedGroup group = groups == null ? null : groups.get(shareGroup);
                if (group == null || group.members.remove(clientId) == null) {
                    return false;
                }
                if (group.members.isEmpty()) {
                    groups.remove(shareGroup);
                    if (groups.isEmpty()) {
                        shared = null;
                    }
                }
                return true;
            }
            ConcurrentHashMap<String, SubscriptionEntry> subs = subscribers;
            if (subs == null || subs.remove(clientId) == null) {
                return false;
            }
            if (subs.isEmpty()) {
                subscribers = null;
            }
            return true;
        }

        /**
         * Cuts {@code child} (at {@code level}) off this node when it holds nothing any more; true when it did, so
         * that the caller goes on with this node's own parent. Locks this node, then the child.
         */
        synchronized boolean pruneIfEmpty(String level, Node child) {
            ConcurrentHashMap<String, Node> c = children;
            if (c == null || c.get(level) != child) {
                return false;
            }
            synchronized (child) {
                if (child.children != null || child.subscribers != null || child.shared != null) {
                    return false; // not empty, or already cut off (DEAD)
                }
                child.children = DEAD;
            }
            c.remove(level);
            if (c.isEmpty()) {
                children = null;
            }
            return true;
        }

        int countNodes() {
            int n = 1;
            ConcurrentHashMap<String, Node> c = children;
            if (c != null && c != DEAD) {
                for (Node child : c.values()) {
                    n += child.countNodes();
                }
            }
            return n;
        }

        void visit(Consumer<SubscriptionEntry> ordinary, Consumer<SharedGroup> sharedVisitor) {
            ConcurrentHashMap<String, SubscriptionEntry> subs = subscribers;
            if (subs != null && !subs.isEmpty()) {
                subs.values().forEach(ordinary);
            }
            ConcurrentHashMap<String, SharedGroup> groups = shared;
            if (groups != null && !groups.isEmpty()) {
                for (SharedGroup g : groups.values()) {
                    if (!g.members.isEmpty()) {
                        sharedVisitor.accept(g);
                    }
                }
            }
        }
    }
}
