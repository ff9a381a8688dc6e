package dev.tern.tests;

import static dev.tern.tests.support.Raw.SHORT;
import static dev.tern.tests.support.Raw.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.codec.packet.Disconnect;
import dev.tern.codec.packet.PubAck;
import dev.tern.codec.packet.PubComp;
import dev.tern.codec.packet.PubRec;
import dev.tern.codec.packet.PubRel;
import dev.tern.codec.packet.Publish;
import dev.tern.codec.packet.SubAck;
import dev.tern.codec.packet.Subscribe;
import dev.tern.codec.packet.Subscription;
import dev.tern.codec.packet.UnsubAck;
import dev.tern.codec.packet.Unsubscribe;
import dev.tern.testkit.RawMqttClient;
import dev.tern.testkit.TernExtension;
import dev.tern.tests.support.ClientKind;
import dev.tern.tests.support.ConnectBuilder;
import dev.tern.tests.support.Msg;
import dev.tern.tests.support.Raw;
import dev.tern.tests.support.TestClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Spec 4.7 topic names and filters, 3.8/3.9 SUBSCRIBE/SUBACK, 3.10/3.11 UNSUBSCRIBE, overlapping subscriptions. */
class TopicTest {
    @RegisterExtension
    static TernExtension broker = new TernExtension();

    private List<String> deliveredTopics(String filter, List<String> published) throws Exception {
        try (TestClient sub = ClientKind.PAHO_V3.connected(broker.port(), "filter-" + Math.abs(filter.hashCode()));
             TestClient pub = ClientKind.PAHO_V3.connected(broker.port(), "filter-pub")) {
            sub.subscribe(filter, 1);
            sub.subscribe("sentinel/" + filter.hashCode(), 1);
            for (String t : published) {
                pub.publish(t, t, 1, false);
            }
            pub.publish("sentinel/" + filter.hashCode(), "end", 1, false);
            List<String> got = new ArrayList<>();
            while (true) {
                Msg m = sub.awaitMessage();
                if (m.topic().startsWith("sentinel/")) {
                    return got;
                }
                got.add(m.topic());
            }
        }
    }

    @Test
    @DisplayName("[MQTT-4.7.1-3] '+' matches exactly one level, including an empty one")
    void singleLevelWildcard() throws Exception {
        assertThat(deliveredTopics("sl/+/x", List.of("sl/a/x", "sl/a/b/x", "sl/x", "sl//x", "sl/a/y")))
                .containsExactly("sl/a/x", "sl//x");
    }

    @Test
    @DisplayName("[MQTT-4.7.1-2] '#' matches any number of levels, and 'a/#' matches 'a' itself")
    void multiLevelWildcard() throws Exception {
        assertThat(deliveredTopics("ml/#", List.of("ml", "ml/a", "ml/a/b", "ml/", "mlx/a", "other/ml")))
                .containsExactly("ml", "ml/a", "ml/a/b", "ml/");
    }

    @Test
    @DisplayName("[4.7.3] empty levels are levels: 'el//b' is matched by 'el/+/b'")
    void emptyLevels() throws Exception {
        assertThat(deliveredTopics("el/+/b", List.of("el//b", "el/b"))).containsExactly("el//b");
    }

    @Test
    @DisplayName("[MQTT-4.7.3-4] topics are case sensitive")
    void caseSensitive() throws Exception {
        assertThat(deliveredTopics("cs/Topic", List.of("cs/topic", "cs/Topic", "CS/Topic")))
                .containsExactly("cs/Topic");
    }

    @Test
    @DisplayName("[MQTT-4.7.2-1] '$' topics are not matched by '#' or '+/x', but by '$test/#'")
    void dollarTopics() throws Exception {
        try (TestClient hash = ClientKind.PAHO_V3.connected(broker.port(), "dollar-hash");
             TestClient plus = ClientKind.PAHO_V3.connected(broker.port(), "dollar-plus");
             TestClient explicit = ClientKind.PAHO_V3.connected(broker.port(), "dollar-explicit");
             TestClient pub = ClientKind.PAHO_V3.connected(broker.port(), "dollar-pub")) {
            hash.subscribe("#", 0);
            plus.subscribe("+/sysx", 0);
            explicit.subscribe("$test/#", 0);
            pub.publish("$test/sysx", "dollar", 1, false);
            pub.publish("plain/sysx", "plain", 1, false);
            assertThat(explicit.awaitMessage().topic()).isEqualTo("$test/sysx");
            assertThat(plus.awaitMessage().topic()).as("the plain topic only").isEqualTo("plain/sysx");
            List<String> hashTopics = new ArrayList<>();
            Msg m;
            do {
                m = hash.awaitMessage();
                hashTopics.add(m.topic());
            } while (!m.topic().equals("plain/sysx"));
            assertThat(hashTopics).noneMatch(t -> t.startsWith("$"));
            plus.assertNoMessage(SHORT);
        }
    }

    @Test
    @DisplayName("[MQTT-4.7.1-2][MQTT-4.7.1-3][3.9.3] 3.1.1: invalid filters -> SUBACK 0x80, valid ones in the same packet granted")
    void invalidFilters311() {
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v311("badfilter-3"))) {
            SubAck ack = c.subscribe(Subscription.of("bf/#/x", 0), Subscription.of("bf+", 0),
                    Subscription.of("bf/a#", 0), Subscription.of("bf/ok", 1));
            assertThat(ack.reasonCodes()).containsExactly(0x80, 0x80, 0x80, 0x01);
        }
    }

    @Test
    @DisplayName("[4.7.1] MQTT 5: invalid filters -> SUBACK 0x8F (topic filter invalid)")
    void invalidFiltersV5() {
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v5("badfilter-5"))) {
            SubAck ack = c.subscribe(Subscription.of("bf/#/x", 0), Subscription.of("bf+", 0),
                    Subscription.of("bf/ok", 2));
            assertThat(ack.reasonCodes()).containsExactly(0x8F, 0x8F, 0x02);
        }
    }

    @Test
    @DisplayName("[MQTT-3.3.2-2] MQTT 5: wildcard in a PUBLISH topic -> DISCONNECT 0x90, close")
    void wildcardInPublishV5() {
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v5("wildpub-5"))) {
            c.send(Raw.publish("wp/+", 0, 0, "x"));
            assertThat(c.expect(Disconnect.class).reasonCode()).isEqualTo(0x90);
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    @Test
    @DisplayName("[MQTT-3.3.2-2] 3.1.1: wildcard in a PUBLISH topic -> close")
    void wildcardInPublish311() {
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v311("wildpub-3"))) {
            c.send(Raw.publish("wp/#", 0, 0, "x"));
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
            assertThat(c.discarded()).isEmpty();
        }
    }

    @Test
    @DisplayName("[MQTT-3.3.4-2][MQTT-3.3.4-3] MQTT 5: overlapping subscriptions -> one message, highest QoS, "
            + "all subscription identifiers")
    void overlappingV5() {
        try (RawMqttClient sub = Raw.connected(broker.port(), ConnectBuilder.v5("overlap-5"));
             RawMqttClient pub = Raw.connected(broker.port(), ConnectBuilder.v5("overlap-5-pub"))) {
            sub.send(new Subscribe(sub.nextPacketId(), 1, List.of(), List.of(Subscription.of("ov5/+", 1))));
            sub.expect(SubAck.class);
            sub.send(new Subscribe(sub.nextPacketId(), 2, List.of(), List.of(Subscription.of("ov5/#", 2))));
            sub.expect(SubAck.class);
            pub.send(Raw.publish("ov5/a", 2, 1, "both"));
            pub.expect(PubRec.class);
            pub.send(PubRel.of(1));
            pub.expect(PubComp.class);

            Publish p = sub.expect(Publish.class);
            assertThat(p.qos()).isEqualTo(2);
            assertThat(p.properties().subscriptionIdentifiers()).containsExactlyInAnyOrder(1, 2);
            sub.send(PubRec.of(p.packetId()));
            sub.expect(PubRel.class);
            sub.send(PubComp.of(p.packetId()));
            sub.expectNothing(SHORT);
        }
    }

    @Test
    @DisplayName("[MQTT-3.3.4-2] 3.1.1: overlapping subscriptions -> delivered once at the highest QoS")
    void overlapping311() throws Exception {
        try (TestClient sub = ClientKind.PAHO_V3.connected(broker.port(), "overlap-3");
             TestClient pub = ClientKind.PAHO_V3.connected(broker.port(), "overlap-3-pub")) {
            sub.subscribe("ov3/+", 0);
            sub.subscribe("ov3/#", 1);
            pub.publish("ov3/a", "once", 1, false);
            Msg m = sub.awaitMessage();
            assertThat(m.qos()).isEqualTo(1);
            sub.assertNoMessage(SHORT);
        }
    }

    @Test
    @DisplayName("[MQTT-3.8.4-3] subscribing again to the same filter replaces the subscription (one delivery)")
    void resubscribeReplaces() throws Exception {
        try (RawMqttClient sub = Raw.connected(broker.port(), ConnectBuilder.v311("resub"));
             TestClient pub = ClientKind.PAHO_V3.connected(broker.port(), "resub-pub")) {
            sub.subscribe("resub/t", 0);
            assertThat(sub.subscribe("resub/t", 1).reasonCodes()).containsExactly(1);
            pub.publish("resub/t", "x", 1, false);
            Publish p = sub.expect(Publish.class);
            assertThat(p.qos()).isEqualTo(1);
            sub.send(PubAck.of(p.packetId()));
            sub.expectNothing(SHORT);
        }
    }

    @Test
    @DisplayName("[MQTT-3.10.4-1..5] UNSUBSCRIBE -> UNSUBACK with the same id, no further delivery")
    void unsubscribe() throws Exception {
        try (RawMqttClient sub = Raw.connected(broker.port(), ConnectBuilder.v5("unsub"));
             TestClient pub = ClientKind.PAHO_V5.connected(broker.port(), "unsub-pub")) {
            sub.subscribe("unsub/t", 0);
            sub.send(new Unsubscribe(77, List.of(), List.of("unsub/t", "unsub/never")));
            UnsubAck ack = sub.expect(UnsubAck.class);
            assertThat(ack.packetId()).isEqualTo(77);
            assertThat(ack.reasonCodes()).containsExactly(0x00, 0x11);
            pub.publish("unsub/t", "x", 0, false);
            sub.expectNothing(SHORT);
        }
    }
}
