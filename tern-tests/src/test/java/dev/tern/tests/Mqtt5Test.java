package dev.tern.tests;

import static dev.tern.tests.support.Raw.SHORT;
import static dev.tern.tests.support.Raw.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.codec.packet.Connack;
import dev.tern.codec.packet.Disconnect;
import dev.tern.codec.packet.MqttPacket;
import dev.tern.codec.packet.PubAck;
import dev.tern.codec.packet.PubComp;
import dev.tern.codec.packet.PubRel;
import dev.tern.codec.packet.Publish;
import dev.tern.codec.packet.PublishProperties;
import dev.tern.codec.packet.SubAck;
import dev.tern.codec.packet.Subscribe;
import dev.tern.codec.packet.Subscription;
import dev.tern.codec.packet.UserProperty;
import dev.tern.testkit.RawMqttClient;
import dev.tern.testkit.TernExtension;
import dev.tern.tests.support.ClientKind;
import dev.tern.tests.support.ConnectBuilder;
import dev.tern.tests.support.Msg;
import dev.tern.tests.support.Raw;
import dev.tern.tests.support.TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MQTT 5 features: publish properties, message expiry, topic aliases, subscription options, subscription
 * identifiers, shared subscriptions, flow control, maximum packet size, problem information, enhanced auth.
 */
class Mqtt5Test {
    @RegisterExtension
    static TernExtension broker = new TernExtension();

    private RawMqttClient v5(String id) {
        return Raw.connected(broker.port(), ConnectBuilder.v5(id));
    }

    private static void ack(RawMqttClient c, Publish p) {
        if (p.qos() == 1) {
            c.send(PubAck.of(p.packetId()));
        }
    }

    @Test
    @DisplayName("[MQTT-3.3.2-4][MQTT-3.3.2-15][MQTT-3.3.2-16][MQTT-3.3.2-17][MQTT-3.3.2-20] payload format, "
            + "response topic, correlation data, content type and user properties are passed on unchanged, in order")
    void propertiesPassedThrough() {
        List<UserProperty> users = List.of(new UserProperty("a", "1"), new UserProperty("b", "2"),
                new UserProperty("a", "3"));
        PublishProperties props = new PublishProperties(1, 100L, null, "reply/here", new byte[] {9, 8, 7},
                "application/json", List.of(), users);
        try (RawMqttClient sub = v5("props-sub"); RawMqttClient pub = v5("props-pub")) {
            sub.subscribe("props/t", 1);
            pub.send(Raw.publish("props/t", 1, false, 1, "{\"t\":25}", props));
            pub.expect(PubAck.class);
            Publish p = sub.expect(Publish.class);
            PublishProperties got = p.properties();
            assertThat(got.payloadFormatIndicator()).isEqualTo(1);
            assertThat(got.responseTopic()).isEqualTo("reply/here");
            assertThat(got.correlationData()).containsExactly(9, 8, 7);
            assertThat(got.contentType()).isEqualTo("application/json");
            assertThat(got.userProperties()).containsExactlyElementsOf(users);
            assertThat(got.messageExpiryInterval()).isNotNull().isBetween(99L, 100L);
            assertThat(got.topicAlias()).as("no alias towards a client with topic alias maximum 0").isNull();
            assertThat(Raw.text(p.payload())).isEqualTo("{\"t\":25}");
            ack(sub, p);
        }
    }

    @Test
    @DisplayName("[MQTT-3.3.2-6] message expiry is decremented by the time a message waited in the offline queue")
    void expiryDecrementedInQueue() throws Exception {
        ConnectBuilder subConnect = ConnectBuilder.v5("exp-dec").cleanStart(false).sessionExpiry(60);
        try (RawMqttClient sub = Raw.connected(broker.port(), subConnect)) {
            sub.subscribe("exp/dec", 1);
        }
        try (RawMqttClient pub = v5("exp-dec-pub")) {
            pub.send(Raw.publish("exp/dec", 1, false, 1, "x", PublishProperties.EMPTY.withMessageExpiryInterval(60L)));
            pub.expect(PubAck.class);
        }
        Raw.elapse(Duration.ofMillis(1100));
        try (RawMqttClient sub = RawMqttClient.connect(broker.port())) {
            sub.handshake(subConnect.build());
            Publish p = sub.expect(Publish.class);
            assertThat(p.properties().messageExpiryInterval()).isNotNull().isBetween(1L, 59L);
            ack(sub, p);
            sub.send(Raw.disconnectWithExpiry(0));
        }
    }

    @Test
    @DisplayName("[MQTT-3.3.2-5] an expired message is dropped from the offline queue; others are delivered")
    void expiredDroppedFromQueue() throws Exception {
        ConnectBuilder subConnect = ConnectBuilder.v5("exp-drop").cleanStart(false).sessionExpiry(60);
        try (RawMqttClient sub = Raw.connected(broker.port(), subConnect)) {
            sub.subscribe("exp/drop", 1);
        }
        try (RawMqttClient pub = v5("exp-drop-pub")) {
            pub.send(Raw.publish("exp/drop", 1, false, 1, "expires",
                    PublishProperties.EMPTY.withMessageExpiryInterval(1L)));
            pub.expect(PubAck.class);
            pub.send(Raw.publish("exp/drop", 1, false, 2, "stays", PublishProperties.EMPTY));
            pub.expect(PubAck.class);
        }
        Raw.elapse(Duration.ofMillis(2200));
        try (RawMqttClient sub = RawMqttClient.connect(broker.port())) {
            sub.handshake(subConnect.build());
            Publish p = sub.expect(Publish.class);
            assertThat(Raw.text(p.payload())).isEqualTo("stays");
            ack(sub, p);
            sub.expectNothing(SHORT);
            sub.send(Raw.disconnectWithExpiry(0));
        }
    }

    @Test
    @DisplayName("[MQTT-3.3.2-12] client -> broker topic alias: set with a topic, then used with an empty topic")
    void inboundTopicAlias() {
        try (RawMqttClient sub = v5("alias-in-sub"); RawMqttClient pub = v5("alias-in-pub")) {
            sub.subscribe("alias/in", 0);
            pub.send(Raw.publish("alias/in", 0, false, 0, "first", PublishProperties.EMPTY.withTopicAlias(1)));
            pub.send(Raw.publish("", 0, false, 0, "second", PublishProperties.EMPTY.withTopicAlias(1)));
            Publish a = sub.expect(Publish.class);
            Publish b = sub.expect(Publish.class);
            assertThat(a.topic()).isEqualTo("alias/in");
            assertThat(b.topic()).isEqualTo("alias/in");
            assertThat(Raw.text(b.payload())).isEqualTo("second");
        }
    }

    @Test
    @DisplayName("[MQTT-3.3.2-8] topic alias 0 -> DISCONNECT 0x94")
    void topicAliasZero() {
        try (RawMqttClient c = v5("alias-zero")) {
            c.send(Raw.publish("alias/zero", 0, false, 0, "x", PublishProperties.EMPTY.withTopicAlias(0)));
            assertThat(c.expect(Disconnect.class).reasonCode()).isEqualTo(0x94);
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    @Test
    @DisplayName("[MQTT-3.3.2-9] topic alias 65 above the announced maximum 64 -> DISCONNECT 0x94")
    void topicAliasAboveMaximum() {
        try (RawMqttClient c = v5("alias-max")) {
            c.send(Raw.publish("alias/max", 0, false, 0, "x", PublishProperties.EMPTY.withTopicAlias(65)));
            assertThat(c.expect(Disconnect.class).reasonCode()).isEqualTo(0x94);
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    @Test
    @DisplayName("[3.3.4] an empty topic with an alias never set -> DISCONNECT 0x82 (protocol error)")
    void unknownTopicAlias() {
        try (RawMqttClient c = v5("alias-unknown")) {
            c.send(Raw.publish("", 0, false, 0, "x", PublishProperties.EMPTY.withTopicAlias(7)));
            assertThat(c.expect(Disconnect.class).reasonCode()).isEqualTo(0x82);
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    @Test
    @DisplayName("[MQTT-3.3.2-10][MQTT-3.3.2-11] broker -> client topic aliases stay within the client's maximum "
            + "and resolve to the right topics")
    void outboundTopicAliases() throws Exception {
        try (RawMqttClient sub = Raw.connected(broker.port(), ConnectBuilder.v5("alias-out").topicAliasMaximum(2));
             TestClient pub = ClientKind.PAHO_V5.connected(broker.port(), "alias-out-pub")) {
            sub.subscribe("aout/#", 0);
            List<String> sent = List.of("aout/a", "aout/a", "aout/b", "aout/a", "aout/c", "aout/b", "aout/c");
            for (String t : sent) {
                pub.publish(t, t, 0, false);
            }
            Map<Integer, String> aliases = new HashMap<>();
            List<String> resolved = new ArrayList<>();
            for (int i = 0; i < sent.size(); i++) {
                Publish p = sub.expect(Publish.class);
                Integer alias = p.properties().topicAlias();
                String topic = p.topic();
                if (alias != null) {
                    assertThat(alias).isBetween(1, 2);
                    if (topic.isEmpty()) {
                        assertThat(aliases).as("alias used before it was set").containsKey(alias);
                        topic = aliases.get(alias);
                    } else {
                        aliases.put(alias, topic);
                    }
                } else {
                    assertThat(topic).isNotEmpty();
                }
                assertThat(Raw.text(p.payload())).as("payload names its topic").isEqualTo(topic);
                resolved.add(topic);
            }
            assertThat(resolved).containsExactlyElementsOf(sent);
        }
    }

    @Test
    @DisplayName("[MQTT-3.8.3-3] no local: a client does not get its own messages on a no-local subscription")
    void noLocal() throws Exception {
        try (RawMqttClient c = v5("nolocal");
             TestClient other = ClientKind.HIVEMQ_V5.connected(broker.port(), "nolocal-other")) {
            c.subscribe(new Subscription("nl/t", 0, true, false, 0));
            c.send(Raw.publish("nl/t", 0, 0, "own"));
            c.expectNothing(SHORT);
            other.publish("nl/t", "theirs", 0, false);
            assertThat(Raw.text(c.expect(Publish.class).payload())).isEqualTo("theirs");
        }
    }

    @Test
    @DisplayName("[MQTT-3.3.4-3][3.3.2.3.8] subscription identifier is sent with matching messages, none without")
    void subscriptionIdentifiers() {
        try (RawMqttClient c = v5("subid"); RawMqttClient pub = v5("subid-pub")) {
            c.send(new Subscribe(c.nextPacketId(), 42, List.of(), List.of(Subscription.of("sid/with", 0))));
            c.expect(SubAck.class);
            c.subscribe("sid/without", 0);
            pub.send(Raw.publish("sid/with", 0, 0, "a"));
            assertThat(c.expect(Publish.class).properties().subscriptionIdentifiers()).containsExactly(42);
            pub.send(Raw.publish("sid/without", 0, 0, "b"));
            assertThat(c.expect(Publish.class).properties().subscriptionIdentifiers()).isEmpty();
        }
    }

    @Test
    @DisplayName("[4.8.2] shared subscription: each message goes to exactly one of two members; "
            + "a plain subscriber gets all")
    void sharedSubscription() throws Exception {
        try (RawMqttClient m1 = v5("share-1"); RawMqttClient m2 = v5("share-2");
             TestClient plain = ClientKind.HIVEMQ_V5.connected(broker.port(), "share-plain");
             TestClient pub = ClientKind.PAHO_V5.connected(broker.port(), "share-pub")) {
            assertThat(m1.subscribe("$share/g/sh/t", 1).reasonCodes()).containsExactly(1);
            assertThat(m2.subscribe("$share/g/sh/t", 1).reasonCodes()).containsExactly(1);
            plain.subscribe("sh/t", 0);
            int n = 10;
            for (int i = 0; i < n; i++) {
                pub.publish("sh/t", "m" + i, 1, false);
            }
            assertThat(plain.awaitMessages(n)).hasSize(n);
            List<String> got = new ArrayList<>();
            for (RawMqttClient m : List.of(m1, m2)) {
                MqttPacket p;
                while ((p = m.receive(SHORT)) != null) {
                    Publish pp = (Publish) p;
                    assertThat(pp.topic()).isEqualTo("sh/t");
                    got.add(Raw.text(pp.payload()));
                    ack(m, pp);
                }
            }
            assertThat(got).hasSize(n);
            assertThat(new HashSet<>(got)).hasSize(n);
        }
    }

    @Test
    @DisplayName("[4.8.2] no retained messages are sent on a shared subscribe")
    void sharedNoRetained() throws Exception {
        try (TestClient pub = ClientKind.PAHO_V5.connected(broker.port(), "share-ret-pub")) {
            pub.publish("shr/t", "retained", 1, true);
        }
        try (RawMqttClient m = v5("share-ret")) {
            m.subscribe("$share/g/shr/t", 1);
            m.expectNothing(SHORT);
        }
    }

    @Test
    @DisplayName("[4.8.2] shared subscription: an unacknowledged message of a member whose session ended goes to "
            + "another member")
    void sharedRedistributedOnLeave() throws Exception {
        try (RawMqttClient stays = v5("share-stays");
             TestClient pub = ClientKind.PAHO_V5.connected(broker.port(), "share-leave-pub")) {
            try (RawMqttClient leaves = v5("share-leaves")) {
                leaves.subscribe("$share/g2/shl/t", 1);
                pub.publish("shl/t", "in flight", 1, false);
                Publish p = leaves.expect(Publish.class);
                assertThat(Raw.text(p.payload())).isEqualTo("in flight");
                stays.subscribe("$share/g2/shl/t", 1);
                // no PUBACK; the member's connection drops and its session (expiry 0) ends
            }
            Publish p = stays.expect(Publish.class);
            assertThat(Raw.text(p.payload())).isEqualTo("in flight");
            ack(stays, p);
        }
    }

    @Test
    @DisplayName("[MQTT-3.3.4-9] flow control: client receive maximum 2 -> at most 2 unacknowledged QoS 1 in flight")
    void receiveMaximumFlowControl() throws Exception {
        try (RawMqttClient sub = Raw.connected(broker.port(), ConnectBuilder.v5("recvmax").receiveMaximum(2));
             TestClient pub = ClientKind.PAHO_V5.connected(broker.port(), "recvmax-pub")) {
            sub.subscribe("rmax/t", 1);
            for (int i = 0; i < 5; i++) {
                pub.publish("rmax/t", "m" + i, 1, false);
            }
            Publish a = sub.expect(Publish.class);
            Publish b = sub.expect(Publish.class);
            sub.expectNothing(SHORT);
            sub.send(PubAck.of(a.packetId()));
            Publish c = sub.expect(Publish.class);
            sub.expectNothing(SHORT);
            sub.send(PubAck.of(b.packetId()));
            sub.send(PubAck.of(c.packetId()));
            Publish d = sub.expect(Publish.class);
            Publish e = sub.expect(Publish.class);
            assertThat(List.of(a, b, c, d, e)).extracting(p -> Raw.text(p.payload()))
                    .containsExactly("m0", "m1", "m2", "m3", "m4");
            sub.send(PubAck.of(d.packetId()));
            sub.send(PubAck.of(e.packetId()));
        }
    }

    @Test
    @DisplayName("[MQTT-3.1.2-25] client maximum packet size 100: a bigger message is dropped for that client only")
    void clientMaximumPacketSize() throws Exception {
        try (RawMqttClient small = Raw.connected(broker.port(), ConnectBuilder.v5("maxpkt").maximumPacketSize(100));
             TestClient other = ClientKind.PAHO_V5.connected(broker.port(), "maxpkt-other");
             TestClient pub = ClientKind.PAHO_V5.connected(broker.port(), "maxpkt-pub")) {
            small.subscribe("mp/t", 0);
            other.subscribe("mp/t", 0);
            pub.publish("mp/t", new byte[200], 0, false);
            pub.publish("mp/t", "small", 0, false);
            Publish p = small.expect(Publish.class);
            assertThat(Raw.text(p.payload())).as("the big one was skipped").isEqualTo("small");
            assertThat(other.awaitMessage().payload()).hasSize(200);
            assertThat(other.awaitMessage().text()).isEqualTo("small");
            small.send(dev.tern.codec.packet.PingReq.INSTANCE);
            small.expect(dev.tern.codec.packet.PingResp.class);
        }
    }

    @Test
    @DisplayName("[MQTT-3.1.2-29] request problem information 0 -> no reason string or user properties on acks")
    void noProblemInformation() {
        try (RawMqttClient c = Raw.connected(broker.port(),
                ConnectBuilder.v5("noproblem").requestProblemInformation(false))) {
            c.send(Raw.publish("nobody/listens", 1, 5, "x"));
            PubAck ack = c.expect(PubAck.class);
            assertThat(ack.reasonCode()).isIn(0x00, 0x10);
            assertThat(ack.reasonString()).isNull();
            assertThat(ack.userProperties()).isEmpty();
            SubAck sub = c.subscribe(Subscription.of("bad/#/filter", 0));
            assertThat(sub.reasonCodes()).containsExactly(0x8F);
            assertThat(sub.reasonString()).isNull();
            assertThat(sub.userProperties()).isEmpty();
            c.send(PubRel.of(999)); // unknown packet id
            PubComp comp = c.expect(PubComp.class);
            assertThat(comp.reasonCode()).isEqualTo(0x92);
            assertThat(comp.reasonString()).isNull();
        }
    }

    @Test
    @DisplayName("[3.7.2.1] PUBREL for an unknown packet id -> PUBCOMP 0x92 (packet identifier not found)")
    void pubrelUnknownId() {
        try (RawMqttClient c = v5("pubrel-unknown")) {
            c.send(PubRel.of(4242));
            PubComp comp = c.expect(PubComp.class);
            assertThat(comp.packetId()).isEqualTo(4242);
            assertThat(comp.reasonCode()).isEqualTo(0x92);
        }
    }

    @Test
    @DisplayName("[MQTT-4.12.0-1] CONNECT with an unsupported authentication method -> CONNACK 0x8C, then close")
    void unknownAuthMethod() {
        try (RawMqttClient c = broker.rawClient()) {
            Connack ack = c.handshake(ConnectBuilder.v5("auth").authMethod("SCRAM-SHA-1").build());
            assertThat(ack.reasonCode()).isEqualTo(0x8C);
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    @Test
    @DisplayName("MQTT 5 real clients: HiveMQ v5 publisher -> Paho v5 subscriber at QoS 2")
    void realClientsQuickCheck() throws Exception {
        try (TestClient sub = ClientKind.PAHO_V5.connected(broker.port(), "v5-real-sub");
             TestClient pub = ClientKind.HIVEMQ_V5.connected(broker.port(), "v5-real-pub")) {
            sub.subscribe("v5real/#", 2);
            pub.publish("v5real/x", "y", 2, false);
            Msg m = sub.awaitMessage();
            assertThat(m.topic()).isEqualTo("v5real/x");
            assertThat(m.qos()).isEqualTo(2);
        }
    }
}
