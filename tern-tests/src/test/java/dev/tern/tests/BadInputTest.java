package dev.tern.tests;

import static dev.tern.tests.support.Raw.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.codec.packet.Disconnect;
import dev.tern.testkit.RawMqttClient;
import dev.tern.testkit.TernExtension;
import dev.tern.tests.support.ClientKind;
import dev.tern.tests.support.ConnectBuilder;
import dev.tern.tests.support.Msg;
import dev.tern.tests.support.Raw;
import dev.tern.tests.support.TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad input never crashes the broker or affects other clients (spec 4.13 error handling, 2.1.4 remaining length). */
class BadInputTest {
    @RegisterExtension
    static TernExtension broker = new TernExtension();

    /** Session queues of 50 messages: what a subscriber that never reads may cost the broker. */
    @RegisterExtension
    static TernExtension smallQueues = new TernExtension(b -> b.mqtt(dev.tern.core.MqttSettings.defaults()
            .withQueueLimits(50, 0, dev.tern.core.MqttSettings.QueueOverflow.DROP_NEW, false)));

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    @DisplayName("a subscriber that never reads costs the broker its queue limit, not what is published to it "
            + "(48 MB), and slows its publisher for one hold only")
    void clientThatNeverReadsKeepsTheHeapBounded() throws Exception {
        byte[] payload = new byte[32 * 1024];
        try (RawMqttClient deaf = Raw.connected(smallQueues.port(), ConnectBuilder.v311("deaf-heap"));
             RawMqttClient pub = Raw.connected(smallQueues.port(), ConnectBuilder.v311("deaf-heap-pub"))) {
            deaf.subscribe("heap/#", 1);
            long before = usedHeapAfterGc();
            for (int i = 0; i < 1500; i++) { // 48 MB at QoS 0 and 1, far beyond socket buffers and the queue
                int qos = i % 2;
                pub.send(dev.tern.codec.packet.Publish.of("heap/t", qos, false, qos == 0 ? 0 : 1 + (i % 60000),
                        payload));
                if (qos == 1) {
                    pub.expect(dev.tern.codec.packet.PubAck.class, Duration.ofSeconds(10));
                }
            }
            pub.send(dev.tern.codec.packet.PingReq.INSTANCE);
            pub.expect(dev.tern.codec.packet.PingResp.class);
            long grown = usedHeapAfterGc() - before;
            var session = smallQueues.tern().inspector().session("deaf-heap").get().orElseThrow();
            assertThat(session.queued()).as("queued for the deaf subscriber").isLessThanOrEqualTo(50);
            assertThat(smallQueues.tern().broker().stats().drops(dev.tern.core.DropReason.QUEUE_FULL))
                    .as("the rest was dropped and counted").isPositive();
            // the queue (50 x 32 KB = 1.6 MB), the socket's outbound buffer and the test's own clients; not 48 MB
            assertThat(grown).as("heap growth in bytes").isLessThan(16L * 1024 * 1024);
        }
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    /** After every test: the broker still serves a normal publish/subscribe exchange. */
    @AfterEach
    void brokerStillServes() throws Exception {
        try (TestClient sub = ClientKind.PAHO_V3.connected(broker.port(), "health-sub");
             TestClient pub = ClientKind.HIVEMQ_V5.connected(broker.port(), "health-pub")) {
            sub.subscribe("health/t", 1);
            pub.publish("health/t", "ok", 1, false);
            assertThat(sub.awaitMessage().text()).isEqualTo("ok");
        }
    }

    @Test
    @DisplayName("[MQTT-1.5.5][2.1.4] remaining length of 5 bytes as first packet -> closed")
    void fiveByteRemainingLengthFirst() {
        try (RawMqttClient c = broker.rawClient()) {
            c.send(hex("10 FF FF FF FF 7F"));
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
            assertThat(c.discarded()).isEmpty();
        }
    }

    @Test
    @DisplayName("[4.13.1] MQTT 5: remaining length of 5 bytes after CONNECT -> DISCONNECT 0x81, close")
    void fiveByteRemainingLengthV5() {
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v5("rl5-5"))) {
            c.send(hex("30 FF FF FF FF 7F"));
            assertThat(c.expect(Disconnect.class).reasonCode()).isEqualTo(0x81);
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    @Test
    @DisplayName("[4.8] 3.1.1: remaining length of 5 bytes after CONNECT -> close")
    void fiveByteRemainingLength311() {
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v311("rl5-3"))) {
            c.send(hex("30 FF FF FF FF 7F"));
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
            assertThat(c.discarded()).isEmpty();
        }
    }

    @Test
    @DisplayName("[MQTT-3.1.2-24 (5)] MQTT 5: remaining length 200 MB above max-packet-size -> DISCONNECT 0x95, close")
    void hugeRemainingLengthV5() {
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v5("huge-default-5"))) {
            // PUBLISH announcing 200,000,000 bytes (80 84 AF 5F), then only a few
            c.send(hex("30 8084AF5F 0001 61 00"));
            assertThat(c.expect(Disconnect.class).reasonCode()).isEqualTo(0x95);
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    @Test
    @DisplayName("remaining length 200 MB as the first packet -> closed (at most a CONNACK first)")
    void hugeRemainingLengthFirst() {
        try (RawMqttClient c = broker.rawClient()) {
            c.send(hex("10 8084AF5F 0004 4D515454 05"));
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
            for (byte[] f : c.discarded()) {
                assertThat(f[0]).as("only a CONNACK may be sent").isEqualTo((byte) 0x20);
            }
        }
    }

    @Test
    @DisplayName("garbage bytes -> closed, and the broker keeps serving")
    void garbage() {
        byte[] junk = new byte[129];
        new Random(42).nextBytes(junk);
        junk[0] = (byte) 0x10; // a whole CONNECT frame of 127 random bytes
        junk[1] = (byte) 0x7F;
        try (RawMqttClient c = broker.rawClient()) {
            c.trySend(junk);
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
        }
        byte[] junk2 = new byte[256];
        new Random(7).nextBytes(junk2);
        junk2[0] = (byte) 0x00; // reserved packet type 0
        try (RawMqttClient c = broker.rawClient()) {
            c.trySend(junk2);
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    @Test
    @DisplayName("[MQTT-3.3.1-4] MQTT 5: PUBLISH with QoS 3 -> DISCONNECT 0x81, close")
    void qos3() {
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v5("qos3"))) {
            // 36 = PUBLISH, QoS bits 11 | remaining 07 | topic 00 01 'a' | packet id 0001 | props 00 | payload 'x'
            c.send(hex("36 07 0001 61 0001 00 78"));
            assertThat(c.expect(Disconnect.class).reasonCode()).isEqualTo(0x81);
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    @Test
    @DisplayName("[MQTT-1.5.4-1] MQTT 5: topic with invalid UTF-8 -> DISCONNECT 0x81, close")
    void invalidUtf8Topic() {
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v5("badutf8"))) {
            // PUBLISH QoS 0 | remaining 06 | topic 00 02 C3 28 (invalid sequence) | props 00 | payload 'x'
            c.send(hex("30 06 0002 C328 00 78"));
            assertThat(c.expect(Disconnect.class).reasonCode()).isEqualTo(0x81);
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    @Test
    @DisplayName("[MQTT-3.6.1-1] 3.1.1: PUBREL with wrong fixed header flags -> close")
    void badPubrelFlags311() {
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v311("badflags"))) {
            c.send(hex("60 02 0001")); // PUBREL must have flags 0010
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    @Test
    @DisplayName("a frame cut off mid-packet and silence -> closed by keep alive, others unaffected")
    void halfPacketThenSilence() {
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v311("halfpacket").keepAlive(1))) {
            c.send(hex("30 20 0003 61")); // announces 32 bytes, sends 3
            assertThat(c.awaitClosed(Duration.ofSeconds(4))).isTrue();
        }
    }

    @Test
    @DisplayName("idle half-open sockets (connected, nothing sent) do not stop other clients")
    void idleSocketsDoNotBlock() throws Exception {
        List<RawMqttClient> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                idle.add(broker.rawClient());
            }
            try (TestClient sub = ClientKind.PAHO_V5.connected(broker.port(), "idle-sub");
                 TestClient pub = ClientKind.PAHO_V5.connected(broker.port(), "idle-pub")) {
                sub.subscribe("idle/t", 1);
                pub.publish("idle/t", "through", 1, false);
                assertThat(sub.awaitMessage().text()).isEqualTo("through");
            }
        } finally {
            idle.forEach(RawMqttClient::close);
        }
    }

    @Test
    @DisplayName("a subscriber that never reads does not stop the publisher or other clients (bounded flood)")
    void clientThatNeverReads() throws Exception {
        ExecutorService exec = Executors.newSingleThreadExecutor();
        try (RawMqttClient deaf = Raw.connected(broker.port(), ConnectBuilder.v311("deaf"));
             TestClient flooder = ClientKind.PAHO_V3.connected(broker.port(), "flooder");
             TestClient sub = ClientKind.HIVEMQ_V3.connected(broker.port(), "probe-sub");
             TestClient pub = ClientKind.PAHO_V3.connected(broker.port(), "probe-pub")) {
            deaf.subscribe("flood/#", 1);
            sub.subscribe("probe/t", 1);
            byte[] big = new byte[32 * 1024];
            Future<?> flood = exec.submit(() -> {
                for (int i = 0; i < 400; i++) { // 12.8 MB, far more than the socket buffers hold
                    flooder.publish("flood/t", big, i % 2, false);
                }
                return null;
            });
            for (int i = 0; i < 20; i++) {
                pub.publish("probe/t", "p" + i, 1, false);
                Msg m = sub.awaitMessage();
                assertThat(m.text()).isEqualTo("p" + i);
            }
            flood.get(60, TimeUnit.SECONDS); // the publisher was not stalled by the deaf subscriber
        } finally {
            exec.shutdownNow();
        }
    }
}
