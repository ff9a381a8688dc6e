package dev.tern.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.core.MqttSettings;
import dev.tern.core.MqttSettings.QueueOverflow;
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

/**
 * Offline queue policies and the expiry of abandoned 3.1.1 sessions: queue-overflow drop-oldest, queue-qos0,
 * max-queued-bytes, persistent-client-expiration. Three brokers, one per configuration.
 */
class QueuePolicyTest {
    @RegisterExtension
    static TernExtension dropOldest = new TernExtension(b -> b.mqtt(MqttSettings.defaults()
            .withQueueLimits(3, 0, QueueOverflow.DROP_OLDEST, true)));

    @RegisterExtension
    static TernExtension byteLimited = new TernExtension(b -> b.mqtt(MqttSettings.defaults()
            .withQueueLimits(0, 250, QueueOverflow.DROP_NEW, false)));

    @RegisterExtension
    static TernExtension expiring = new TernExtension(b -> b.mqtt(MqttSettings.defaults()
            .withPersistentClientExpiration(Duration.ofSeconds(1))));

    /** Subscribes a persistent 3.1.1 session, goes offline, publishes, comes back: what arrives. */
    private static List<Msg> queuedWhileOffline(TernExtension broker, String id, List<String> payloads, int qos,
                                                int expected) throws Exception {
        try (TestClient sub = ClientKind.PAHO_V3.create(broker.port(), id);
             TestClient pub = ClientKind.PAHO_V3.connected(broker.port(), id + "-pub")) {
            sub.connect(false);
            sub.subscribe("qp/" + id, 2);
            sub.disconnect();
            Brokers.awaitOffline(broker, id);
            for (String p : payloads) {
                pub.publish("qp/" + id, p, qos, false);
            }
            sub.connect(false);
            List<Msg> got = sub.awaitMessages(expected);
            sub.assertNoMessage(Raw.SHORT);
            return got;
        }
    }

    @Test
    @DisplayName("queue-overflow drop-oldest (max 3): the last 3 of 5 are delivered")
    void dropOldest() throws Exception {
        List<Msg> got = queuedWhileOffline(dropOldest, "oldest", List.of("m0", "m1", "m2", "m3", "m4"), 1, 3);
        assertThat(got).extracting(Msg::text).containsExactly("m2", "m3", "m4");
    }

    @Test
    @DisplayName("queue-qos0 true: QoS 0 messages are queued for an offline persistent session")
    void queueQos0() throws Exception {
        List<Msg> got = queuedWhileOffline(dropOldest, "qos0", List.of("a", "b"), 0, 2);
        assertThat(got).extracting(Msg::text).containsExactly("a", "b");
        assertThat(got).extracting(Msg::qos).containsOnly(0);
    }

    @Test
    @DisplayName("max-queued-bytes 250 (drop-new): five 100-byte payloads -> only the first 2 are queued")
    void byteLimit() throws Exception {
        String hundred = "x".repeat(99);
        List<Msg> got = queuedWhileOffline(byteLimited, "bytes",
                List.of("0" + hundred, "1" + hundred, "2" + hundred, "3" + hundred, "4" + hundred), 1, 2);
        assertThat(got).extracting(m -> m.text().charAt(0)).containsExactly('0', '1');
    }

    @Test
    @DisplayName("persistent-client-expiration 1 s: an abandoned 3.1.1 session is gone after 2 s")
    void persistentClientExpiration() throws Exception {
        ConnectBuilder b = ConnectBuilder.v311("abandoned").cleanStart(false);
        try (RawMqttClient c = Raw.connected(expiring.port(), b)) {
            c.subscribe("abandoned/t", 1);
        }
        Raw.elapse(Duration.ofMillis(2200));
        try (RawMqttClient c = RawMqttClient.connect(expiring.port())) {
            assertThat(c.handshake(b.build()).sessionPresent()).isFalse();
        }
    }

    @Test
    @DisplayName("persistent-client-expiration 1 s: a session resumed in time is kept")
    void persistentClientResumedInTime() {
        ConnectBuilder b = ConnectBuilder.v311("resumed-in-time").cleanStart(false);
        Raw.connected(expiring.port(), b).close();
        try (RawMqttClient c = RawMqttClient.connect(expiring.port())) {
            assertThat(c.handshake(b.build()).sessionPresent()).isTrue();
        }
    }
}
