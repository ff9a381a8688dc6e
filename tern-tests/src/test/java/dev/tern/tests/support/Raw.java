package dev.tern.tests.support;

import dev.tern.codec.packet.Disconnect;
import dev.tern.codec.packet.Publish;
import dev.tern.codec.packet.PublishProperties;
import dev.tern.testkit.RawMqttClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** Small helpers around {@link RawMqttClient} and packets used by many tests. */
public final class Raw {
    public static final Duration SHORT = Duration.ofMillis(500);
    public static final Duration TIMEOUT = Duration.ofSeconds(5);

    private Raw() {
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    public static Publish publish(String topic, int qos, int packetId, String payload) {
        return Publish.of(topic, qos, false, packetId, utf8(payload));
    }

    public static Publish publish(String topic, int qos, boolean retain, int packetId, String payload,
                                  PublishProperties props) {
        return new Publish(false, qos, retain, topic, packetId, props, utf8(payload));
    }

    public static Disconnect disconnectWithExpiry(long seconds) {
        return new Disconnect(0, seconds, null, null, List.of());
    }

    /**
     * Waits a fixed time. Only for behaviour defined by a timer whose absence of effect is the point (a will delay
     * not yet elapsed, an expiry): events are awaited with timeouts, not with this.
     */
    public static void elapse(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    /** A raw client that completed a clean 3.1.1 or 5 handshake, with the CONNACK checked for success. */
    public static RawMqttClient connected(int port, ConnectBuilder connect) {
        RawMqttClient c = RawMqttClient.connect(port);
        var ack = c.handshake(connect.build());
        if (ack.reasonCode() != 0) {
            c.close();
            throw new AssertionError("CONNACK refused: " + ack);
        }
        return c;
    }
}
