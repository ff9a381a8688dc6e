package dev.tern.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.codec.ReasonCode;
import dev.tern.codec.packet.Connack;
import dev.tern.codec.packet.Disconnect;
import dev.tern.codec.packet.PubAck;
import dev.tern.codec.packet.PubComp;
import dev.tern.codec.packet.PubRec;
import dev.tern.codec.packet.PubRel;
import dev.tern.codec.packet.Publish;
import dev.tern.codec.packet.PublishProperties;
import dev.tern.server.Tern;
import dev.tern.testkit.RawMqttClient;
import dev.tern.tests.support.ConnectBuilder;
import dev.tern.tests.support.Raw;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durable storage (RocksDB, {@code sync: always}): what a broker acknowledged survives a restart of the broker on
 * the same data folder. Each test stops the broker cleanly and starts a new one; the kill -9 case is
 * {@link CrashRecoveryTest}.
 */
class DurableStorageTest {
    @TempDir
    Path data;
    private Tern tern;

    private int start() {
        tern = Tern.builder().port(0).dataDir(data).build();
        return tern.start();
    }

    private int restart() {
        tern.close();
        return start();
    }

    @AfterEach
    void stop() {
        if (tern != null) {
            tern.close();
        }
    }

    private static RawMqttClient persistentSubscriber(int port, String id, String filter, int qos) {
        RawMqttClient c = Raw.connected(port, ConnectBuilder.v5(id).cleanStart(false).sessionExpiry(3600));
        c.subscribe(filter, qos);
        return c;
    }

    private static void publishAcked(int port, String topic, int qos, int count) {
        try (RawMqttClient p = Raw.connected(port, ConnectBuilder.v5("pub-" + topic.hashCode()))) {
            for (int i = 0; i < count; i++) {
                int id = p.nextPacketId();
                p.send(Raw.publish(topic, qos, id, topic.substring(topic.lastIndexOf('/') + 1) + "/m" + i));
                if (qos == 1) {
                    assertThat(p.expect(PubAck.class).packetId()).isEqualTo(id);
                } else {
                    assertThat(p.expect(PubRec.class).packetId()).isEqualTo(id);
                    p.send(PubRel.of(id));
                    assertThat(p.expect(PubComp.class).packetId()).isEqualTo(id);
                }
            }
            p.send(Disconnect.NORMAL);
        }
    }

    /** Receives {@code count} messages, acknowledging each as a client does (PUBRELs may come between them). */
    private static List<String> receive(RawMqttClient c, int count) {
        List<String> got = new ArrayList<>();
        int releasesOwed = 0;
        while (got.size() < count || releasesOwed > 0) {
            var packet = c.receive(Raw.TIMEOUT);
            if (packet instanceof Publish p) {
                got.add(Raw.text(p.payload()));
                if (p.qos() == 1) {
                    c.send(PubAck.of(p.packetId()));
                } else if (p.qos() == 2) {
                    c.send(PubRec.of(p.packetId()));
                    releasesOwed++;
                }
            } else if (packet instanceof PubRel r) {
                c.send(PubComp.of(r.packetId()));
                releasesOwed--;
            } else {
                throw new AssertionError("unexpected " + packet + " after " + got);
            }
        }
        return got;
    }

    @Test
    @DisplayName("QoS 1 and 2 messages queued for an offline session survive a restart, in order, and the "
            + "subscription routes at once")
    void queuedMessagesSurviveRestart() {
        int port = start();
        try (RawMqttClient sub = persistentSubscriber(port, "ds-q", "ds/q/#", 2)) {
            sub.send(Disconnect.NORMAL);
        }
        publishAcked(port, "ds/q/1", 1, 5);
        publishAcked(port, "ds/q/2", 2, 5);
        port = restart();
        publishAcked(port, "ds/q/1", 1, 2); // routed by the restored subscription, nobody connected
        try (RawMqttClient sub = Raw.connected(port, ConnectBuilder.v5("ds-q").cleanStart(false)
                .sessionExpiry(3600))) {
            // [MQTT-4.6.0-6] in order per topic and QoS (a QoS 2 PUBLISH waits for its state to be durable, so
            // QoS 1 and 2 interleave freely)
            List<String> got = receive(sub, 12);
            assertThat(got.stream().filter(m -> m.startsWith("1/")))
                    .containsExactly("1/m0", "1/m1", "1/m2", "1/m3", "1/m4", "1/m0", "1/m1");
            assertThat(got.stream().filter(m -> m.startsWith("2/")))
                    .containsExactly("2/m0", "2/m1", "2/m2", "2/m3", "2/m4");
            sub.expectNothing(Raw.SHORT);
        }
    }

    @Test
    @DisplayName("[MQTT-4.4.0-1] an unacknowledged QoS 1 PUBLISH is resent after a restart with DUP and its packet id")
    void inflightResentWithDup() {
        int port = start();
        int packetId;
        try (RawMqttClient sub = persistentSubscriber(port, "ds-dup", "ds/dup", 1)) {
            publishAcked(port, "ds/dup", 1, 1);
            Publish first = sub.expect(Publish.class);
            assertThat(first.dup()).isFalse();
            packetId = first.packetId();
            // no PUBACK: the broker goes down with the message inflight
        }
        port = restart();
        try (RawMqttClient sub = Raw.connected(port, ConnectBuilder.v5("ds-dup").cleanStart(false)
                .sessionExpiry(3600))) {
            Publish again = sub.expect(Publish.class);
            assertThat(again.dup()).isTrue();
            assertThat(again.packetId()).isEqualTo(packetId);
            assertThat(Raw.text(again.payload())).isEqualTo("dup/m0");
            sub.send(PubAck.of(packetId));
            sub.expectNothing(Raw.SHORT);
        }
        port = restart();
        try (RawMqttClient sub = Raw.connected(port, ConnectBuilder.v5("ds-dup").cleanStart(false)
                .sessionExpiry(3600))) {
            sub.expectNothing(Raw.SHORT); // acknowledged once: gone for good
        }
    }

    @Test
    @DisplayName("[MQTT-4.3.3] QoS 2 out: after PUBREC the broker resends PUBREL after a restart, never the PUBLISH")
    void releasedQos2ResendsPubRel() {
        int port = start();
        int packetId;
        try (RawMqttClient sub = persistentSubscriber(port, "ds-rel", "ds/rel", 2)) {
            publishAcked(port, "ds/rel", 2, 1);
            Publish p = sub.expect(Publish.class);
            packetId = p.packetId();
            sub.send(PubRec.of(packetId));
            assertThat(sub.expect(PubRel.class).packetId()).isEqualTo(packetId);
            // no PUBCOMP
        }
        port = restart();
        try (RawMqttClient sub = Raw.connected(port, ConnectBuilder.v5("ds-rel").cleanStart(false)
                .sessionExpiry(3600))) {
            PubRel rel = sub.expect(PubRel.class);
            assertThat(rel.packetId()).isEqualTo(packetId);
            sub.send(PubComp.of(packetId));
            sub.expectNothing(Raw.SHORT);
        }
    }

    @Test
    @DisplayName("[MQTT-4.3.3-10] QoS 2 in: a PUBREL after a restart completes the exchange; delivered exactly once")
    void inboundQos2SurvivesRestart() {
        int port = start();
        try (RawMqttClient sub = persistentSubscriber(port, "ds-in-sub", "ds/in", 2)) {
            sub.send(Disconnect.NORMAL);
        }
        try (RawMqttClient pub = Raw.connected(port, ConnectBuilder.v5("ds-in-pub").cleanStart(false)
                .sessionExpiry(3600))) {
            pub.send(Raw.publish("ds/in", 2, 7, "once"));
            assertThat(pub.expect(PubRec.class).packetId()).isEqualTo(7);
        }
        port = restart();
        try (RawMqttClient pub = Raw.connected(port, ConnectBuilder.v5("ds-in-pub").cleanStart(false)
                .sessionExpiry(3600))) {
            // the publisher did not see PUBCOMP: it may resend the PUBLISH with DUP, then PUBREL
            pub.send(new Publish(true, 2, false, "ds/in", 7, PublishProperties.EMPTY, Raw.utf8("once")));
            assertThat(pub.expect(PubRec.class).packetId()).isEqualTo(7);
            pub.send(PubRel.of(7));
            PubComp comp = pub.expect(PubComp.class);
            assertThat(comp.reasonCode()).isEqualTo(ReasonCode.SUCCESS);
        }
        try (RawMqttClient sub = Raw.connected(port, ConnectBuilder.v5("ds-in-sub").cleanStart(false)
                .sessionExpiry(3600))) {
            assertThat(receive(sub, 1)).containsExactly("once");
            sub.expectNothing(Raw.SHORT);
        }
    }

    @Test
    @DisplayName("retained messages and their deletion survive a restart")
    void retainedSurvivesRestart() {
        int port = start();
        try (RawMqttClient p = Raw.connected(port, ConnectBuilder.v5("ds-ret"))) {
            p.send(Raw.publish("ds/ret/a", 1, true, p.nextPacketId(), "A", PublishProperties.EMPTY));
            p.expect(PubAck.class);
            p.send(Raw.publish("ds/ret/b", 0, true, 0, "B", PublishProperties.EMPTY));
            p.send(Raw.publish("ds/ret/c", 1, true, p.nextPacketId(), "C", PublishProperties.EMPTY));
            p.expect(PubAck.class);
            p.send(Raw.publish("ds/ret/c", 1, true, p.nextPacketId(), "", PublishProperties.EMPTY));
            p.expect(PubAck.class);
            p.send(Disconnect.NORMAL);
        }
        port = restart();
        try (RawMqttClient s = Raw.connected(port, ConnectBuilder.v5("ds-ret-sub"))) {
            s.subscribe("ds/ret/#", 1);
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Publish p = s.expect(Publish.class);
                assertThat(p.retain()).isTrue();
                got.add(p.topic() + "=" + Raw.text(p.payload()));
                if (p.qos() == 1) {
                    s.send(PubAck.of(p.packetId()));
                }
            }
            assertThat(got).containsExactlyInAnyOrder("ds/ret/a=A", "ds/ret/b=B");
            s.expectNothing(Raw.SHORT);
        }
    }

    @Test
    @DisplayName("[MQTT-3.1.2-23] the time the broker was down counts against the session expiry")
    void downtimeCountsAgainstExpiry() throws InterruptedException {
        int port = start();
        try (RawMqttClient c = Raw.connected(port, ConnectBuilder.v5("ds-exp").cleanStart(false).sessionExpiry(1))) {
            c.subscribe("ds/exp", 1);
            c.send(Disconnect.NORMAL);
        }
        try (RawMqttClient c = Raw.connected(port, ConnectBuilder.v5("ds-keep").cleanStart(false)
                .sessionExpiry(3600))) {
            c.send(Disconnect.NORMAL);
        }
        tern.close();
        Raw.elapse(Duration.ofMillis(1500));
        port = start();
        try (RawMqttClient c = RawMqttClient.connect(port)) {
            Connack ack = c.handshake(ConnectBuilder.v5("ds-exp").cleanStart(false).sessionExpiry(60).build());
            assertThat(ack.sessionPresent()).as("expired while the broker was down").isFalse();
        }
        try (RawMqttClient c = RawMqttClient.connect(port)) {
            Connack ack = c.handshake(ConnectBuilder.v5("ds-keep").cleanStart(false).sessionExpiry(3600).build());
            assertThat(ack.sessionPresent()).isTrue();
        }
    }

    @Test
    @DisplayName("[MQTT-3.1.3-9] a delayed will pending when the broker stops is published after the restart")
    void delayedWillSurvivesRestart() {
        int port = start();
        RawMqttClient dying = Raw.connected(port, ConnectBuilder.v5("ds-will").cleanStart(false).sessionExpiry(3600)
                .will("ds/will", "gone", 1, false, 1, PublishProperties.EMPTY));
        dying.close(); // no DISCONNECT: the will is pending for 1 s
        dev.tern.tests.support.Brokers.awaitOffline(new BrokerHandle(), "ds-will");
        port = restart();
        try (RawMqttClient s = Raw.connected(port, ConnectBuilder.v5("ds-will-sub"))) {
            s.subscribe("ds/will", 1);
            Publish will = s.expect(Publish.class, Duration.ofSeconds(5));
            assertThat(Raw.text(will.payload())).isEqualTo("gone");
        }
    }

    @Test
    @DisplayName("the wills of clients connected when the broker stopped are published after it starts, once; "
            + "wills already published or dropped are not")
    void willsOfConnectedClientsArePublishedAfterRestart() {
        int port = start();
        try (RawMqttClient sub = persistentSubscriber(port, "ds-armed-sub", "ds/armed/#", 1)) {
            sub.send(Disconnect.NORMAL);
        }
        // connected through the stop: a clean v5 session (expiry 0) and a persistent 3.1.1 one
        RawMqttClient clean = Raw.connected(port, ConnectBuilder.v5("ds-armed-clean")
                .will("ds/armed/clean", "clean gone", 1, false));
        RawMqttClient persistent = Raw.connected(port, ConnectBuilder.v311("ds-armed-v3").cleanStart(false)
                .will("ds/armed/v3", "v3 gone", 1, false));
        // said goodbye: no will
        try (RawMqttClient polite = Raw.connected(port, ConnectBuilder.v5("ds-armed-polite")
                .will("ds/armed/polite", "polite gone", 1, false))) {
            polite.send(Disconnect.NORMAL);
        }
        // lost before the stop: its will goes out now, and not a second time after the restart
        RawMqttClient lost = Raw.connected(port, ConnectBuilder.v5("ds-armed-lost")
                .will("ds/armed/lost", "lost gone", 1, false));
        lost.close();
        dev.tern.tests.support.Brokers.awaitOffline(new BrokerHandle(), "ds-armed-lost");

        port = restart();
        clean.close();
        persistent.close();
        try (RawMqttClient sub = Raw.connected(port, ConnectBuilder.v5("ds-armed-sub").cleanStart(false)
                .sessionExpiry(3600))) {
            List<String> got = receive(sub, 3);
            assertThat(got).containsExactlyInAnyOrder("lost gone", "clean gone", "v3 gone");
            sub.expectNothing(Raw.SHORT);
        }
        port = restart();
        try (RawMqttClient sub = Raw.connected(port, ConnectBuilder.v5("ds-armed-sub").cleanStart(false)
                .sessionExpiry(3600))) {
            sub.expectNothing(Raw.SHORT);
        }
    }

    @Test
    @DisplayName("an armed will waits for its delay after the restart, and a client that returns in time cancels it; "
            + "its expiry interval starts when it is published")
    void armedWillHonoursItsDelayAfterRestart() {
        int port = start();
        PublishProperties expiring = new PublishProperties(null, 60L, null, null, null, null, List.of(), List.of());
        RawMqttClient returning = Raw.connected(port, ConnectBuilder.v5("ds-delay-back").cleanStart(false)
                .sessionExpiry(3600).will("ds/delay/back", "back gone", 1, false, 3, PublishProperties.EMPTY));
        RawMqttClient away = Raw.connected(port, ConnectBuilder.v5("ds-delay-away").cleanStart(false)
                .sessionExpiry(3600).will("ds/delay/away", "away gone", 1, false, 1, expiring));
        port = restart();
        returning.close();
        away.close();
        long started = System.nanoTime();
        try (RawMqttClient sub = Raw.connected(port, ConnectBuilder.v5("ds-delay-sub"));
             RawMqttClient back = Raw.connected(port, ConnectBuilder.v5("ds-delay-back").cleanStart(false)
                     .sessionExpiry(3600))) {
            sub.subscribe("ds/delay/#", 1);
            Publish will = sub.expect(Publish.class, Duration.ofSeconds(5));
            assertThat(Raw.text(will.payload())).isEqualTo("away gone");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("not before its delay")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(900));
            assertThat(will.properties().messageExpiryInterval()).as("expiry counted from publication")
                    .isBetween(55L, 60L);
            sub.send(PubAck.of(will.packetId()));
            sub.expectNothing(Duration.ofSeconds(3)); // ds-delay-back came back within its 3 s
            back.send(Disconnect.NORMAL);
        }
    }

    @Test
    @DisplayName("a clean start deletes the stored session: nothing of it comes back after a restart")
    void cleanStartDeletesStoredSession() {
        int port = start();
        try (RawMqttClient sub = persistentSubscriber(port, "ds-clean", "ds/clean", 1)) {
            sub.send(Disconnect.NORMAL);
        }
        publishAcked(port, "ds/clean", 1, 3);
        try (RawMqttClient c = Raw.connected(port, ConnectBuilder.v5("ds-clean").cleanStart(true))) {
            c.expectNothing(Raw.SHORT);
            c.send(Disconnect.NORMAL);
        }
        port = restart();
        try (RawMqttClient c = RawMqttClient.connect(port)) {
            Connack ack = c.handshake(ConnectBuilder.v5("ds-clean").cleanStart(false).sessionExpiry(60).build());
            assertThat(ack.sessionPresent()).isFalse();
            c.expectNothing(Raw.SHORT);
        }
    }

    @Test
    @DisplayName("1,000 persistent sessions with 100 queued messages each survive a clean restart intact, in order")
    void thousandSessionsWithHundredQueuedEach() throws Exception {
        int sessions = 1000;
        int messages = 100;
        int port = start();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                String id = "rs-" + i;
                int p = port;
                done.add(pool.submit(() -> {
                    try (RawMqttClient c = persistentSubscriber(p, id, "rs/all", 1)) {
                        c.send(Disconnect.NORMAL);
                    }
                }));
            }
            for (var f : done) {
                f.get();
            }
            publishAcked(port, "rs/all", 1, messages);
            long t0 = System.nanoTime();
            port = restart();
            long restartMillis = (System.nanoTime() - t0) / 1_000_000;
            done.clear();
            List<String> expected = new ArrayList<>();
            for (int m = 0; m < messages; m++) {
                expected.add("all/m" + m);
            }
            for (int i = 0; i < sessions; i++) {
                String id = "rs-" + i;
                int p = port;
                done.add(pool.submit(() -> {
                    try (RawMqttClient c = RawMqttClient.connect(p)) {
                        Connack ack = c.handshake(ConnectBuilder.v5(id).cleanStart(false).sessionExpiry(3600).build());
                        assertThat(ack.sessionPresent()).as(id).isTrue();
                        assertThat(receive(c, messages)).as(id).isEqualTo(expected);
                        c.expectNothing(Duration.ofMillis(50));
                    }
                    return null;
                }));
            }
            for (var f : done) {
                f.get();
            }
            System.out.printf("restart with %d sessions x %d queued messages: %d ms%n", sessions, messages,
                    restartMillis);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("[MQTT-3.3.2-5] expired queued messages are purged from the store at start, not kept until "
            + "the client returns")
    void expiredQueuedMessagesArePurgedAtStart() throws Exception {
        int port = start();
        try (RawMqttClient sub = persistentSubscriber(port, "ds-purge", "ds/purge", 1)) {
            sub.send(Disconnect.NORMAL);
        }
        try (RawMqttClient p = Raw.connected(port, ConnectBuilder.v5("ds-purge-pub"))) {
            p.send(Raw.publish("ds/purge", 1, false, p.nextPacketId(), "short-lived",
                    PublishProperties.EMPTY.withMessageExpiryInterval(1L)));
            p.expect(PubAck.class);
            p.send(Raw.publish("ds/purge", 1, false, p.nextPacketId(), "lasting", PublishProperties.EMPTY));
            p.expect(PubAck.class);
        }
        tern.close();
        Raw.elapse(Duration.ofMillis(1300));
        start();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
                tern.inspector().session("ds-purge").get().orElseThrow().queued() == 1);
        try (RawMqttClient sub = Raw.connected(tern.port(), ConnectBuilder.v5("ds-purge").cleanStart(false)
                .sessionExpiry(3600))) {
            assertThat(receive(sub, 1)).containsExactly("lasting");
            sub.expectNothing(Raw.SHORT);
        }
    }

    /** Lets {@code Brokers.awaitOffline} look at this test's broker. */
    private final class BrokerHandle extends dev.tern.testkit.TernExtension {
        @Override
        public Tern tern() {
            return tern;
        }
    }
}
