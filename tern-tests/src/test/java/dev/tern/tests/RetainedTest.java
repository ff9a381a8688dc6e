package dev.tern.tests;

import static dev.tern.tests.support.Raw.SHORT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.codec.packet.PubAck;
import dev.tern.codec.packet.Publish;
import dev.tern.codec.packet.PublishProperties;
import dev.tern.codec.packet.Subscription;
import dev.tern.testkit.RawMqttClient;
import dev.tern.testkit.TernExtension;
import dev.tern.tests.support.ClientKind;
import dev.tern.tests.support.ConnectBuilder;
import dev.tern.tests.support.Msg;
import dev.tern.tests.support.Raw;
import dev.tern.tests.support.TestClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Spec 3.3.1.3 RETAIN, 3.8.3.1 retain handling and retain as published, 3.3.2.3.3 message expiry of retained. */
class RetainedTest {
    @RegisterExtension
    static TernExtension broker = new TernExtension();

    /** A session queue of 100 messages: retained sets larger than that must be paced, not queued at once. */
    @RegisterExtension
    static TernExtension smallQueues = new TernExtension(b -> b.mqtt(dev.tern.core.MqttSettings.defaults()
            .withQueueLimits(100, 0, dev.tern.core.MqttSettings.QueueOverflow.DROP_NEW, false)));

    @Test
    @DisplayName("a # subscription over 5,000 retained messages gets every one, paced by its receive maximum of 10, "
            + "with a queue limit of 100; other clients are served meanwhile")
    void largeRetainedSetIsPacedByFlowControl() {
        int n = 5000;
        try (RawMqttClient pub = Raw.connected(smallQueues.port(), ConnectBuilder.v5("big-pub"))) {
            for (int i = 0; i < n; i += 100) { // QoS 1, in windows of 100 (below the receive maximum)
                for (int j = i; j < i + 100; j++) {
                    pub.send(Raw.publish("big/" + (j % 50) + "/" + j, 1, true, j - i + 1, "v" + j,
                            PublishProperties.EMPTY));
                }
                for (int j = 0; j < 100; j++) {
                    pub.expect(PubAck.class);
                }
            }
        }
        try (RawMqttClient sub = Raw.connected(smallQueues.port(), ConnectBuilder.v5("big-sub").receiveMaximum(10));
             RawMqttClient other = Raw.connected(smallQueues.port(), ConnectBuilder.v5("big-other"))) {
            sub.send(new dev.tern.codec.packet.Subscribe(sub.nextPacketId(), null, List.of(),
                    List.of(new Subscription("big/#", 1, false, false, 0))));
            java.util.Set<String> topics = new java.util.HashSet<>();
            int unacked = 0;
            int maxUnacked = 0;
            java.util.ArrayDeque<Integer> pending = new java.util.ArrayDeque<>();
            while (topics.size() < n) {
                var packet = sub.receive(Raw.TIMEOUT);
                assertThat(packet).as("after %d retained messages", topics.size()).isNotNull();
                if (packet instanceof Publish p) {
                    assertThat(p.retain()).isTrue();
                    assertThat(topics.add(p.topic())).as("once: %s", p.topic()).isTrue();
                    pending.add(p.packetId());
                    maxUnacked = Math.max(maxUnacked, pending.size());
                    if (pending.size() >= 5) { // acknowledge in bursts, as a slow client might
                        while (!pending.isEmpty()) {
                            sub.send(PubAck.of(pending.poll()));
                        }
                    }
                    if (topics.size() % 1000 == 0) {
                        other.send(dev.tern.codec.packet.PingReq.INSTANCE);
                        other.expect(dev.tern.codec.packet.PingResp.class, Duration.ofSeconds(2));
                    }
                }
            }
            while (!pending.isEmpty()) {
                sub.send(PubAck.of(pending.poll()));
            }
            assertThat(maxUnacked).as("the window of 10 was kept").isLessThanOrEqualTo(10);
            assertThat(smallQueues.tern().broker().stats().drops(dev.tern.core.DropReason.QUEUE_FULL))
                    .as("nothing dropped for a full queue").isZero();
            sub.expectNothing(SHORT);
        }
    }

    private RawMqttClient rawSub(String id) {
        return Raw.connected(broker.port(), ConnectBuilder.v5(id));
    }

    private void publishRetained(String topic, String payload) throws Exception {
        try (TestClient pub = ClientKind.PAHO_V3.connected(broker.port(), "retainer-" + topic.replace('/', '-'))) {
            pub.publish(topic, payload, 1, true);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ClientKind.class)
    @DisplayName("[MQTT-3.3.1-5][MQTT-3.3.1-9] a retained message is stored and sent on subscribe with RETAIN=1")
    void storedAndSentOnSubscribe(ClientKind kind) throws Exception {
        String topic = "ret/stored/" + kind.name().toLowerCase();
        try (TestClient pub = kind.connected(broker.port(), "ret-pub-" + kind)) {
            pub.publish(topic, "kept", 1, true);
        }
        try (TestClient sub = kind.connected(broker.port(), "ret-sub-" + kind)) {
            sub.subscribe(topic, 1);
            Msg m = sub.awaitMessage();
            assertThat(m.text()).isEqualTo("kept");
            assertThat(m.retain()).as("RETAIN=1 on subscribe delivery").isTrue();
            sub.assertNoMessage(SHORT);
        }
    }

    @Test
    @DisplayName("[MQTT-3.3.1-5] a new retained message replaces the old one")
    void replaced() throws Exception {
        publishRetained("ret/replaced", "old");
        publishRetained("ret/replaced", "new");
        try (RawMqttClient sub = rawSub("ret-replaced")) {
            sub.subscribe("ret/replaced", 0);
            Publish p = sub.expect(Publish.class);
            assertThat(Raw.text(p.payload())).isEqualTo("new");
            assertThat(p.retain()).isTrue();
            sub.expectNothing(SHORT);
        }
    }

    @Test
    @DisplayName("[MQTT-3.3.1-6][MQTT-3.3.1-7] an empty retained payload deletes the retained message")
    void deletedByEmptyPayload() throws Exception {
        publishRetained("ret/deleted", "doomed");
        try (TestClient pub = ClientKind.PAHO_V3.connected(broker.port(), "ret-deleter")) {
            pub.publish("ret/deleted", new byte[0], 0, true);
        }
        try (RawMqttClient sub = rawSub("ret-deleted")) {
            sub.subscribe("ret/deleted", 1);
            sub.expectNothing(SHORT);
        }
    }

    @Test
    @DisplayName("[MQTT-3.3.1-12] live delivery to an existing subscriber has RETAIN=0")
    void retainZeroToExistingSubscribers() throws Exception {
        try (RawMqttClient sub = rawSub("ret-live")) {
            sub.subscribe("ret/live", 0);
            publishRetained("ret/live", "live");
            Publish p = sub.expect(Publish.class);
            assertThat(Raw.text(p.payload())).isEqualTo("live");
            assertThat(p.retain()).isFalse();
        }
    }

    @Test
    @DisplayName("[MQTT-3.3.1-13] retain as published: live delivery keeps RETAIN=1")
    void retainAsPublished() throws Exception {
        try (RawMqttClient sub = rawSub("ret-rap")) {
            sub.subscribe(new Subscription("ret/rap", 0, false, true, 0));
            publishRetained("ret/rap", "rap");
            Publish p = sub.expect(Publish.class);
            assertThat(p.retain()).isTrue();
        }
    }

    @Test
    @DisplayName("[MQTT-3.3.1-9] retain handling 0: retained sent at every subscribe, also a repeated one")
    void retainHandling0() throws Exception {
        publishRetained("ret/rh0", "r");
        try (RawMqttClient sub = rawSub("ret-rh0")) {
            sub.subscribe(new Subscription("ret/rh0", 1, false, false, 0));
            ackRetained(sub);
            sub.subscribe(new Subscription("ret/rh0", 1, false, false, 0));
            ackRetained(sub);
        }
    }

    @Test
    @DisplayName("[MQTT-3.3.1-10] retain handling 1: retained sent only when the subscription is new")
    void retainHandling1() throws Exception {
        publishRetained("ret/rh1", "r");
        try (RawMqttClient sub = rawSub("ret-rh1")) {
            sub.subscribe(new Subscription("ret/rh1", 1, false, false, 1));
            ackRetained(sub);
            sub.subscribe(new Subscription("ret/rh1", 1, false, false, 1));
            sub.expectNothing(SHORT);
        }
    }

    @Test
    @DisplayName("[MQTT-3.3.1-11] retain handling 2: retained never sent at subscribe")
    void retainHandling2() throws Exception {
        publishRetained("ret/rh2", "r");
        try (RawMqttClient sub = rawSub("ret-rh2")) {
            sub.subscribe(new Subscription("ret/rh2", 1, false, false, 2));
            sub.expectNothing(SHORT);
        }
    }

    private static void ackRetained(RawMqttClient sub) {
        Publish p = sub.expect(Publish.class);
        assertThat(p.retain()).isTrue();
        assertThat(Raw.text(p.payload())).isEqualTo("r");
        sub.send(PubAck.of(p.packetId()));
    }

    @Test
    @DisplayName("[MQTT-3.3.2-5] a retained message whose expiry passed is not sent")
    void retainedExpiry() throws Exception {
        try (RawMqttClient pub = rawSub("ret-exp-pub")) {
            pub.send(Raw.publish("ret/expiring", 1, true, 1, "short-lived",
                    PublishProperties.EMPTY.withMessageExpiryInterval(1L)));
            pub.expect(PubAck.class);
        }
        Raw.elapse(Duration.ofMillis(2200));
        try (RawMqttClient sub = rawSub("ret-exp-sub")) {
            sub.subscribe("ret/expiring", 1);
            sub.expectNothing(SHORT);
        }
    }

    @Test
    @DisplayName("[MQTT-3.3.2-6] a retained message sent later carries the remaining expiry")
    void retainedExpiryDecremented() throws Exception {
        try (RawMqttClient pub = rawSub("ret-dec-pub")) {
            pub.send(Raw.publish("ret/decrement", 1, true, 1, "x",
                    PublishProperties.EMPTY.withMessageExpiryInterval(60L)));
            pub.expect(PubAck.class);
        }
        Raw.elapse(Duration.ofMillis(1100));
        try (RawMqttClient sub = rawSub("ret-dec-sub")) {
            sub.subscribe("ret/decrement", 1);
            Publish p = sub.expect(Publish.class);
            assertThat(p.properties().messageExpiryInterval()).isNotNull().isBetween(1L, 59L);
        }
    }

    @Test
    @DisplayName("[MQTT-3.8.4-4] a wildcard subscribe gets every matching retained message, at most at its QoS")
    void wildcardRetained() throws Exception {
        publishRetained("ret/wild/a", "A");
        publishRetained("ret/wild/b", "B");
        try (TestClient sub = ClientKind.HIVEMQ_V3.connected(broker.port(), "ret-wild")) {
            sub.subscribe("ret/wild/#", 0);
            List<Msg> got = sub.awaitMessages(2);
            assertThat(got).extracting(Msg::text).containsExactlyInAnyOrder("A", "B");
            assertThat(got).allMatch(m -> m.retain() && m.qos() == 0);
        }
    }
}
