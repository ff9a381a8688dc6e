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
