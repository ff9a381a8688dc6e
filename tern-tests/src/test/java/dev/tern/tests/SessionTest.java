package dev.tern.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.codec.packet.Connack;
import dev.tern.codec.packet.Disconnect;
import dev.tern.codec.packet.PubAck;
import dev.tern.codec.packet.Publish;
import dev.tern.testkit.RawMqttClient;
import dev.tern.testkit.TernExtension;
import dev.tern.tests.support.Brokers;
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

/** Spec 4.1 session state, 3.1.2.4 clean start, 3.1.2.11.2 session expiry, 3.2.2.1.1 session present. */
class SessionTest {
    @RegisterExtension
    static TernExtension broker = new TernExtension();

    private Connack connect(ConnectBuilder b) {
        try (RawMqttClient c = RawMqttClient.connect(broker.port())) {
            Connack ack = c.handshake(b.build());
            c.send(Disconnect.NORMAL);
            return ack;
        }
    }

    /** Connects, subscribes to {@code filter} at QoS 1, disconnects normally (optionally with a new expiry). */
    private void connectSubscribeDisconnect(ConnectBuilder b, String filter, Disconnect disconnect) {
        try (RawMqttClient c = Raw.connected(broker.port(), b)) {
            c.subscribe(filter, 1);
            c.send(disconnect);
            c.awaitClosed(Raw.TIMEOUT);
        }
    }

    @Test
    @DisplayName("[MQTT-3.2.2-2][MQTT-3.2.2-3] 3.1.1: session present 0 first, 1 when resumed, 0 after clean session")
    void sessionPresent311() {
        ConnectBuilder persistent = ConnectBuilder.v311("sp-3").cleanStart(false);
        assertThat(connect(ConnectBuilder.v311("sp-3").cleanStart(true)).sessionPresent()).isFalse();
        assertThat(connect(persistent).sessionPresent()).as("first persistent connect").isFalse();
        assertThat(connect(persistent).sessionPresent()).as("resumed").isTrue();
        assertThat(connect(ConnectBuilder.v311("sp-3").cleanStart(true)).sessionPresent())
                .as("[MQTT-3.2.2-1] clean session").isFalse();
        assertThat(connect(persistent).sessionPresent()).as("the clean session discarded the old one").isFalse();
    }

    @Test
    @DisplayName("[MQTT-3.1.2-6] 3.1.1: clean session 1 discards the subscriptions of the previous session")
    void cleanSessionDiscardsSubscriptions() throws Exception {
        connectSubscribeDisconnect(ConnectBuilder.v311("clean-discards").cleanStart(false), "cd/t", Disconnect.NORMAL);
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v311("clean-discards").cleanStart(true));
             TestClient pub = ClientKind.PAHO_V3.connected(broker.port(), "clean-discards-pub")) {
            pub.publish("cd/t", "x", 1, false);
            c.expectNothing(Raw.SHORT);
        }
    }

    @Test
    @DisplayName("[MQTT-3.1.2-23] MQTT 5: session expiry 0 -> the session ends with the connection")
    void sessionExpiryZero() {
        connectSubscribeDisconnect(ConnectBuilder.v5("se-0").cleanStart(false).sessionExpiry(0), "se0/t",
                Disconnect.NORMAL);
        assertThat(connect(ConnectBuilder.v5("se-0").cleanStart(false).sessionExpiry(60)).sessionPresent()).isFalse();
    }

    @Test
    @DisplayName("[MQTT-3.1.2-23] MQTT 5: session expiry 60 -> the session and its subscription survive")
    void sessionExpiryKept() throws Exception {
        ConnectBuilder b = ConnectBuilder.v5("se-60").cleanStart(false).sessionExpiry(60);
        connectSubscribeDisconnect(b, "se60/t", Disconnect.NORMAL);
        try (TestClient pub = ClientKind.PAHO_V5.connected(broker.port(), "se-60-pub")) {
            pub.publish("se60/t", "queued", 1, false);
            try (RawMqttClient c = RawMqttClient.connect(broker.port())) {
                assertThat(c.handshake(b.build()).sessionPresent()).isTrue();
                Publish p = c.expect(Publish.class);
                assertThat(Raw.text(p.payload())).isEqualTo("queued");
                c.send(PubAck.of(p.packetId()));
            }
        }
    }

    @Test
    @DisplayName("MQTT 5: session expiry 0xFFFFFFFF (never) -> the session survives")
    void sessionNeverExpires() {
        ConnectBuilder b = ConnectBuilder.v5("se-max").cleanStart(false).sessionExpiry(0xFFFFFFFFL);
        connectSubscribeDisconnect(b, "semax/t", Disconnect.NORMAL);
        assertThat(connect(b).sessionPresent()).isTrue();
        connect(ConnectBuilder.v5("se-max").cleanStart(true)); // clean up
    }

    @Test
    @DisplayName("[MQTT-4.1.0-2] MQTT 5: session expiry 1 s -> gone after 2 s")
    void sessionExpires() throws Exception {
        ConnectBuilder b = ConnectBuilder.v5("se-1").cleanStart(false).sessionExpiry(1);
        connectSubscribeDisconnect(b, "se1/t", Disconnect.NORMAL);
        Raw.elapse(Duration.ofMillis(2200));
        assertThat(connect(b).sessionPresent()).isFalse();
    }

    @Test
    @DisplayName("[3.14.2.2.2] MQTT 5: session expiry changed to 0 at DISCONNECT -> the session ends")
    void expiryChangedAtDisconnect() {
        ConnectBuilder b = ConnectBuilder.v5("se-change").cleanStart(false).sessionExpiry(60);
        connectSubscribeDisconnect(b, "sec/t", Raw.disconnectWithExpiry(0));
        assertThat(connect(b).sessionPresent()).isFalse();
    }

    @Test
    @DisplayName("[3.14.2.2.2] MQTT 5: session expiry raised from 0 to 60 at DISCONNECT (protocol error) -> not kept")
    void expiryRaisedAtDisconnectIsProtocolError() {
        connectSubscribeDisconnect(ConnectBuilder.v5("se-raise").cleanStart(false).sessionExpiry(0), "ser/t",
                Raw.disconnectWithExpiry(60));
        assertThat(connect(ConnectBuilder.v5("se-raise").cleanStart(false).sessionExpiry(60)).sessionPresent())
                .isFalse();
    }

    @Test
    @DisplayName("[MQTT-3.1.2-4] MQTT 5: clean start 1 -> session present 0 and the old subscriptions are gone")
    void cleanStartV5() throws Exception {
        connectSubscribeDisconnect(ConnectBuilder.v5("cs-5").cleanStart(false).sessionExpiry(60), "cs5/t",
                Disconnect.NORMAL);
        try (RawMqttClient c = RawMqttClient.connect(broker.port());
             TestClient pub = ClientKind.PAHO_V5.connected(broker.port(), "cs-5-pub")) {
            assertThat(c.handshake(ConnectBuilder.v5("cs-5").cleanStart(true).build()).sessionPresent()).isFalse();
            pub.publish("cs5/t", "x", 1, false);
            c.expectNothing(Raw.SHORT);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ClientKind.class)
    @DisplayName("[MQTT-3.1.2-5] persistent session: QoS 1 and 2 queued while offline are delivered on reconnect, "
            + "QoS 0 is not (queue-qos0 false)")
    void offlineQueue(ClientKind kind) throws Exception {
        String id = "offline-" + kind.name().toLowerCase();
        String topic = "off/" + kind.name().toLowerCase();
        try (TestClient sub = kind.create(broker.port(), id);
             TestClient pub = ClientKind.PAHO_V3.connected(broker.port(), id + "-pub")) {
            sub.connect(false);
            sub.subscribe(topic, 2);
            sub.disconnect();
            Brokers.awaitOffline(broker, id);
            pub.publish(topic, "q0", 0, false);
            pub.publish(topic, "q1", 1, false);
            pub.publish(topic, "q2", 2, false);
            sub.connect(false);
            List<Msg> got = sub.awaitMessages(2);
            assertThat(got).extracting(Msg::text).containsExactly("q1", "q2");
            assertThat(got).extracting(Msg::qos).containsExactly(1, 2);
            sub.assertNoMessage(Raw.SHORT);
            sub.disconnect();
            sub.connect(true); // clean up the session
        }
    }
}
