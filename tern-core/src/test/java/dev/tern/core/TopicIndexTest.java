package dev.tern.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TopicIndexTest {
    private final TopicIndex index = new TopicIndex();

    private static SubscriptionEntry sub(String client, String filter) {
        return new SubscriptionEntry(client, filter, null, 1, false, false, 0, null);
    }

    private List<String> matches(String topic) {
        List<String> out = new ArrayList<>();
        index.match(topic, e -> out.add(e.clientId() + ":" + e.filter()),
                g -> g.members().forEach(m -> out.add("share:" + m.clientId())));
        return out;
    }

    @Test
    void exactAndWildcardMatches() {
        index.subscribe(sub("c1", "a/b"));
        index.subscribe(sub("c2", "a/+"));
        index.subscribe(sub("c3", "a/#"));
        index.subscribe(sub("c4", "#"));
        index.subscribe(sub("c5", "b/#"));
        assertThat(matches("a/b")).containsExactlyInAnyOrder("c1:a/b", "c2:a/+", "c3:a/#", "c4:#");
        assertThat(matches("a")).containsExactlyInAnyOrder("c3:a/#", "c4:#");
        assertThat(matches("b")).containsExactlyInAnyOrder("c5:b/#", "c4:#");
        assertThat(matches("a/b/c")).containsExactlyInAnyOrder("c3:a/#", "c4:#");
    }

    @Test
    void dollarTopicsNotMatchedByLeadingWildcards() {
        index.subscribe(sub("c1", "#"));
        index.subscribe(sub("c2", "+/x"));
        index.subscribe(sub("c3", "$SYS/#"));
        assertThat(matches("$SYS/x")).containsExactly("c3:$SYS/#");
    }

    @Test
    void replaceAndUnsubscribe() {
        assertThat(index.subscribe(sub("c1", "a"))).isTrue();
        assertThat(index.subscribe(sub("c1", "a"))).isFalse();
        assertThat(index.size()).isEqualTo(1);
        assertThat(index.unsubscribe("c1", "a", null)).isTrue();
        assertThat(index.unsubscribe("c1", "a", null)).isFalse();
        assertThat(matches("a")).isEmpty();
        assertThat(index.size()).isZero();
    }

    @Test
    void sharedGroupsAreVisitedAsAWhole() {
        index.subscribe(new SubscriptionEntry("c1", "t", "g", 1, false, false, 0, null));
        index.subscribe(new SubscriptionEntry("c2", "t", "g", 1, false, false, 0, null));
        assertThat(matches("t")).containsExactlyInAnyOrder("share:c1", "share:c2");
    }

    @Test
    void nodesLeftEmptyAreCutOffAndTheTrieShrinksBack() {
        index.subscribe(sub("c1", "a/b/c"));
        index.subscribe(sub("c2", "a/b"));
        index.subscribe(new SubscriptionEntry("c3", "a/+/d", "g", 1, false, false, 0, null));
        assertThat(index.nodeCount()).isEqualTo(6); // root, a, b, c, +, d
        index.unsubscribe("c1", "a/b/c", null);
        assertThat(index.nodeCount()).as("c goes, b stays for c2").isEqualTo(5);
        assertThat(matches("a/b")).containsExactly("c2:a/b");
        index.unsubscribe("c3", "a/+/d", "g");
        assertThat(index.nodeCount()).isEqualTo(3);
        assertThat(index.sharedGroup("a/+/d", "g")).isNull();
        index.unsubscribe("c2", "a/b", null);
        assertThat(index.nodeCount()).isEqualTo(1);
        assertThat(index.size()).isZero();
        index.subscribe(sub("c1", "a/b/c"));
        assertThat(matches("a/b/c")).as("a path cut off can be subscribed again").containsExactly("c1:a/b/c");
    }

    @Test
    void concurrentSubscribersAndLeaversNeverLoseASubscription() throws Exception {
        // two threads churn subscriptions under one parent (its nodes are cut off and made again all the time)
        // while a third keeps one subscription per round: every kept one must be matched at the end
        String[] filters = {"t/x/1", "t/x/2", "t/+/1", "t/x/#", "t/x"};
        int rounds = 20_000;
        Thread[] churners = new Thread[2];
        java.util.concurrent.CountDownLatch churning = new java.util.concurrent.CountDownLatch(churners.length);
        for (int t = 0; t < churners.length; t++) {
            String client = "churn" + t;
            churners[t] = new Thread(() -> {
                churning.countDown();
                for (int i = 0; i < rounds; i++) {
                    String f = filters[i % filters.length];
                    index.subscribe(sub(client, f));
                    index.unsubscribe(client, f, null);
                }
            });
        }
        for (Thread t : churners) {
            t.start();
        }
        churning.await();
        for (int i = 0; i < 2_000; i++) {
            index.subscribe(sub("keep" + i, filters[i % filters.length]));
        }
        for (Thread t : churners) {
            t.join();
        }
        assertThat(index.size()).isEqualTo(2_000);
        List<String> got = new ArrayList<>();
        index.match("t/x/1", e -> got.add(e.clientId()), g -> { });
        // t/x/1, t/+/1 and t/x/# match t/x/1: 3 of every 5 kept subscriptions
        assertThat(got).hasSize(1_200).allMatch(c -> c.startsWith("keep"));
        for (int i = 0; i < 2_000; i++) {
            index.unsubscribe("keep" + i, filters[i % filters.length], null);
        }
        assertThat(index.nodeCount()).isEqualTo(1);
    }

    @Test
    void agreesWithTheOneFilterMatcherOnRandomInput() {
        Random r = new Random(42);
        String[] words = {"a", "b", "c", "", "$x"};
        List<String> filters = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String f = randomPath(r, words, true);
            if (TopicFilter.isValidFilter(f)) {
                filters.add(f);
                index.subscribe(sub("c" + i, f));
            }
        }
        for (int i = 0; i < 300; i++) {
            String topic = randomPath(r, words, false);
            List<String> expected = new ArrayList<>();
            for (int k = 0; k < filters.size(); k++) {
                if (TopicFilter.matches(filters.get(k), topic)) {
                    expected.add(filters.get(k));
                }
            }
            List<String> got = new ArrayList<>();
            index.match(topic, e -> got.add(e.filter()), g -> { });
            assertThat(got).as("topic %s", topic).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    private static String randomPath(Random r, String[] words, boolean wildcards) {
        int n = 1 + r.nextInt(4);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append('/');
            }
            int pick = r.nextInt(wildcards ? words.length + 2 : words.length);
            String w = pick < words.length ? words[pick] : (pick == words.length ? "+" : "#");
            if (i > 0 && w.startsWith("$")) {
                w = "d";
            }
            sb.append(w);
        }
        return sb.toString();
    }
}
