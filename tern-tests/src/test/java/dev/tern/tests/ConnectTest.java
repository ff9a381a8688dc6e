package dev.tern.tests;

import static dev.tern.tests.support.Raw.SHORT;
import static dev.tern.tests.support.Raw.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.packet.Connack;
import dev.tern.codec.packet.Disconnect;
import dev.tern.codec.packet.MqttPacket;
import dev.tern.codec.packet.PingReq;
import dev.tern.codec.packet.PingResp;
import dev.tern.testkit.RawMqttClient;
import dev.tern.testkit.TernExtension;
import dev.tern.tests.support.ConnectBuilder;
import dev.tern.tests.support.Raw;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Spec 3.1 CONNECT and 3.2 CONNACK, 3.12/3.13 PINGREQ/PINGRESP, keep alive (3.1.2.10), against default settings. */
class ConnectTest {
    @RegisterExtension
    static TernExtension broker = new TernExtension();

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    // 10 0E | 00 04 'MQTT' | level 04 | flags 02 (clean) | keepalive 003C | client id 00 02 'c1'
    private static final String CONNECT_311 = "10 0E 0004 4D515454 04 02 003C 0002 6331";

    private RawMqttClient raw() {
        return broker.rawClient();
    }

    @Test
    @DisplayName("[MQTT-3.1.0-1] a first packet other than CONNECT closes the connection")
    void firstPacketMustBeConnect() {
        try (RawMqttClient c = raw()) {
            c.send(0xC0, 0x00); // PINGREQ
            assertThat(c.awaitClosed(TIMEOUT)).as("closed").isTrue();
            assertThat(c.discarded()).as("no PINGRESP before the close").isEmpty();
        }
    }

    @Test
    @DisplayName("[MQTT-3.1.0-1] SUBSCRIBE before CONNECT closes the connection")
    void subscribeBeforeConnect() {
        try (RawMqttClient c = raw()) {
            // 82 06 | packet id 0001 | filter 00 01 'a' | qos 00
            c.send(hex("82 06 0001 0001 61 00"));
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
            assertThat(c.discarded()).isEmpty();
        }
    }

    @Test
    @DisplayName("[MQTT-3.1.0-2] MQTT 5: a second CONNECT is a protocol error: DISCONNECT 0x82, then close")
    void secondConnectV5() {
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v5("second-connect-5"))) {
            c.send(ConnectBuilder.v5("second-connect-5").build());
            Disconnect d = c.expect(Disconnect.class);
            assertThat(d.reasonCode()).isEqualTo(0x82);
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    @Test
    @DisplayName("[MQTT-3.1.0-2] MQTT 3.1.1: a second CONNECT closes the connection")
    void secondConnectV311() {
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v311("second-connect-3"))) {
            c.send(hex(CONNECT_311));
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
            assertThat(c.discarded()).as("no second CONNACK").isEmpty();
        }
    }

    @Test
    @DisplayName("[MQTT-3.1.2-2] 3.1.1: unsupported protocol level 6 -> CONNACK 0x01, then close")
    void unsupportedLevel() {
        try (RawMqttClient c = raw()) {
            c.send(hex(CONNECT_311.replace("4D515454 04", "4D515454 06")));
            byte[] frame = c.receiveRaw(TIMEOUT);
            assertThat(frame).as("CONNACK 0x01 (unacceptable protocol version)").isEqualTo(hex("20 02 00 01"));
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    @Test
    @DisplayName("[MQTT-3.1.2-1] 3.1.1: protocol name that is not 'MQTT' -> refused and closed")
    void wrongProtocolName311() {
        try (RawMqttClient c = raw()) {
            c.send(hex(CONNECT_311.replace("4D515454", "4D515458"))); // "MQTX"
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
            for (byte[] f : c.discarded()) {
                assertThat(f).as("only a refusing CONNACK may come before the close").isEqualTo(hex("20 02 00 01"));
            }
        }
    }

    @Test
    @DisplayName("[MQTT-3.1.2-1][MQTT-3.1.2-2] MQTT 5 with a wrong protocol name -> CONNACK 0x84 (if any), close")
    void wrongProtocolNameV5() {
        try (RawMqttClient c = raw()) {
            // 10 0F | 00 04 'MQTX' | 05 | 02 | 003C | props 00 | 00 02 'c5'
            c.send(hex("10 0F 0004 4D515458 05 02 003C 00 0002 6335"));
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
            for (byte[] f : c.discarded()) {
                assertThat(RawMqttClient.decode(f, MqttVersion.V5))
                        .isInstanceOfSatisfying(Connack.class, a -> assertThat(a.reasonCode()).isEqualTo(0x84));
            }
        }
    }

    @Test
    @DisplayName("MQTT 3.1 (MQIsdp, level 3) is accepted")
    void mqtt31Accepted() {
        try (RawMqttClient c = raw()) {
            // 10 10 | 00 06 'MQIsdp' | 03 | 02 | 003C | 00 02 'c3'
            c.send(hex("10 10 0006 4D5149736470 03 02 003C 0002 6333"));
            assertThat(c.receiveRaw(TIMEOUT)).isEqualTo(hex("20 02 00 00"));
        }
    }

    @Test
    @DisplayName("[MQTT-3.1.2-3] 3.1.1: reserved CONNECT flag set -> closed without a successful CONNACK")
    void reservedFlag() {
        try (RawMqttClient c = raw()) {
            c.send(hex(CONNECT_311.replace("04 02 003C", "04 03 003C")));
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
            for (byte[] f : c.discarded()) {
                assertThat(f).isNotEqualTo(hex("20 02 00 00"));
            }
        }
    }

    @Test
    @DisplayName("[MQTT-3.1.3-8] 3.1.1: empty client id with clean session 0 -> CONNACK 0x02, then close")
    void emptyClientIdPersistent311() {
        try (RawMqttClient c = raw()) {
            // 10 0C | 00 04 'MQTT' | 04 | flags 00 | 003C | client id 00 00
            c.send(hex("10 0C 0004 4D515454 04 00 003C 0000"));
            assertThat(c.receiveRaw(TIMEOUT)).isEqualTo(hex("20 02 00 02"));
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    @Test
    @DisplayName("[MQTT-3.1.3-6] 3.1.1: empty client id with clean session 1 is accepted")
    void emptyClientIdClean311() {
        try (RawMqttClient c = raw()) {
            c.send(hex("10 0C 0004 4D515454 04 02 003C 0000"));
            assertThat(c.receiveRaw(TIMEOUT)).isEqualTo(hex("20 02 00 00"));
        }
    }

    @Test
    @DisplayName("[MQTT-3.1.3-6][MQTT-3.2.2-16] MQTT 5: empty client id -> Assigned Client Identifier, unique")
    void assignedClientIdentifier() {
        try (RawMqttClient a = raw(); RawMqttClient b = raw()) {
            Connack ackA = a.handshake(ConnectBuilder.v5("").build());
            Connack ackB = b.handshake(ConnectBuilder.v5("").build());
            assertThat(ackA.reasonCode()).isZero();
            assertThat(ackA.assignedClientIdentifier()).isNotBlank();
            assertThat(ackB.assignedClientIdentifier()).isNotBlank().isNotEqualTo(ackA.assignedClientIdentifier());
        }
    }

    @Test
    @DisplayName("MQTT 5: a client that sent a client id gets no Assigned Client Identifier")
    void noAssignedIdentifierWhenGiven() {
        try (RawMqttClient c = raw()) {
            Connack ack = c.handshake(ConnectBuilder.v5("has-id").build());
            assertThat(ack.assignedClientIdentifier()).isNull();
        }
    }

    @Test
    @DisplayName("[MQTT-3.2.2-1..3] 3.1.1 CONNACK accepted, session present 0 for a clean session")
    void connack311() {
        try (RawMqttClient c = raw()) {
            c.send(hex(CONNECT_311));
            assertThat(c.receiveRaw(TIMEOUT)).isEqualTo(hex("20 02 00 00"));
        }
    }

    @Test
    @DisplayName("[3.2.2.3] MQTT 5 CONNACK properties are true to the defaults: receive maximum 128, "
            + "maximum packet size 2000000, topic alias maximum 64, QoS 2, retain/wildcards/ids/shared available")
    void connackPropertiesV5() {
        try (RawMqttClient c = raw()) {
            Connack ack = c.handshake(ConnectBuilder.v5("props-5").keepAlive(60).build());
            assertThat(ack.reasonCode()).isZero();
            assertThat(ack.sessionPresent()).isFalse();
            assertThat(ack.receiveMaximum()).as("receive maximum").isEqualTo(128);
            assertThat(ack.maximumPacketSize()).as("maximum packet size").isEqualTo(2_000_000L);
            assertThat(ack.topicAliasMaximum()).as("topic alias maximum").isEqualTo(64);
            assertThat(ack.maximumQos()).as("maximum QoS absent = 2").isNull();
            assertThat(ack.retainAvailable()).as("retain available").isNotEqualTo(Boolean.FALSE);
            assertThat(ack.wildcardSubscriptionAvailable()).isNotEqualTo(Boolean.FALSE);
            assertThat(ack.subscriptionIdentifiersAvailable()).isNotEqualTo(Boolean.FALSE);
            assertThat(ack.sharedSubscriptionAvailable()).isNotEqualTo(Boolean.FALSE);
            assertThat(ack.serverKeepAlive()).as("no server keep alive when the client's is within the maximum")
                    .isIn(null, 60);
        }
    }

    @Test
    @DisplayName("[MQTT-3.12.4-1] PINGREQ -> PINGRESP")
    void pingResp() {
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v311("pinger"))) {
            c.send(PingReq.INSTANCE);
            c.expect(PingResp.class);
            c.send(0xC0, 0x00);
            assertThat(c.receiveRaw(TIMEOUT)).isEqualTo(hex("D0 00"));
        }
    }

    @Test
    @DisplayName("[MQTT-3.1.2-24] 3.1.1: keep alive 1 s and silence -> closed after 1.5 s, not before")
    void keepAliveTimeout311() {
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v311("silent-3").keepAlive(1))) {
            long start = System.nanoTime();
            assertThat(c.awaitClosed(Duration.ofMillis(3000))).as("closed within 3 s").isTrue();
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(elapsedMs).as("not closed before one and a half keep alive").isGreaterThanOrEqualTo(1400);
            assertThat(c.discarded()).as("3.1.1 has no DISCONNECT from the server").isEmpty();
        }
    }

    @Test
    @DisplayName("[MQTT-3.1.2-22] MQTT 5: keep alive 1 s and silence -> DISCONNECT 0x8D, then close")
    void keepAliveTimeoutV5() {
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v5("silent-5").keepAlive(1))) {
            long start = System.nanoTime();
            Disconnect d = c.expect(Disconnect.class, Duration.ofMillis(3000));
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(d.reasonCode()).isEqualTo(0x8D);
            assertThat(elapsedMs).isGreaterThanOrEqualTo(1400);
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    @Test
    @DisplayName("[3.1.2.10] PINGREQ every 0.5 s keeps a keep-alive-1 connection open for 3 s")
    void pingsKeepTheConnection() {
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v311("pinging").keepAlive(1))) {
            for (int i = 0; i < 6; i++) {
                c.expectNothing(SHORT); // paces the pings and checks that the broker stays quiet and connected
                c.send(PingReq.INSTANCE);
                MqttPacket p = c.expect(PingResp.class);
                assertThat(p).isNotNull();
            }
        }
    }
}
