package dev.tern.tests;

import static dev.tern.tests.support.Raw.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.codec.packet.Connack;
import dev.tern.codec.packet.Disconnect;
import dev.tern.codec.packet.PubAck;
import dev.tern.codec.packet.Publish;
import dev.tern.testkit.RawMqttClient;
import dev.tern.testkit.TernExtension;
import dev.tern.tests.support.ClientKind;
import dev.tern.tests.support.ConnectBuilder;
import dev.tern.tests.support.Raw;
import dev.tern.tests.support.TestClient;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Spec 3.1.4 session takeover: a second connection with the same client id replaces the first. */
class TakeoverTest {
    @RegisterExtension
    static TernExtension broker = new TernExtension();

    @Test
    @DisplayName("[MQTT-3.1.4-3] MQTT 5: the old connection gets DISCONNECT 0x8E and is closed; the session continues")
    void takeoverV5() throws Exception {
        ConnectBuilder connect = ConnectBuilder.v5("takeover-5").cleanStart(false).sessionExpiry(60);
        try (RawMqttClient old = Raw.connected(broker.port(), connect);
             TestClient pub = ClientKind.PAHO_V5.connected(broker.port(), "takeover-5-pub")) {
            old.subscribe("tk/5", 1);
            try (RawMqttClient fresh = RawMqttClient.connect(broker.port())) {
                Connack ack = fresh.handshake(connect.build());
                assertThat(ack.reasonCode()).isZero();
                assertThat(ack.sessionPresent()).as("session present on the new connection").isTrue();

                Disconnect d = old.expect(Disconnect.class);
                assertThat(d.reasonCode()).isEqualTo(0x8E);
                assertThat(old.awaitClosed(TIMEOUT)).isTrue();

                pub.publish("tk/5", "after", 1, false);
                Publish p = fresh.expect(Publish.class);
                assertThat(p.topic()).isEqualTo("tk/5");
                assertThat(Raw.text(p.payload())).isEqualTo("after");
                fresh.send(PubAck.of(p.packetId()));
            }
        }
    }

    @Test
    @DisplayName("[MQTT-3.1.2-6] taking over a clean-session connection finds no session to resume: it ended "
            + "with that connection")
    void takeoverOfACleanSessionResumesNothing() throws Exception {
        try (RawMqttClient old = Raw.connected(broker.port(), ConnectBuilder.v311("takeover-clean").cleanStart(true))) {
            old.subscribe("tkc/t", 1);
            try (RawMqttClient fresh = RawMqttClient.connect(broker.port());
                 TestClient pub = ClientKind.PAHO_V3.connected(broker.port(), "takeover-clean-pub")) {
                Connack ack = fresh.handshake(ConnectBuilder.v311("takeover-clean").cleanStart(false).build());
                assertThat(ack.sessionPresent()).as("session present after taking over a clean session").isFalse();
                assertThat(old.awaitClosed(TIMEOUT)).isTrue();
                pub.publish("tkc/t", "x", 1, false);
                fresh.expectNothing(Raw.SHORT);
            }
        }
    }

    @Test
    @DisplayName("[MQTT-3.1.4-2] 3.1.1: the old connection is closed; the session continues on the new one")
    void takeoverV311() throws Exception {
        ConnectBuilder connect = ConnectBuilder.v311("takeover-3").cleanStart(false);
        try (RawMqttClient old = Raw.connected(broker.port(), connect);
             TestClient pub = ClientKind.PAHO_V3.connected(broker.port(), "takeover-3-pub")) {
            old.subscribe("tk/3", 1);
            try (RawMqttClient fresh = RawMqttClient.connect(broker.port())) {
                Connack ack = fresh.handshake(connect.build());
                assertThat(ack.reasonCode()).isZero();
                assertThat(ack.sessionPresent()).isTrue();
                assertThat(old.awaitClosed(TIMEOUT)).isTrue();
                assertThat(old.discarded()).as("3.1.1 has no server DISCONNECT").isEmpty();

                pub.publish("tk/3", "after", 1, false);
                Publish p = fresh.expect(Publish.class);
                assertThat(Raw.text(p.payload())).isEqualTo("after");
                fresh.send(PubAck.of(p.packetId()));
            }
        }
    }

    @Test
    @DisplayName("takeover with clean start: the old connection is closed and the new session is empty")
    void takeoverCleanStart() throws Exception {
        try (RawMqttClient old = Raw.connected(broker.port(),
                ConnectBuilder.v5("takeover-clean").cleanStart(false).sessionExpiry(60))) {
            old.subscribe("tkc/t", 1);
            try (RawMqttClient fresh = RawMqttClient.connect(broker.port());
                 TestClient pub = ClientKind.HIVEMQ_V5.connected(broker.port(), "takeover-clean-pub")) {
                Connack ack = fresh.handshake(ConnectBuilder.v5("takeover-clean").cleanStart(true).build());
                assertThat(ack.sessionPresent()).isFalse();
                assertThat(old.expect(Disconnect.class).reasonCode()).isEqualTo(0x8E);
                pub.publish("tkc/t", "x", 1, false);
                fresh.expectNothing(Raw.SHORT);
            }
        }
    }

    @Test
    @DisplayName("takeover with real clients: Paho v3 replaced by HiveMQ v3 with the same id keeps the subscription")
    void takeoverRealClients() throws Exception {
        try (TestClient first = ClientKind.PAHO_V3.create(broker.port(), "takeover-real");
             TestClient second = ClientKind.HIVEMQ_V3.create(broker.port(), "takeover-real");
             TestClient pub = ClientKind.PAHO_V3.connected(broker.port(), "takeover-real-pub")) {
            first.connect(false);
            first.subscribe("tkr/t", 2);
            second.connect(false);
            pub.publish("tkr/t", "to-second", 2, false);
            assertThat(second.awaitMessage().text()).isEqualTo("to-second");
            first.assertNoMessage(Raw.SHORT);
        }
    }
}
