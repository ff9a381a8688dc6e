package dev.tern.tests;

import static dev.tern.tests.support.Raw.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.packet.Connack;
import dev.tern.codec.packet.Disconnect;
import dev.tern.codec.packet.MqttPacket;
import dev.tern.codec.packet.PubRec;
import dev.tern.codec.packet.Publish;
import dev.tern.codec.packet.PublishProperties;
import dev.tern.core.MqttSettings;
import dev.tern.server.config.BrokerConfig;
import dev.tern.server.config.LimitsConfig;
import dev.tern.testkit.RawMqttClient;
import dev.tern.testkit.TernExtension;
import dev.tern.tests.support.Brokers;
import dev.tern.tests.support.ClientKind;
import dev.tern.tests.support.ConnectBuilder;
import dev.tern.tests.support.Msg;
import dev.tern.tests.support.Raw;
import dev.tern.tests.support.TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Behaviour that depends on configured limits: server keep alive, announced maxima, connect timeout, maximum
 * packet size, receive maximum, topic alias maximum, offline queue size.
 */
class ConfiguredLimitsTest {
    static final int MAX_PACKET = 1024;

    @RegisterExtension
    static TernExtension broker = new TernExtension(b -> b
            .config(BrokerConfig.defaults().withLimits(new LimitsConfig(0, Duration.ofSeconds(1))))
            .mqtt(MqttSettings.defaults()
                    .withMaxKeepAlive(10)
                    .withMaxPacketSize(MAX_PACKET)
                    .withTopicAliasMaximum(2)
                    .withReceiveMaximum(3)
                    .withQueueLimits(3, 0, MqttSettings.QueueOverflow.DROP_NEW, false)));

    @Test
    @DisplayName("[MQTT-3.2.2-21] client keep alive 60 above max-keepalive 10 -> Server Keep Alive 10")
    void serverKeepAlive() {
        try (RawMqttClient c = broker.rawClient()) {
            Connack ack = c.handshake(ConnectBuilder.v5("ka-60").keepAlive(60).build());
            assertThat(ack.reasonCode()).isZero();
            assertThat(ack.serverKeepAlive()).isEqualTo(10);
        }
    }

    @Test
    @DisplayName("[3.2.2.3.14] client keep alive 0 (off) with max-keepalive 10 -> Server Keep Alive 10")
    void serverKeepAliveForZero() {
        try (RawMqttClient c = broker.rawClient()) {
            Connack ack = c.handshake(ConnectBuilder.v5("ka-0").keepAlive(0).build());
            assertThat(ack.serverKeepAlive()).isEqualTo(10);
        }
    }

    @Test
    @DisplayName("[3.2.2.3] CONNACK announces the configured receive maximum, maximum packet size, alias maximum")
    void announcedMaxima() {
        try (RawMqttClient c = broker.rawClient()) {
            Connack ack = c.handshake(ConnectBuilder.v5("maxima").keepAlive(5).build());
            assertThat(ack.receiveMaximum()).isEqualTo(3);
            assertThat(ack.maximumPacketSize()).isEqualTo((long) MAX_PACKET);
            assertThat(ack.topicAliasMaximum()).isEqualTo(2);
            assertThat(ack.serverKeepAlive()).as("keep alive within the maximum is kept").isIn(null, 5);
        }
    }

    @Test
    @DisplayName("CONNECT timeout: a socket that sends nothing is closed after connect-timeout (1 s)")
    void connectTimeout() {
        try (RawMqttClient c = broker.rawClient()) {
            long start = System.nanoTime();
            assertThat(c.awaitClosed(Duration.ofSeconds(4))).isTrue();
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(ms).as("not closed long before the timeout").isGreaterThanOrEqualTo(800);
        }
    }

    @Test
    @DisplayName("CONNECT timeout: half a CONNECT and silence -> closed after connect-timeout")
    void halfConnectTimesOut() {
        try (RawMqttClient c = broker.rawClient()) {
            c.send(HexFormat.of().parseHex("100E00044D5154540402")); // 10 of the 16 bytes
            assertThat(c.awaitClosed(Duration.ofSeconds(4))).isTrue();
            assertThat(c.discarded()).isEmpty();
        }
    }

    @Test
    @DisplayName("[MQTT-3.2.2-15] MQTT 5: PUBLISH above maximum packet size -> DISCONNECT 0x95, close")
    void packetTooLargeV5() {
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v5("big-5"))) {
            c.send(Publish.of("big", 0, false, 0, new byte[MAX_PACKET * 2]));
            Disconnect d = c.expect(Disconnect.class);
            assertThat(d.reasonCode()).isEqualTo(0x95);
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    @Test
    @DisplayName("[MQTT-3.2.2-15] maximum packet size is checked from the header: 100 MB announced -> closed")
    void hugeRemainingLengthV5() {
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v5("huge-5"))) {
            // PUBLISH QoS 0 with remaining length 100,000,000 (80 C2 D7 2F), and only a few bytes of it
            c.send(HexFormat.of().parseHex("3080C2D72F0001610000"));
            Disconnect d = c.expect(Disconnect.class);
            assertThat(d.reasonCode()).isEqualTo(0x95);
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    @Test
    @DisplayName("3.1.1: a packet above maximum packet size closes the connection")
    void packetTooLarge311() {
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v311("big-3"))) {
            c.send(Publish.of("big", 0, false, 0, new byte[MAX_PACKET * 2]));
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
            assertThat(c.discarded()).isEmpty();
        }
    }

    @Test
    @DisplayName("a first packet (CONNECT) above maximum packet size -> closed, with at most a CONNACK 0x95")
    void connectTooLarge() {
        try (RawMqttClient c = broker.rawClient()) {
            // CONNECT announcing 100,000,000 bytes, followed by the start of an MQTT 5 variable header
            c.send(HexFormat.of().parseHex("1080C2D72F00044D5154540502003C"));
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
            for (byte[] f : c.discarded()) {
                Connack a = (Connack) RawMqttClient.decode(f, MqttVersion.V5);
                assertThat(a.reasonCode()).isEqualTo(0x95);
            }
        }
    }

    @Test
    @DisplayName("[MQTT-3.3.4-7] more unacknowledged QoS 2 PUBLISH than receive maximum (3) -> DISCONNECT 0x93")
    void receiveMaximumExceeded() {
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v5("flood-qos2"))) {
            for (int id = 1; id <= 4; id++) {
                c.send(Raw.publish("rm/t", 2, id, "m" + id)); // no PUBREL ever
            }
            List<Integer> pubrecs = new ArrayList<>();
            Disconnect d = null;
            while (d == null) {
                MqttPacket p = c.receive(TIMEOUT);
                assertThat(p).as("a DISCONNECT 0x93 after the PUBRECs").isNotNull();
                if (p instanceof PubRec r) {
                    pubrecs.add(r.packetId());
                } else {
                    d = (Disconnect) p;
                }
            }
            assertThat(d.reasonCode()).isEqualTo(0x93);
            assertThat(pubrecs).containsExactly(1, 2, 3);
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    @Test
    @DisplayName("[MQTT-3.3.2-9] topic alias 3 above topic alias maximum 2 -> DISCONNECT 0x94")
    void topicAliasAboveMaximum() {
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v5("alias-3"))) {
            c.send(Raw.publish("al/t", 0, false, 0, "x", PublishProperties.EMPTY.withTopicAlias(3)));
            assertThat(c.expect(Disconnect.class).reasonCode()).isEqualTo(0x94);
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    @Test
    @DisplayName("offline queue bounded by max-queued-messages (3, drop-new): the first 3 of 5 are delivered")
    void offlineQueueLimit() throws Exception {
        try (TestClient sub = ClientKind.PAHO_V3.create(broker.port(), "queue-limit-sub");
             TestClient pub = ClientKind.PAHO_V3.connected(broker.port(), "queue-limit-pub")) {
            sub.connect(false);
            sub.subscribe("ql/t", 1);
            sub.disconnect();
            Brokers.awaitOffline(broker, "queue-limit-sub");
            for (int i = 0; i < 5; i++) {
                pub.publish("ql/t", "m" + i, 1, false);
            }
            sub.connect(false);
            List<Msg> got = sub.awaitMessages(3);
            assertThat(got).extracting(Msg::text).containsExactly("m0", "m1", "m2");
            sub.assertNoMessage(Raw.SHORT);
        }
    }
}
