package dev.tern.tests;

import static dev.tern.tests.support.Raw.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.packet.Connack;
import dev.tern.server.config.AuthConfig;
import dev.tern.server.config.BrokerConfig;
import dev.tern.server.config.LimitsConfig;
import dev.tern.server.config.ListenerConfig;
import dev.tern.testkit.RawMqttClient;
import dev.tern.testkit.TernExtension;
import dev.tern.tests.support.ConnectBuilder;
import dev.tern.tests.support.Raw;
import java.time.Duration;
import java.util.HexFormat;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** limits.max-connections and auth.allow-anonymous. */
class AccessLimitsTest {
    @RegisterExtension
    static TernExtension twoConnections = new TernExtension(b -> b
            .config(BrokerConfig.defaults().withLimits(new LimitsConfig(2, Duration.ofSeconds(10)))));

    /** Two listeners: the first takes 1 connection of its own, both together 2 (limits.max-connections). */
    @RegisterExtension
    static TernExtension twoListeners = new TernExtension(b -> b.config(BrokerConfig.defaults()
            .withListeners(java.util.List.of(
                    new ListenerConfig("tcp", "127.0.0.1", 0, null, null, 1),
                    ListenerConfig.tcp("127.0.0.1", 0)))
            .withLimits(new LimitsConfig(2, Duration.ofSeconds(10)))));

    @RegisterExtension
    static TernExtension noAnonymous = new TernExtension(b -> b
            .config(BrokerConfig.defaults().withAuth(new AuthConfig(false))));

    @Test
    @DisplayName("max-connections 2: a third connection is refused (closed, never a successful CONNACK); "
            + "a slot frees when a client leaves")
    void maxConnections() {
        RawMqttClient a = Raw.connected(twoConnections.port(), ConnectBuilder.v5("mc-a"));
        try (RawMqttClient b = Raw.connected(twoConnections.port(), ConnectBuilder.v5("mc-b"));
             RawMqttClient c = twoConnections.rawClient()) {
            assertThat(b.isClosedByBroker()).isFalse();
            c.trySend(RawMqttClient.encode(ConnectBuilder.v5("mc-c").build(), MqttVersion.V5));
            assertThat(c.awaitClosed(TIMEOUT)).as("third connection closed").isTrue();
            for (byte[] f : c.discarded()) {
                Connack ack = (Connack) RawMqttClient.decode(f, MqttVersion.V5);
                assertThat(ack.reasonCode()).isGreaterThanOrEqualTo(0x80);
            }
            a.close(); // frees a slot
            Awaitility.await().atMost(TIMEOUT).untilAsserted(() -> {
                try (RawMqttClient d = twoConnections.rawClient()) {
                    d.send(ConnectBuilder.v5("mc-d").build());
                    assertThat(d.expect(Connack.class, Duration.ofSeconds(1)).reasonCode()).isZero();
                }
            });
        } finally {
            a.close();
        }
    }

    @Test
    @DisplayName("listeners[].max-connections per listener, limits.max-connections across listeners")
    void perListenerAndGlobalLimits() {
        int first = twoListeners.tern().ports().get(0);
        int second = twoListeners.tern().ports().get(1);
        try (RawMqttClient a = Raw.connected(first, ConnectBuilder.v5("pl-a"));
             RawMqttClient refusedByListener = RawMqttClient.connect(first)) {
            assertThat(refusedByListener.awaitClosed(TIMEOUT)).as("first listener holds 1").isTrue();
            try (RawMqttClient b = Raw.connected(second, ConnectBuilder.v5("pl-b"));
                 RawMqttClient refusedGlobally = RawMqttClient.connect(second)) {
                assertThat(refusedGlobally.awaitClosed(TIMEOUT)).as("2 open in all").isTrue();
                assertThat(a.isClosedByBroker()).isFalse();
                assertThat(b.isClosedByBroker()).isFalse();
            }
        }
    }

    @Test
    @DisplayName("allow-anonymous false: 3.1.1 CONNECT without credentials -> CONNACK 0x05, close")
    void anonymousRefused311() {
        try (RawMqttClient c = noAnonymous.rawClient()) {
            // 10 0E | 'MQTT' | 04 | clean | 003C | 'c1'
            c.send(HexFormat.of().parseHex("100E00044D51545404020" + "03C00026331"));
            assertThat(c.receiveRaw(TIMEOUT)).isEqualTo(HexFormat.of().parseHex("20020005"));
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    @Test
    @DisplayName("allow-anonymous false: MQTT 5 CONNECT without credentials -> CONNACK 0x87 (or 0x86), close")
    void anonymousRefusedV5() {
        try (RawMqttClient c = noAnonymous.rawClient()) {
            Connack ack = c.handshake(ConnectBuilder.v5("anon-5").build());
            assertThat(ack.reasonCode()).isIn(0x86, 0x87);
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
        }
    }
}
