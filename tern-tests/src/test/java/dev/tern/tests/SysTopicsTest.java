package dev.tern.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.packet.Connack;
import dev.tern.codec.packet.MqttPacket;
import dev.tern.codec.packet.Publish;
import dev.tern.codec.packet.SubAck;
import dev.tern.codec.packet.Subscription;
import dev.tern.security.PasswordFile;
import dev.tern.server.Tern;
import dev.tern.server.config.AuthConfig;
import dev.tern.server.config.BrokerConfig;
import dev.tern.testkit.RawMqttClient;
import dev.tern.testkit.TernExtension;
import dev.tern.tests.support.ConnectBuilder;
import dev.tern.tests.support.Raw;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** $SYS topics: Mosquitto's names, values that follow the broker, retained, ACL-governed, off at interval 0. */
class SysTopicsTest {
    private static final Duration TICK = Duration.ofMillis(200);

    @RegisterExtension
    static TernExtension broker = new TernExtension(b -> b.sysInterval(TICK));

    /** Latest value seen per topic on one subscriber, so that waiting for one topic loses none of the others. */
    private static final Map<RawMqttClient, Map<String, String>> LATEST = new java.util.IdentityHashMap<>();

    /** Reads publishes until {@code topic}'s latest value is one that {@code wanted} accepts; returns it. */
    private static String awaitValue(RawMqttClient c, String topic, Predicate<String> wanted) {
        Map<String, String> latest = LATEST.computeIfAbsent(c, k -> new HashMap<>());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            String v = latest.get(topic);
            if (v != null && wanted.test(v)) {
                return v;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no wanted value on " + topic + " within 10 s; last: " + v);
            }
            MqttPacket p = c.receive(Duration.ofSeconds(1));
            if (p instanceof Publish pub) {
                latest.put(pub.topic(), Raw.text(pub.payload()));
            }
        }
    }

    private static Map<String, String> collect(RawMqttClient c, List<String> names) {
        Map<String, String> seen = new HashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline && !seen.keySet().containsAll(names)) {
            MqttPacket p = c.receive(Duration.ofSeconds(2));
            if (p instanceof Publish pub) {
                seen.put(pub.topic(), Raw.text(pub.payload()));
            }
        }
        return seen;
    }

    @Test
    @DisplayName("$SYS/broker/clients/connected follows clients connecting and leaving")
    void connectedClientsChange() {
        String topic = "$SYS/broker/clients/connected";
        try (RawMqttClient watcher = Raw.connected(broker.port(), ConnectBuilder.v311("sys-watcher"))) {
            watcher.subscribe(Subscription.of(topic, 0),
                    Subscription.of("$SYS/broker/clients/disconnected", 0));
            int before = Integer.parseInt(awaitValue(watcher, topic,
                    v -> Integer.parseInt(v) == broker.tern().broker().onlineClientCount()));
            try (RawMqttClient a = Raw.connected(broker.port(), ConnectBuilder.v5("sys-a"));
                 RawMqttClient b = Raw.connected(broker.port(), ConnectBuilder.v311("sys-b"))) {
                awaitValue(watcher, topic, v -> Integer.parseInt(v) == before + 2);
            }
            awaitValue(watcher, topic, v -> Integer.parseInt(v) == before);
            // a persistent session that went offline counts as disconnected, and in the total
            try (RawMqttClient p = Raw.connected(broker.port(),
                    ConnectBuilder.v311("sys-persistent").cleanStart(false))) {
                p.subscribe("sys/p", 1);
            }
            awaitValue(watcher, "$SYS/broker/clients/disconnected", v -> Integer.parseInt(v) >= 1);
        }
    }

    @Test
    @DisplayName("every Mosquitto $SYS topic is published, retained, with Mosquitto's value formats")
    void mosquittoNames() {
        List<String> names = List.of("version", "uptime", "clients/connected", "clients/disconnected",
                "clients/total", "clients/maximum", "messages/received", "messages/sent", "messages/stored",
                "messages/inflight", "publish/messages/received", "publish/messages/sent", "publish/messages/dropped",
                "bytes/received", "bytes/sent",
                "load/messages/received/1min", "load/messages/received/5min", "load/messages/received/15min",
                "load/messages/sent/1min", "load/messages/sent/5min", "load/messages/sent/15min",
                "load/publish/received/1min", "load/publish/sent/1min", "load/publish/dropped/1min",
                "load/bytes/received/1min", "load/bytes/received/5min", "load/bytes/received/15min",
                "load/bytes/sent/1min", "load/bytes/sent/15min",
                "load/connections/1min", "load/connections/5min", "load/connections/15min",
                "retained messages/count", "subscriptions/count", "store/messages/count", "store/messages/bytes",
                "heap/current", "heap/maximum")
                .stream().map(n -> "$SYS/broker/" + n).toList();
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v5("sys-names"))) {
            c.subscribe("$SYS/#", 0);
            Map<String, String> seen = collect(c, names);
            assertThat(seen).containsKeys(names.toArray(String[]::new));
            assertThat(seen.get("$SYS/broker/version")).startsWith("Tern ");
            assertThat(seen.get("$SYS/broker/uptime")).matches("\\d+ seconds");
            assertThat(seen.get("$SYS/broker/load/messages/received/1min")).matches("\\d+\\.\\d\\d");
            // values published only on change: the retained one may predate this subscription
            LATEST.put(c, new HashMap<>(seen));
            awaitValue(c, "$SYS/broker/subscriptions/count", v -> Long.parseLong(v) >= 1);
            awaitValue(c, "$SYS/broker/retained messages/count", v -> Long.parseLong(v) >= names.size());
        }
        // retained: a late subscriber gets the current value at once
        try (RawMqttClient late = Raw.connected(broker.port(), ConnectBuilder.v311("sys-late"))) {
            late.subscribe("$SYS/broker/version", 0);
            Publish p = late.expect(Publish.class);
            assertThat(p.retain()).isTrue();
            assertThat(p.qos()).isZero();
        }
    }

    @Test
    @DisplayName("message and byte counters move with traffic")
    void countersMove() {
        String received = "$SYS/broker/publish/messages/received";
        String bytes = "$SYS/broker/bytes/received";
        try (RawMqttClient watcher = Raw.connected(broker.port(), ConnectBuilder.v311("sys-counters"));
             RawMqttClient pub = Raw.connected(broker.port(), ConnectBuilder.v5("sys-counters-pub"))) {
            watcher.subscribe(Subscription.of(received, 0), Subscription.of(bytes, 0));
            long n = Long.parseLong(awaitValue(watcher, received, v -> true));
            long b = Long.parseLong(awaitValue(watcher, bytes, v -> true));
            for (int i = 0; i < 3; i++) {
                pub.send(Raw.publish("sys/count", 0, 0, "x".repeat(100)));
            }
            awaitValue(watcher, received, v -> Long.parseLong(v) >= n + 3);
            awaitValue(watcher, bytes, v -> Long.parseLong(v) >= b + 300);
        }
    }

    @Test
    @DisplayName("store/messages/bytes follows a retained message set and cleared")
    void storedBytesFollowRetained() {
        String stored = "$SYS/broker/store/messages/bytes";
        try (RawMqttClient watcher = Raw.connected(broker.port(), ConnectBuilder.v311("sys-stored"));
             RawMqttClient pub = Raw.connected(broker.port(), ConnectBuilder.v5("sys-stored-pub"))) {
            watcher.subscribe(stored, 0);
            long before = Long.parseLong(awaitValue(watcher, stored, v -> true));
            pub.send(Raw.publish("sys/stored", 0, true, 0, "y".repeat(5000), dev.tern.codec.packet.PublishProperties.EMPTY));
            awaitValue(watcher, stored, v -> Long.parseLong(v) >= before + 5000);
            pub.send(Raw.publish("sys/stored", 0, true, 0, "", dev.tern.codec.packet.PublishProperties.EMPTY)); // clears it
            awaitValue(watcher, stored, v -> Long.parseLong(v) < before + 5000);
        }
    }

    @Test
    @DisplayName("[MQTT-4.7.2-1] '#' does not match $SYS topics")
    void hashDoesNotMatchSys() throws Exception {
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v311("sys-hash"))) {
            c.subscribe("#", 0);
            Raw.elapse(TICK.multipliedBy(3));
            for (int i = 0; i < 20; i++) {
                MqttPacket p = c.receive(Duration.ofMillis(50));
                if (p instanceof Publish pub) {
                    assertThat(pub.topic()).doesNotStartWith("$");
                }
                if (p == null) {
                    break;
                }
            }
        } catch (RawMqttClient.ConnectionClosedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    @DisplayName("sys-interval 0: nothing is published under $SYS")
    void zeroIntervalIsOff() {
        try (Tern tern = Tern.builder().bind("127.0.0.1").port(0).sysInterval(Duration.ZERO).build()) {
            int port = tern.start();
            try (RawMqttClient c = Raw.connected(port, ConnectBuilder.v311("sys-off"))) {
                c.subscribe("$SYS/#", 0);
                c.expectNothing(Duration.ofMillis(700));
            }
            assertThat(tern.broker().retainedCount()).isZero();
        }
    }

    @Test
    @DisplayName("the ACL decides who reads $SYS: a user with 'topic read $SYS/#' does, another does not")
    void aclApplies(@TempDir Path dir) throws Exception {
        Path passwd = dir.resolve("passwd");
        Path acl = dir.resolve("acl");
        Files.writeString(passwd, "ops:" + PasswordFile.hash("ops-pw".getBytes(StandardCharsets.UTF_8)) + "\n"
                + "app:" + PasswordFile.hash("app-pw".getBytes(StandardCharsets.UTF_8)) + "\n");
        Files.writeString(acl, "user ops\ntopic read $SYS/#\n\nuser app\ntopic readwrite app/#\n");
        BrokerConfig config = BrokerConfig.defaults().withAuth(new AuthConfig(false, passwd, acl))
                .withSysInterval(TICK);
        try (Tern tern = Tern.builder().config(config).bind("127.0.0.1").port(0).build()) {
            int port = tern.start();
            try (RawMqttClient ops = RawMqttClient.connect(port);
                 RawMqttClient app = RawMqttClient.connect(port)) {
                Connack a1 = ops.handshake(ConnectBuilder.of(MqttVersion.V5, "sys-ops").credentials("ops", "ops-pw")
                        .build());
                Connack a2 = app.handshake(ConnectBuilder.of(MqttVersion.V5, "sys-app").credentials("app", "app-pw")
                        .build());
                assertThat(a1.reasonCode()).isZero();
                assertThat(a2.reasonCode()).isZero();
                ops.subscribe("$SYS/broker/clients/connected", 0);
                awaitValue(ops, "$SYS/broker/clients/connected", v -> v.equals("2"));
                SubAck refused = app.subscribe("$SYS/broker/clients/connected", 0);
                assertThat(refused.reasonCodes()).containsExactly(0x87);
                app.expectNothing(TICK.multipliedBy(3));
            }
        }
    }
}
