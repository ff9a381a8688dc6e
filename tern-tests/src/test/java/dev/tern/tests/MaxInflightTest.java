package dev.tern.tests;

import static dev.tern.tests.support.Raw.SHORT;
import static dev.tern.tests.support.Raw.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.codec.packet.PubAck;
import dev.tern.codec.packet.Publish;
import dev.tern.core.MqttSettings;
import dev.tern.testkit.RawMqttClient;
import dev.tern.testkit.TernExtension;
import dev.tern.tests.support.ConnectBuilder;
import dev.tern.tests.support.Raw;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code mqtt.max-inflight} (Mosquitto's {@code max_inflight_messages}): the broker leaves at most that many QoS 1/2
 * PUBLISH unacknowledged towards one client, even when the client's receive maximum allows more.
 */
class MaxInflightTest {
    @RegisterExtension
    static TernExtension broker = new TernExtension(b -> b.mqtt(MqttSettings.defaults().withMaxInflight(2)));

    @ParameterizedTest(name = "MQTT {0}")
    @ValueSource(strings = {"5", "3.1.1"})
    @DisplayName("max-inflight 2: a subscriber that does not acknowledge gets 2 QoS 1 PUBLISH, the 3rd after a PUBACK")
    void windowIsMaxInflight(String version) {
        String id = "inflight-" + version.replace('.', '-');
        ConnectBuilder sub = version.equals("5") ? ConnectBuilder.v5(id).receiveMaximum(100)
                : ConnectBuilder.v311(id);
        try (RawMqttClient s = Raw.connected(broker.port(), sub);
             RawMqttClient p = Raw.connected(broker.port(), ConnectBuilder.v5(id + "-pub"))) {
            s.subscribe("inflight/" + id, 1);
            for (int i = 1; i <= 3; i++) {
                p.send(Raw.publish("inflight/" + id, 1, i, "m" + i));
                assertThat(p.expect(PubAck.class, TIMEOUT).packetId()).isEqualTo(i);
            }
            Publish first = s.expect(Publish.class, TIMEOUT);
            Publish second = s.expect(Publish.class, TIMEOUT);
            assertThat(Raw.text(first.payload())).isEqualTo("m1");
            assertThat(Raw.text(second.payload())).isEqualTo("m2");
            s.expectNothing(SHORT);

            s.send(PubAck.of(first.packetId()));
            Publish third = s.expect(Publish.class, TIMEOUT);
            assertThat(Raw.text(third.payload())).isEqualTo("m3");
            assertThat(third.qos()).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("[MQTT-3.3.4-9] a client receive maximum (1) below max-inflight still wins: window = the smaller")
    void clientReceiveMaximumBelowMaxInflight() {
        String id = "inflight-rm1";
        try (RawMqttClient s = Raw.connected(broker.port(), ConnectBuilder.v5(id).receiveMaximum(1));
             RawMqttClient p = Raw.connected(broker.port(), ConnectBuilder.v5(id + "-pub"))) {
            s.subscribe("inflight/" + id, 1);
            for (int i = 1; i <= 2; i++) {
                p.send(Raw.publish("inflight/" + id, 1, i, "m" + i));
                p.expect(PubAck.class, TIMEOUT);
            }
            Publish first = s.expect(Publish.class, TIMEOUT);
            s.expectNothing(SHORT);
            s.send(PubAck.of(first.packetId()));
            assertThat(Raw.text(s.expect(Publish.class, TIMEOUT).payload())).isEqualTo("m2");
        }
    }
}
