package dev.tern.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.packet.Connack;
import dev.tern.codec.packet.Connect;
import dev.tern.codec.packet.PingReq;
import dev.tern.codec.packet.PingResp;
import dev.tern.core.MqttSettings;
import dev.tern.testkit.RawMqttClient;
import dev.tern.testkit.TernExtension;
import dev.tern.tests.support.ClientKind;
import dev.tern.tests.support.TestClient;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The testkit itself: the JUnit extension (static and per-test) and the raw client. */
class TestkitTest {
    @RegisterExtension
    static TernExtension shared = new TernExtension(b -> b.mqtt(MqttSettings.defaults().withTopicAliasMaximum(7)));

    @RegisterExtension
    TernExtension perTest = new TernExtension();

    @Test
    @DisplayName("the extension starts a broker on 127.0.0.1 and a free port, with the customizer applied")
    void extension() throws Exception {
        assertThat(shared.port()).isPositive();
        assertThat(shared.uri()).isEqualTo("tcp://127.0.0.1:" + shared.port());
        assertThat(shared.tern().port()).isEqualTo(shared.port());
        assertThat(perTest.port()).isPositive().isNotEqualTo(shared.port());
        try (RawMqttClient c = shared.rawClient()) {
            Connack ack = c.handshake(Connect.of(MqttVersion.V5, "tk", true, 30));
            assertThat(ack.topicAliasMaximum()).as("customizer applied").isEqualTo(7);
        }
        try (TestClient client = ClientKind.PAHO_V3.connected(perTest.port(), "per-test")) {
            client.subscribe("tk/t", 1);
            client.publish("tk/t", "self", 1, false);
            assertThat(client.awaitMessage().text()).isEqualTo("self");
        }
    }

    @Test
    @DisplayName("the raw client: bytes in, frames out, timeouts return null, the broker's close is seen")
    void rawClient() {
        try (RawMqttClient c = shared.rawClient()) {
            assertThat(c.receiveRaw(Duration.ofMillis(100))).as("nothing yet").isNull();
            c.send(Connect.of(MqttVersion.V3_1_1, "raw", true, 30));
            assertThat(c.version()).isEqualTo(MqttVersion.V3_1_1);
            assertThat(c.receiveRaw(Duration.ofSeconds(5))).containsExactly(0x20, 0x02, 0x00, 0x00);
            c.send(PingReq.INSTANCE);
            assertThat(c.receive(Duration.ofSeconds(5))).isInstanceOf(PingResp.class);
            c.send(0xC0); // half a PINGREQ...
            c.send(0x00); // ...and the rest
            c.expect(PingResp.class);
            c.send(0xE0, 0x00); // DISCONNECT
            assertThat(c.awaitClosed(Duration.ofSeconds(5))).isTrue();
            assertThatThrownBy(() -> c.receive(Duration.ofMillis(10)))
                    .isInstanceOf(RawMqttClient.ConnectionClosedException.class);
            assertThatThrownBy(() -> c.expect(PingResp.class, Duration.ofMillis(10)))
                    .isInstanceOf(AssertionError.class);
        }
    }

    @Test
    @DisplayName("the extension refuses port() when it is not running")
    void notRunning() {
        TernExtension idle = new TernExtension();
        assertThatThrownBy(idle::port).isInstanceOf(IllegalStateException.class);
        int port = idle.start();
        try {
            assertThat(idle.port()).isEqualTo(port);
        } finally {
            idle.stop();
        }
    }
}
