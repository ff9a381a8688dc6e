package dev.tern.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.codec.packet.PublishProperties;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetainedStoreTest {
    private final RetainedStore store = new RetainedStore();

    private static Message msg(String topic, String payload, long expiresAt) {
        return new Message(topic, payload.getBytes(StandardCharsets.UTF_8), 1, true, PublishProperties.EMPTY, "p",
                expiresAt);
    }

    private List<String> match(String filter, long now) {
        List<String> out = new ArrayList<>();
        store.match(filter, now, m -> out.add(m.topic()));
        return out;
    }

    @Test
    void storeReplaceAndDeleteWithEmptyPayload() {
        store.put(msg("a/b", "1", 0));
        store.put(msg("a/b", "2", 0));
        assertThat(store.size()).isEqualTo(1);
        List<String> payloads = new ArrayList<>();
        store.match("a/b", 0, m -> payloads.add(new String(m.payload(), StandardCharsets.UTF_8)));
        assertThat(payloads).containsExactly("2");
        store.put(msg("a/b", "", 0));
        assertThat(store.size()).isZero();
        assertThat(match("#", 0)).isEmpty();
    }

    @Test
    void payloadBytesFollowStoresReplacementsDeletesAndExpiry() {
        store.put(msg("a/b", "12345", 0));
        store.put(msg("$SYS/x", "123", 0));
        assertThat(store.payloadBytes()).isEqualTo(8);
        store.put(msg("a/b", "12", 0)); // replaced: 5 bytes out, 2 in
        assertThat(store.payloadBytes()).isEqualTo(5);
        store.put(msg("a/e", "1234567", 10));
        assertThat(store.payloadBytes()).isEqualTo(12);
        store.removeIfExpired("a/e", 9); // not yet
        assertThat(store.payloadBytes()).isEqualTo(12);
        assertThat(match("a/#", 11)).containsExactly("a/b"); // a/e expired on the way: cleared and uncounted
        assertThat(store.payloadBytes()).isEqualTo(5);
        store.remove("$SYS/x");
        store.put(msg("a/b", "", 0)); // empty payload deletes
        assertThat(store.payloadBytes()).isZero();
        assertThat(store.size()).isZero();
    }

    @Test
    void wildcardLookups() {
        for (String t : new String[] {"a", "a/b", "a/b/c", "a/c", "b", "$SYS/x", "/x"}) {
            store.put(msg(t, "x", 0));
        }
        assertThat(match("#", 0)).containsExactlyInAnyOrder("a", "a/b", "a/b/c", "a/c", "b", "/x");
        assertThat(match("a/#", 0)).containsExactlyInAnyOrder("a", "a/b", "a/b/c", "a/c");
        assertThat(match("a/+", 0)).containsExactlyInAnyOrder("a/b", "a/c");
        assertThat(match("+", 0)).containsExactlyInAnyOrder("a", "b");
        assertThat(match("+/x", 0)).containsExactlyInAnyOrder("/x");
        assertThat(match("$SYS/#", 0)).containsExactly("$SYS/x");
        assertThat(match("a/b", 0)).containsExactly("a/b");
    }

    @Test
    void clearedTopicsAreCutOffAndTheTrieShrinksBack() {
        store.put(msg("a/b/c", "1", 0));
        store.put(msg("a/b", "2", 0));
        store.put(msg("a/x", "3", 5));
        assertThat(store.nodeCount()).isEqualTo(5); // root, a, b, c, x
        store.put(msg("a/b/c", "", 0));
        assertThat(store.nodeCount()).as("c goes, b keeps its message").isEqualTo(4);
        store.removeIfExpired("a/x", 4);
        assertThat(store.nodeCount()).as("not expired yet").isEqualTo(4);
        store.removeIfExpired("a/x", 5);
        assertThat(store.nodeCount()).isEqualTo(3);
        store.remove("a/b");
        assertThat(store.nodeCount()).isEqualTo(1);
        assertThat(store.size()).isZero();
        store.put(msg("a/b/c", "4", 0));
        assertThat(match("a/#", 0)).as("a path cut off can be used again").containsExactly("a/b/c");
    }

    @Test
    void concurrentWritersAndClearersNeverLoseAMessage() throws Exception {
        String[] topics = {"t/x/1", "t/x/2", "t/y/1", "t/x"};
        Thread[] churners = new Thread[2];
        java.util.concurrent.CountDownLatch churning = new java.util.concurrent.CountDownLatch(churners.length);
        for (int t = 0; t < churners.length; t++) {
            String prefix = "t/c" + t + "/";
            churners[t] = new Thread(() -> {
                churning.countDown();
                for (int i = 0; i < 20_000; i++) {
                    String topic = prefix + topics[i % topics.length];
                    store.put(msg(topic, "v", 0));
                    store.remove(topic);
                    store.put(msg(topics[i % topics.length] + "/c", "v", 0));
                    store.remove(topics[i % topics.length] + "/c");
                }
            });
        }
        for (Thread t : churners) {
            t.start();
        }
        churning.await();
        for (int i = 0; i < 2_000; i++) {
            store.put(msg(topics[i % topics.length] + "/keep" + i, "v", 0));
        }
        for (Thread t : churners) {
            t.join();
        }
        assertThat(store.size()).isEqualTo(2_000);
        assertThat(match("t/#", 0)).hasSize(2_000).allMatch(topic -> topic.contains("/keep"));
    }

    @Test
    void expiredMessagesAreDroppedOnRead() {
        store.put(msg("a", "x", 1000));
        assertThat(match("a", 999)).containsExactly("a");
        assertThat(match("a", 1000)).isEmpty();
        assertThat(store.size()).isZero();
    }

    @Test
    void cursorWalksTheSameMatchesAsMatchOneAtATime() {
        for (String t : new String[] {"a", "a/b", "a/b/c", "a/c", "b", "$SYS/x", "/x", "a/b/c/d", "", "a//b"}) {
            store.put(msg(t, "v", 0));
        }
        store.put(msg("a/old", "v", 5));
        for (String filter : new String[] {"#", "+", "a/#", "a/+", "+/+", "a/+/c", "$SYS/#", "+/x", "/#", "a/b",
                "nothing/#", "a/b/c/#", "+/+/+/+", "#/x".substring(0, 1)}) {
            List<String> walked = new ArrayList<>();
            RetainedStore.Cursor c = store.cursor(filter, 10);
            for (Message m; (m = c.next()) != null; ) {
                walked.add(m.topic());
            }
            assertThat(walked).as(filter).containsExactlyInAnyOrderElementsOf(match(filter, 10));
        }
        assertThat(match("a/+", 10)).doesNotContain("a/old");
    }
}
