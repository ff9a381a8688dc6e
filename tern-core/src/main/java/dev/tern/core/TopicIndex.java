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
            node = node.childOrCreate(level);
        }
        SubscriptionEntry previous;
        if (entry.isShared()) {
            previous = node.sharedOrCreate().computeIfAbsent(entry.shareGroup(), g -> new SharedGroup())
                    .members.put(entry.clientId(), entry);
        } else {
            previous = node.subscribersOrCreate().put(entry.clientId(), entry);
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
            node = node.child(level);
            if (node == null) {
                return false;
            }
        }
        SubscriptionEntry removed;
        if (shareGroup != null) {
            ConcurrentHashMap<String, SharedGroup> groups = node.sharedOrNull();
            SharedGroup group = groups == null ? null : groups.get(shareGroup);
            removed = group == null ? null : group.members.remove(clientId);
        } else {
            ConcurrentHashMap<String, SubscriptionEntry> subs = node.subscribersOrNull();
            removed = subs == null ? null : subs.remove(clientId);
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
            node = node.child(level);
            if (node == null) {
                return null;
            }
        }
        ConcurrentHashMap<String, SharedGroup> groups = node.sharedOrNull();
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
     * (about a third of the index's memory at 1M subscriptions went to empty maps when they were eager).
     */
    private static final class Node {
        private static final java.lang.invoke.VarHandle CHILDREN;
        private static final java.lang.invoke.VarHandle SUBSCRIBERS;
        private static final java.lang.invoke.VarHandle SHARED;

        static {
            try {
                java.lang.invoke.MethodHandles.Lookup l = java.lang.invoke.MethodHandles.lookup();
                CHILDREN = l.findVarHandle(Node.class, "children", ConcurrentHashMap.class);
                SUBSCRIBERS = l.findVarHandle(Node.class, "subscribers", ConcurrentHashMap.class);
                SHARED = l.findVarHandle(Node.class, "shared", ConcurrentHashMap.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private volatile ConcurrentHashMap<String, Node> children;
        private volatile ConcurrentHashMap<String, SubscriptionEntry> subscribers;
        private volatile ConcurrentHashMap<String, SharedGroup> shared;

        Node child(String level) {
            ConcurrentHashMap<String, Node> c = children;
            return c == null ? null : c.get(level);
        }

        Node childOrCreate(String level) {
            return this.<String, Node>ensure(CHILDREN).computeIfAbsent(level, k -> new Node());
        }

        ConcurrentHashMap<String, SubscriptionEntry> subscribersOrCreate() {
            return ensure(SUBSCRIBERS);
        }

        ConcurrentHashMap<String, SharedGroup> sharedOrCreate() {
            return ensure(SHARED);
        }

        ConcurrentHashMap<String, SubscriptionEntry> subscribersOrNull() {
            return subscribers;
        }

        ConcurrentHashMap<String, SharedGroup> sharedOrNull() {
            return shared;
        }

        @SuppressWarnings("unchecked")
        private <K, V> ConcurrentHashMap<K, V> ensure(java.lang.invoke.VarHandle field) {
            ConcurrentHashMap<K, V> m = (ConcurrentHashMap<K, V>) field.getVolatile(this);
            if (m == null) {
                ConcurrentHashMap<K, V> fresh = new ConcurrentHashMap<>(2);
                m = field.compareAndSet(this, null, fresh) ? fresh : (ConcurrentHashMap<K, V>) field.getVolatile(this);
            }
            return m;
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
