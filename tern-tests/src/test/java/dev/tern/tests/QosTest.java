package dev.tern.tests;

import static dev.tern.tests.support.Raw.SHORT;
import static dev.tern.tests.support.Raw.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.packet.Disconnect;
import dev.tern.codec.packet.PubAck;
import dev.tern.codec.packet.PubComp;
import dev.tern.codec.packet.PubRec;
import dev.tern.codec.packet.PubRel;
import dev.tern.codec.packet.Publish;
import dev.tern.codec.packet.Subscription;
import dev.tern.testkit.RawMqttClient;
import dev.tern.testkit.TernExtension;
import dev.tern.tests.support.ClientKind;
import dev.tern.tests.support.ConnectBuilder;
import dev.tern.tests.support.Msg;
import dev.tern.tests.support.Raw;
import dev.tern.tests.support.TestClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Spec 4.3 QoS levels and protocol flows, 4.4 redelivery, 4.6 ordering, 3.8.4 QoS downgrade. */
class QosTest {
    @RegisterExtension
    static TernExtension broker = new TernExtension();

    static Stream<Arguments> kindsAndQos() {
        List<Arguments> list = new ArrayList<>();
        for (ClientKind pub : ClientKind.values()) {
            for (int qos = 0; qos <= 2; qos++) {
                list.add(Arguments.of(pub, qos));
            }
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0} publishes QoS {1}")
    @MethodSource("kindsAndQos")
    @DisplayName("[4.3] each client library publishes and receives at QoS 0/1/2 (subscription QoS 2)")
    void qosBothDirections(ClientKind kind, int qos) throws Exception {
        String topic = "qos/" + kind.name().toLowerCase() + "/" + qos;
        try (TestClient sub = kind.connected(broker.port(), "sub-" + kind + qos);
             TestClient pub = kind.connected(broker.port(), "pub-" + kind + qos)) {
            sub.subscribe(topic, 2);
            pub.publish(topic, "hello " + qos, qos, false);
            Msg m = sub.awaitMessage();
            assertThat(m.topic()).isEqualTo(topic);
            assertThat(m.text()).isEqualTo("hello " + qos);
            assertThat(m.qos()).isEqualTo(qos);
            assertThat(m.retain()).isFalse();
            sub.assertNoMessage(SHORT);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ClientKind.class)
    @DisplayName("[MQTT-3.8.4-8] QoS 2 publish to a QoS 1 subscription is delivered at QoS 1, to QoS 0 at QoS 0")
    void downgrade(ClientKind kind) throws Exception {
        String base = "down/" + kind.name().toLowerCase();
        try (TestClient sub = kind.connected(broker.port(), "down-sub-" + kind);
             TestClient pub = ClientKind.PAHO_V3.connected(broker.port(), "down-pub-" + kind)) {
            sub.subscribe(base + "/one", 1);
            sub.subscribe(base + "/zero", 0);
            pub.publish(base + "/one", "a", 2, false);
            assertThat(sub.awaitMessage().qos()).isEqualTo(1);
            pub.publish(base + "/zero", "b", 2, false);
            assertThat(sub.awaitMessage().qos()).isEqualTo(0);
        }
    }

    @Test
    @DisplayName("[MQTT-4.3.2-1][MQTT-4.3.3-1] raw: QoS 1 -> PUBACK, QoS 2 -> PUBREC, PUBREL -> PUBCOMP, same ids")
    void publisherFlows() {
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v5("flows"))) {
            c.send(Raw.publish("flows/t", 1, 11, "one"));
            assertThat(c.expect(PubAck.class).packetId()).isEqualTo(11);
            c.send(Raw.publish("flows/t", 2, 12, "two"));
            assertThat(c.expect(PubRec.class).packetId()).isEqualTo(12);
            c.send(PubRel.of(12));
            assertThat(c.expect(PubComp.class).packetId()).isEqualTo(12);
        }
    }

    @Test
    @DisplayName("[MQTT-2.2.1-3] outgoing QoS 1 PUBLISH in flight use distinct non-zero packet ids")
    void packetIdAllocation() throws Exception {
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v311("ids-sub"));
             TestClient pub = ClientKind.PAHO_V3.connected(broker.port(), "ids-pub")) {
            c.subscribe("ids/t", 1);
            for (int i = 0; i < 20; i++) {
                pub.publish("ids/t", "m" + i, 1, false);
            }
            Set<Integer> ids = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                Publish p = c.expect(Publish.class);
                assertThat(p.qos()).isEqualTo(1);
                assertThat(p.packetId()).isPositive();
                ids.add(p.packetId());
            }
            assertThat(ids).as("20 unacknowledged messages, 20 ids").hasSize(20);
        }
    }

    @Test
    @DisplayName("[MQTT-4.4.0-1] 3.1.1: unacknowledged QoS 1 PUBLISH is resent with DUP=1 after reconnect")
    void redeliveryWithDup311() throws Exception {
        redeliveryWithDup(ConnectBuilder.v311("dup-3").cleanStart(false), "dup/3");
    }

    @Test
    @DisplayName("[MQTT-4.4.0-1] MQTT 5: unacknowledged QoS 1 PUBLISH is resent with DUP=1 after reconnect")
    void redeliveryWithDupV5() throws Exception {
        redeliveryWithDup(ConnectBuilder.v5("dup-5").cleanStart(false).sessionExpiry(60), "dup/5");
    }

    private void redeliveryWithDup(ConnectBuilder connect, String topic) throws Exception {
        Publish first;
        try (TestClient pub = ClientKind.PAHO_V3.connected(broker.port(), connect.build().clientId() + "-pub")) {
            try (RawMqttClient c = Raw.connected(broker.port(), connect)) {
                c.subscribe(topic, 1);
                pub.publish(topic, "unacked", 1, false);
                first = c.expect(Publish.class);
                assertThat(first.dup()).isFalse();
                // no PUBACK; the socket drops
            }
            try (RawMqttClient c = RawMqttClient.connect(broker.port())) {
                assertThat(c.handshake(connect.build()).sessionPresent()).isTrue();
                Publish again = c.expect(Publish.class);
                assertThat(again.dup()).as("DUP flag").isTrue();
                assertThat(again.packetId()).as("same packet id").isEqualTo(first.packetId());
                assertThat(again.topic()).isEqualTo(topic);
                assertThat(Raw.text(again.payload())).isEqualTo("unacked");
                c.send(PubAck.of(again.packetId()));
                c.expectNothing(SHORT);
                c.send(Disconnect.NORMAL);
            }
            // acknowledged: nothing is resent on the next reconnect
            try (RawMqttClient c = RawMqttClient.connect(broker.port())) {
                c.handshake(connect.build());
                c.expectNothing(SHORT);
                c.send(Disconnect.NORMAL);
            }
        }
    }

    @Test
    @DisplayName("[MQTT-4.3.3-10][4.3.3] QoS 2: a publisher resending with DUP before PUBREL -> delivered once")
    void qos2ExactlyOnce() {
        try (RawMqttClient sub = Raw.connected(broker.port(), ConnectBuilder.v5("eo-sub"));
             RawMqttClient pub = Raw.connected(broker.port(), ConnectBuilder.v5("eo-pub"))) {
            sub.subscribe("eo/t", 1);
            Publish p = Raw.publish("eo/t", 2, 7, "once");
            pub.send(p);
            assertThat(pub.expect(PubRec.class).packetId()).isEqualTo(7);
            pub.send(p.withDup(true));
            assertThat(pub.expect(PubRec.class).packetId()).isEqualTo(7);
            pub.send(PubRel.of(7));
            assertThat(pub.expect(PubComp.class).packetId()).isEqualTo(7);

            Publish got = sub.expect(Publish.class);
            assertThat(Raw.text(got.payload())).isEqualTo("once");
            sub.send(PubAck.of(got.packetId()));
            sub.expectNothing(SHORT);
        }
    }

    @Test
    @DisplayName("[MQTT-4.3.3-10] QoS 2 state survives reconnect: PUBREL on the new connection -> PUBCOMP, "
            + "delivered once")
    void pubrelAfterReconnect() {
        ConnectBuilder pubConnect = ConnectBuilder.v311("rel-pub").cleanStart(false);
        try (RawMqttClient sub = Raw.connected(broker.port(), ConnectBuilder.v311("rel-sub"))) {
            sub.subscribe("rel/t", 0);
            try (RawMqttClient pub = Raw.connected(broker.port(), pubConnect)) {
                pub.send(Raw.publish("rel/t", 2, 9, "once"));
                assertThat(pub.expect(PubRec.class).packetId()).isEqualTo(9);
            } // dropped before PUBREL
            try (RawMqttClient pub = RawMqttClient.connect(broker.port())) {
                assertThat(pub.handshake(pubConnect.build()).sessionPresent()).isTrue();
                pub.send(Raw.publish("rel/t", 2, 9, "once").withDup(true));
                assertThat(pub.expect(PubRec.class).packetId()).isEqualTo(9);
                pub.send(PubRel.of(9));
                assertThat(pub.expect(PubComp.class).packetId()).isEqualTo(9);
                pub.send(Disconnect.NORMAL);
            }
            Publish got = sub.expect(Publish.class);
            assertThat(Raw.text(got.payload())).isEqualTo("once");
            sub.expectNothing(SHORT);
        }
        try (RawMqttClient cleanup = Raw.connected(broker.port(), ConnectBuilder.v311("rel-pub"))) {
            cleanup.send(Disconnect.NORMAL);
        }
    }

    @Test
    @DisplayName("[MQTT-4.4.0-1] outgoing QoS 2: PUBREC sent, no PUBCOMP, reconnect -> the broker resends PUBREL")
    void outgoingPubrelResentAfterReconnect() throws Exception {
        ConnectBuilder subConnect = ConnectBuilder.v5("orel-sub").cleanStart(false).sessionExpiry(60);
        try (TestClient pub = ClientKind.PAHO_V5.connected(broker.port(), "orel-pub")) {
            int packetId;
            try (RawMqttClient sub = Raw.connected(broker.port(), subConnect)) {
                sub.subscribe("orel/t", 2);
                pub.publish("orel/t", "two", 2, false);
                Publish p = sub.expect(Publish.class);
                assertThat(p.qos()).isEqualTo(2);
                packetId = p.packetId();
                sub.send(PubRec.of(packetId));
                assertThat(sub.expect(PubRel.class).packetId()).isEqualTo(packetId);
            } // dropped before PUBCOMP
            try (RawMqttClient sub = RawMqttClient.connect(broker.port())) {
                assertThat(sub.handshake(subConnect.build()).sessionPresent()).isTrue();
                PubRel rel = sub.expect(PubRel.class);
                assertThat(rel.packetId()).isEqualTo(packetId);
                sub.send(PubComp.of(packetId));
                sub.expectNothing(SHORT);
                sub.send(Raw.disconnectWithExpiry(0));
            }
        }
    }

    @Test
    @DisplayName("[MQTT-4.6.0-5] order per topic is preserved: 200 QoS 1 messages (Paho v3)")
    void orderQos1() throws Exception {
        order(ClientKind.PAHO_V3, 1);
    }

    @Test
    @DisplayName("[MQTT-4.6.0-5] order per topic is preserved: 200 QoS 2 messages (HiveMQ v5)")
    void orderQos2() throws Exception {
        order(ClientKind.HIVEMQ_V5, 2);
    }

    @Test
    @DisplayName("[MQTT-4.6.0-5] order per topic is preserved: 200 QoS 0 messages (Paho v5)")
    void orderQos0() throws Exception {
        order(ClientKind.PAHO_V5, 0);
    }

    private void order(ClientKind kind, int qos) throws Exception {
        String topic = "order/" + qos;
        try (TestClient sub = kind.connected(broker.port(), "order-sub-" + qos);
             TestClient pub = kind.connected(broker.port(), "order-pub-" + qos)) {
            sub.subscribe(topic, qos);
            for (int i = 0; i < 200; i++) {
                pub.publish(topic, Integer.toString(i), qos, false);
            }
            List<Msg> got = sub.awaitMessages(200);
            for (int i = 0; i < 200; i++) {
                assertThat(got.get(i).text()).isEqualTo(Integer.toString(i));
            }
        }
    }

    @Test
    @DisplayName("[MQTT-3.3.1-3] DUP is 0 on a first delivery even when the publisher set DUP=1")
    void dupNotPropagated() {
        try (RawMqttClient sub = Raw.connected(broker.port(), ConnectBuilder.v311("dupprop-sub"));
             RawMqttClient pub = Raw.connected(broker.port(), ConnectBuilder.v311("dupprop-pub"))) {
            sub.subscribe(new Subscription("dupprop/t", 1, false, false, 0));
            pub.send(Raw.publish("dupprop/t", 1, 3, "d").withDup(true), MqttVersion.V3_1_1);
            pub.expect(PubAck.class);
            Publish got = sub.expect(Publish.class, TIMEOUT);
            assertThat(got.dup()).isFalse();
        }
    }
}
