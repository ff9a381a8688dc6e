package dev.tern.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.codec.packet.Disconnect;
import dev.tern.codec.packet.PubAck;
import dev.tern.codec.packet.Publish;
import dev.tern.codec.packet.PublishProperties;
import dev.tern.codec.packet.UserProperty;
import dev.tern.testkit.RawMqttClient;
import dev.tern.testkit.TernExtension;
import dev.tern.tests.support.ConnectBuilder;
import dev.tern.tests.support.Raw;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Spec 3.1.2.5 Will flag, 3.1.3.2 will properties and delay, 3.14.2.1 DISCONNECT 0x04. */
class WillTest {
    @RegisterExtension
    static TernExtension broker = new TernExtension();

    private RawMqttClient watcher(String id, String filter, int qos) {
        RawMqttClient w = Raw.connected(broker.port(), ConnectBuilder.v5(id));
        w.subscribe(filter, qos);
        return w;
    }

    private static Publish expectWill(RawMqttClient watcher, String payload) {
        Publish p = watcher.expect(Publish.class);
        assertThat(Raw.text(p.payload())).isEqualTo(payload);
        if (p.qos() > 0) {
            watcher.send(PubAck.of(p.packetId()));
        }
        return p;
    }

    @Test
    @DisplayName("[MQTT-3.1.2-8] 3.1.1: socket closed without DISCONNECT -> the will is published")
    void willOnSocketClose() {
        try (RawMqttClient w = watcher("will-close-w", "will/close", 0)) {
            RawMqttClient c = Raw.connected(broker.port(),
                    ConnectBuilder.v311("will-close").will("will/close", "gone", 0, false));
            c.close();
            expectWill(w, "gone");
        }
    }

    @Test
    @DisplayName("[MQTT-3.1.2-8] half-open: the client shuts down its output -> the will is published")
    void willOnHalfClose() throws Exception {
        try (RawMqttClient w = watcher("will-half-w", "will/half", 0);
             RawMqttClient c = Raw.connected(broker.port(),
                     ConnectBuilder.v311("will-half").will("will/half", "half", 0, false))) {
            c.socket().shutdownOutput();
            expectWill(w, "half");
            assertThat(c.awaitClosed(Raw.TIMEOUT)).as("the broker closes its side too").isTrue();
        }
    }

    @Test
    @DisplayName("[MQTT-3.1.2-8] keep alive timeout -> the will is published")
    void willOnKeepAliveTimeout() {
        try (RawMqttClient w = watcher("will-ka-w", "will/ka", 0);
             RawMqttClient c = Raw.connected(broker.port(),
                     ConnectBuilder.v311("will-ka").keepAlive(1).will("will/ka", "timed out", 0, false))) {
            expectWill(w, "timed out");
            assertThat(c.awaitClosed(Raw.TIMEOUT)).isTrue();
        }
    }

    @Test
    @DisplayName("[MQTT-3.1.2-10][MQTT-3.14.4-3] normal DISCONNECT -> the will is discarded")
    void noWillAfterDisconnect() {
        try (RawMqttClient w = watcher("will-normal-w", "will/normal", 0)) {
            try (RawMqttClient c = Raw.connected(broker.port(),
                    ConnectBuilder.v5("will-normal").will("will/normal", "must not", 0, false))) {
                c.send(Disconnect.NORMAL);
                assertThat(c.awaitClosed(Raw.TIMEOUT)).isTrue();
            }
            w.expectNothing(Duration.ofSeconds(1));
        }
    }

    @Test
    @DisplayName("[MQTT-3.1.2-8] protocol error (second CONNECT) -> the will is published")
    void willOnProtocolError() {
        try (RawMqttClient w = watcher("will-perr-w", "will/perr", 0);
             RawMqttClient c = Raw.connected(broker.port(),
                     ConnectBuilder.v5("will-perr").will("will/perr", "broken", 0, false))) {
            c.send(ConnectBuilder.v5("will-perr").build());
            expectWill(w, "broken");
        }
    }

    @Test
    @DisplayName("[3.14.2.1] MQTT 5: DISCONNECT 0x04 (with will message) -> the will is published")
    void disconnectWithWill() {
        try (RawMqttClient w = watcher("will-04-w", "will/04", 0);
             RawMqttClient c = Raw.connected(broker.port(),
                     ConnectBuilder.v5("will-04").will("will/04", "asked for", 0, false))) {
            c.send(Disconnect.of(0x04));
            expectWill(w, "asked for");
        }
    }

    @Test
    @DisplayName("[MQTT-3.1.2-14][MQTT-3.1.2-15] will retain: published retained, later subscribers get it")
    void willRetain() {
        RawMqttClient c = Raw.connected(broker.port(),
                ConnectBuilder.v311("will-ret").will("will/retained", "last words", 1, true));
        c.close();
        try (RawMqttClient w = RawMqttClient.connect(broker.port())) {
            w.handshake(ConnectBuilder.v5("will-ret-w").build());
            // the will may take a moment: subscribe until the retained will is there
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> {
                w.subscribe("will/retained", 1);
                Publish p = (Publish) w.receive(Duration.ofMillis(300));
                if (p == null) {
                    return false;
                }
                w.send(PubAck.of(p.packetId()));
                assertThat(p.retain()).isTrue();
                assertThat(Raw.text(p.payload())).isEqualTo("last words");
                return true;
            });
        }
    }

    @Test
    @DisplayName("[MQTT-3.1.2-13] will QoS 1 is delivered at QoS 1 to a QoS 2 subscriber, QoS 0 to a QoS 0 one")
    void willQos() {
        try (RawMqttClient w2 = watcher("will-qos-w2", "will/qos", 2);
             RawMqttClient w0 = watcher("will-qos-w0", "will/qos", 0)) {
            RawMqttClient c = Raw.connected(broker.port(),
                    ConnectBuilder.v311("will-qos").will("will/qos", "q", 1, false));
            c.close();
            assertThat(expectWill(w2, "q").qos()).isEqualTo(1);
            assertThat(expectWill(w0, "q").qos()).isEqualTo(0);
        }
    }

    @Test
    @DisplayName("[3.1.3.2.2] MQTT 5: will delay 2 s -> not published at once, published after the delay")
    void willDelay() {
        try (RawMqttClient w = watcher("will-delay-w", "will/delay", 0)) {
            RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v5("will-delay").sessionExpiry(60)
                    .will("will/delay", "late", 0, false, 2, PublishProperties.EMPTY));
            long start = System.nanoTime();
            c.close();
            w.expectNothing(Duration.ofMillis(1200));
            expectWill(w, "late");
            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(1800);
        }
    }

    @Test
    @DisplayName("[MQTT-3.1.3-9] MQTT 5: reconnecting within the will delay -> the will is not published")
    void willDelayCancelledByReconnect() {
        ConnectBuilder b = ConnectBuilder.v5("will-cancel").cleanStart(false).sessionExpiry(60)
                .will("will/cancel", "never", 0, false, 2, PublishProperties.EMPTY);
        try (RawMqttClient w = watcher("will-cancel-w", "will/cancel", 0)) {
            Raw.connected(broker.port(), b).close();
            try (RawMqttClient again = Raw.connected(broker.port(),
                    ConnectBuilder.v5("will-cancel").cleanStart(false).sessionExpiry(60))) {
                w.expectNothing(Duration.ofMillis(3000));
                again.send(Raw.disconnectWithExpiry(0));
            }
        }
    }

    @Test
    @DisplayName("[3.1.3.2.2] MQTT 5: session expiry 1 s before a will delay of 60 s -> the will is published "
            + "when the session ends")
    void willAtSessionEnd() {
        try (RawMqttClient w = watcher("will-sessend-w", "will/sessend", 0)) {
            RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v5("will-sessend").sessionExpiry(1)
                    .will("will/sessend", "session over", 0, false, 60, PublishProperties.EMPTY));
            c.close();
            expectWill(w, "session over");
        }
    }

    @Test
    @DisplayName("[MQTT-3.1.4-3] MQTT 5 takeover -> the old connection's will (no delay) is published")
    void willOnTakeover() {
        try (RawMqttClient w = watcher("will-tk-w", "will/takeover", 0);
             RawMqttClient old = Raw.connected(broker.port(),
                     ConnectBuilder.v5("will-tk").will("will/takeover", "replaced", 0, false));
             RawMqttClient fresh = Raw.connected(broker.port(), ConnectBuilder.v5("will-tk"))) {
            assertThat(old.expect(Disconnect.class).reasonCode()).isEqualTo(0x8E);
            expectWill(w, "replaced");
            fresh.expectNothing(Raw.SHORT); // the new connection stays up and gets nothing of the old will
        }
    }

    @Test
    @DisplayName("[MQTT-3.1.3-9] MQTT 5 takeover of a continuing session within the will delay -> no will")
    void noWillOnTakeoverWithDelay() {
        try (RawMqttClient w = watcher("will-tkd-w", "will/takeover-delay", 0);
             RawMqttClient old = Raw.connected(broker.port(), ConnectBuilder.v5("will-tkd").cleanStart(false)
                     .sessionExpiry(60).will("will/takeover-delay", "never", 0, false, 5, PublishProperties.EMPTY));
             RawMqttClient fresh = Raw.connected(broker.port(),
                     ConnectBuilder.v5("will-tkd").cleanStart(false).sessionExpiry(60))) {
            assertThat(old.expect(Disconnect.class).reasonCode()).isEqualTo(0x8E);
            w.expectNothing(Duration.ofSeconds(1));
            fresh.send(Raw.disconnectWithExpiry(0));
        }
    }

    @Test
    @DisplayName("[MQTT-3.1.3-10] MQTT 5 will properties (content type, user properties, payload format) "
            + "are passed on")
    void willProperties() {
        PublishProperties props = new PublishProperties(1, null, null, "will/reply", new byte[] {1, 2}, "text/plain",
                List.of(), List.of(new UserProperty("k", "v1"), new UserProperty("k", "v2")));
        try (RawMqttClient w = watcher("will-props-w", "will/props", 0)) {
            RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v5("will-props")
                    .will("will/props", "p", 0, false, 0, props));
            c.close();
            Publish p = expectWill(w, "p");
            assertThat(p.properties().contentType()).isEqualTo("text/plain");
            assertThat(p.properties().payloadFormatIndicator()).isEqualTo(1);
            assertThat(p.properties().responseTopic()).isEqualTo("will/reply");
            assertThat(p.properties().correlationData()).containsExactly(1, 2);
            assertThat(p.properties().userProperties())
                    .containsExactly(new UserProperty("k", "v1"), new UserProperty("k", "v2"));
        }
    }
}
