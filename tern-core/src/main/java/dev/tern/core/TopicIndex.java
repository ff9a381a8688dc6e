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
 */
public final class TopicIndex {
    private final Node root = new Node();
    private final AtomicInteger count = new AtomicInteger();

    /** Adds or replaces the subscription of {@code entry.clientId()} to {@code entry.fullFilter()}. */
    public boolean subscribe(SubscriptionEntry entry) {
        Node node = root;
        for (String level : TopicFilter.levels(entry.filter())) {
            node = node.children.computeIfAbsent(level, k -> new Node());
        }
        SubscriptionEntry previous;
        if (entry.isShared()) {
            previous = node.shared.computeIfAbsent(entry.shareGroup(), g -> new SharedGroup())
                    .members.put(entry.clientId(), entry);
        } else {
            previous = node.subscribers.put(entry.clientId(), entry);
        }
        if (previous == null) {
            count.incrementAndGet();
        }
        return previous == null;
    }

    /** Removes one subscription; true when it existed. Empty trie nodes are left in place (reads stay lock-free). */
    public boolean unsubscribe(String clientId, String filter, String shareGroup) {
        Node node = root;
        for (String level : TopicFilter.levels(filter)) {
            node = node.children.get(level);
            if (node == null) {
                return false;
            }
        }
        SubscriptionEntry removed;
        if (shareGroup != null) {
            SharedGroup group = node.shared.get(shareGroup);
            removed = group == null ? null : group.members.remove(clientId);
        } else {
            removed = node.subscribers.remove(clientId);
        }
        if (removed != null) {
            count.decrementAndGet();
        }
        return removed != null;
    }

    /** The share group on a filter, or null. */
    public SharedGroup sharedGroup(String filter, String group) {
        Node node = root;
        for (String level : TopicFilter.levels(filter)) {
            node = node.children.get(level);
            if (node == null) {
                return null;
            }
        }
        return node.shared.get(group);
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
            Node hash = node.children.get("#");
            if (hash != null) {
                hash.visit(ordinary, shared);
            }
            return;
        }
        boolean wildcardsAllowed = !(depth == 0 && dollar);
        if (wildcardsAllowed) {
            Node hash = node.children.get("#");
            if (hash != null) {
                hash.visit(ordinary, shared);
            }
            Node plus = node.children.get("+");
            if (plus != null) {
                match(plus, levels, depth + 1, dollar, ordinary, shared);
            }
        }
        Node exact = node.children.get(levels[depth]);
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

    private static final class Node {
        final ConcurrentHashMap<String, Node> children = new ConcurrentHashMap<>(4);
        final ConcurrentHashMap<String, SubscriptionEntry> subscribers = new ConcurrentHashMap<>(4);
        final ConcurrentHashMap<String, SharedGroup> shared = new ConcurrentHashMap<>(2);

        void visit(Consumer<SubscriptionEntry> ordinary, Consumer<SharedGroup> sharedVisitor) {
            if (!subscribers.isEmpty()) {
                subscribers.values().forEach(ordinary);
            }
            if (!shared.isEmpty()) {
                for (SharedGroup g : shared.values()) {
                    if (!g.members.isEmpty()) {
                        sharedVisitor.accept(g);
                    }
                }
            }
        }
    }
}
