package dev.tern.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.cli.TernCommand;
import dev.tern.codec.packet.Connack;
import dev.tern.codec.packet.MqttPacket;
import dev.tern.codec.packet.PubAck;
import dev.tern.codec.packet.PubComp;
import dev.tern.codec.packet.PubRec;
import dev.tern.codec.packet.PubRel;
import dev.tern.codec.packet.Publish;
import dev.tern.codec.packet.PublishProperties;
import dev.tern.testkit.RawMqttClient;
import dev.tern.tests.support.ConnectBuilder;
import dev.tern.tests.support.Raw;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing acknowledged is lost when the broker process is killed (kill -9) at random moments, with
 * {@code storage.sync: always}: {@code tern broker} runs as a separate process on one data folder; a QoS 1 and a
 * QoS 2 publisher (persistent sessions, resending unacknowledged packets after each reconnect as a client must)
 * publish numbered messages; one persistent subscriber stays connected (reconnecting after each crash), another is
 * offline the whole time and collects its queue at the end. Then: every message whose PUBACK / PUBCOMP its publisher
 * received reached each subscriber, in order per publisher; QoS 1 at least once, QoS 2 exactly once. Two more
 * publishers write to topics only one subscriber gets (QoS 1 to the offline one, QoS 2 to the online one), whose
 * messages the store keeps in that session's queue entry rather than on their own.
 *
 * <p>Cycles: {@code -Dtern.crash.cycles=N} (default 5, what CI runs; docs/durability.md records longer runs).
 */
class CrashRecoveryTest {
    private static final int CYCLES = Integer.getInteger("tern.crash.cycles", 5);
    private static final String Q1 = "crash/q1";
    private static final String Q2 = "crash/q2";
    /** Topics only one subscriber gets: their messages are held in that session's queue entry, not stored apart. */
    private static final String HELD_Q1 = "held/offline/q1";
    private static final String HELD_Q2 = "held/online/q2";
    private static final Duration IO = Duration.ofSeconds(2);

    @TempDir
    Path dir;
    private Process broker;
    private final List<String> brokerOutput = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> clients = new ArrayList<>();
    private final Random random = new Random();

    @AfterEach
    void tearDown() throws InterruptedException {
        stop.set(true);
        for (Thread t : clients) {
            t.join(5000);
        }
        if (broker != null && broker.isAlive()) {
            broker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        synchronized (brokerOutput) {
            brokerOutput.stream().filter(l -> l.contains(" ERROR ") || l.contains(" WARN ")).limit(40)
                    .forEach(l -> System.out.println("broker: " + l));
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 20, unit = TimeUnit.MINUTES) // longer runs: -Dtern.crash.cycles
    @DisplayName("kill -9 at random moments: every acknowledged QoS 1/2 message reaches every persistent subscriber, "
            + "in order; QoS 2 exactly once")
    void killNineLosesNothingAcknowledged() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path config = dir.resolve("tern.yaml");
        Files.writeString(config, String.join("\n",
                "listeners:",
                "  - bind: 127.0.0.1:" + port,
                "mqtt:",
                "  max-queued-messages: 0",
                "storage:",
                "  engine: rocksdb",
                "  dir: " + dir.resolve("data"),
                "  sync: always",
                "http:",
                "  enabled: false",
                ""));
        // the test classpath's logback-test.xml logs warnings only; the broker process needs its ready line
        Files.writeString(dir.resolve("logback.xml"), "<configuration><appender name=\"OUT\" "
                + "class=\"ch.qos.logback.core.ConsoleAppender\"><encoder><pattern>%d %-5level %logger{24} - %msg%n"
                + "</pattern></encoder></appender><logger name=\"dev.tern\" level=\"INFO\"/><root level=\"WARN\">"
                + "<appender-ref ref=\"OUT\"/></root></configuration>");
        startBroker(config);

        // both subscribers subscribe once; the offline one then stays away until the end
        for (String id : List.of("crash-online", "crash-offline")) {
            try (RawMqttClient c = Raw.connected(port, persistent(id))) {
                c.subscribe("crash/#", 2);
                c.subscribe(id.equals("crash-online") ? "held/online/#" : "held/offline/#", 2);
            }
        }
        Subscriber online = new Subscriber("crash-online", port);
        Publisher p1 = new Publisher("crash-p1", Q1, 1, port);
        Publisher p2 = new Publisher("crash-p2", Q2, 2, port);
        Publisher h1 = new Publisher("crash-h1", HELD_Q1, 1, port);
        Publisher h2 = new Publisher("crash-h2", HELD_Q2, 2, port);
        for (Runnable r : List.of(online, p1, p2, h1, h2)) {
            Thread t = new Thread(r, "crash-client");
            t.setDaemon(true);
            clients.add(t);
            t.start();
        }
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            Thread.sleep(300 + random.nextInt(1200));
            broker.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no shutdown hook, no flush
            Thread.sleep(random.nextInt(300));
            startBroker(config);
        }
        Thread.sleep(1000);
        stop.set(true);
        for (Thread t : clients) {
            t.join(15_000);
            assertThat(t.isAlive()).as("client thread finished").isFalse();
        }
        assertThat(p1.acked).as("QoS 1 messages acknowledged").isNotEmpty();
        assertThat(p2.acked).as("QoS 2 messages acknowledged").isNotEmpty();
        assertThat(h1.acked).as("QoS 1 messages for the offline subscriber alone acknowledged").isNotEmpty();
        assertThat(h2.acked).as("QoS 2 messages for the online subscriber alone acknowledged").isNotEmpty();

        Subscriber offline = new Subscriber("crash-offline", port);
        offline.drain();
        online.drain();
        assertThat(online.sessionLost).as("the online subscriber's session was always resumed").isFalse();
        assertThat(offline.sessionLost).as("the offline subscriber's session was resumed").isFalse();
        for (Subscriber s : List.of(online, offline)) {
            check(s, Q1, p1.acked, false);
            check(s, Q2, p2.acked, true);
        }
        check(offline, HELD_Q1, h1.acked, false);
        check(online, HELD_Q2, h2.acked, true);
        assertThat(p1.sessionLost || p2.sessionLost || h1.sessionLost || h2.sessionLost)
                .as("publishers' sessions were always resumed").isFalse();
        System.out.printf("crash test: %d kill -9 cycles; acknowledged QoS 1 %d, QoS 2 %d; all delivered to both "
                + "persistent subscribers (online received %d / %d, offline %d / %d)%n", CYCLES, p1.acked.size(),
                p2.acked.size(), online.received.getOrDefault(Q1, List.of()).size(),
                online.received.getOrDefault(Q2, List.of()).size(), offline.received.getOrDefault(Q1, List.of()).size(),
                offline.received.getOrDefault(Q2, List.of()).size());
        System.out.printf("crash test: messages one subscriber alone gets (held in its queue entry): QoS 1 to the "
                + "offline one %d acknowledged, %d received; QoS 2 to the online one %d acknowledged, %d received%n",
                h1.acked.size(), offline.received.getOrDefault(HELD_Q1, List.of()).size(), h2.acked.size(),
                online.received.getOrDefault(HELD_Q2, List.of()).size());
    }

    /** Every acknowledged number arrived; first arrivals in increasing order; no duplicate when exactly once. */
    private void check(Subscriber s, String topic, Set<Long> acked, boolean exactlyOnce) {
        List<Long> got = s.received.getOrDefault(topic, List.of());
        Set<Long> seen = new HashSet<>();
        long last = 0;
        List<Long> duplicates = new ArrayList<>();
        for (long n : got) {
            if (!seen.add(n)) {
                duplicates.add(n);
                continue;
            }
            assertThat(n).as("%s on %s: %d after %d (out of order)", s.id, topic, n, last).isGreaterThan(last);
            last = n;
        }
        java.util.TreeSet<Long> missing = new java.util.TreeSet<>(acked);
        missing.removeAll(seen);
        assertThat(missing.size()).as("%s on %s: acknowledged but never delivered (%d acknowledged, %d received; "
                + "first missing: %s)", s.id, topic, acked.size(), seen.size(),
                missing.stream().limit(20).toList()).isZero();
        if (exactlyOnce) {
            assertThat(duplicates).as("%s on %s: delivered twice at QoS 2", s.id, topic).isEmpty();
        }
    }

    private static ConnectBuilder persistent(String id) {
        return ConnectBuilder.v5(id).cleanStart(false).sessionExpiry(3600).keepAlive(30);
    }

    private void startBroker(Path config) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        broker = new ProcessBuilder(java, "-Xmx256m", "-Dlogback.configurationFile=" + dir.resolve("logback.xml"),
                "-cp", System.getProperty("java.class.path"),
                TernCommand.class.getName(), "broker", "-c", config.toString())
                .redirectErrorStream(true).start();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Process p = broker;
        int from = brokerOutput.size();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    brokerOutput.add(line);
                    if (line.contains(" ready: listeners")) {
                        ready.complete(null);
                    }
                }
            } catch (IOException e) {
                // the process was killed
            }
            ready.completeExceptionally(new AssertionError("broker exited before ready: "
                    + brokerOutput.subList(Math.min(from, brokerOutput.size()), brokerOutput.size())));
        }, "crash-broker-output");
        reader.setDaemon(true);
        reader.start();
        ready.get(30, TimeUnit.SECONDS);
    }

    /** A client that reconnects whenever the broker goes away, resuming its persistent session. */
    private abstract class Client implements Runnable {
        final String id;
        final int port;
        volatile boolean sessionLost;
        private boolean connectedOnce;

        Client(String id, int port) {
            this.id = id;
            this.port = port;
        }

        @Override
        public void run() {
            while (!stop.get()) {
                try (RawMqttClient c = RawMqttClient.connect(port)) {
                    Connack ack = c.handshake(persistent(id).build());
                    if (ack.reasonCode() != 0) {
                        pause(50);
                        continue;
                    }
                    if (connectedOnce && !ack.sessionPresent()) {
                        sessionLost = true;
                    }
                    connectedOnce = true;
                    session(c);
                } catch (RuntimeException e) {
                    // the broker was killed: connect again
                    pause(50);
                }
            }
        }

        /** Runs on a connected client until the connection breaks or the test stops. */
        abstract void session(RawMqttClient c);
    }

    /** Publishes 1, 2, 3, ... with a window of 8; resends what is unacknowledged after a reconnect. */
    private final class Publisher extends Client {
        final String topic;
        final int qos;
        final Set<Long> acked = ConcurrentHashMap.newKeySet();
        /** packet id → message number, in send order; for QoS 2 also whether PUBREC came (PUBREL sent). */
        private final LinkedHashMap<Integer, Long> inflight = new LinkedHashMap<>();
        private final Set<Integer> released = new HashSet<>();
        private long next = 1;
        private int nextPacketId = 1;

        Publisher(String id, String topic, int qos, int port) {
            super(id, port);
            this.topic = topic;
            this.qos = qos;
        }

        @Override
        void session(RawMqttClient c) {
            for (Map.Entry<Integer, Long> e : inflight.entrySet()) {
                if (released.contains(e.getKey())) {
                    c.send(PubRel.of(e.getKey()));
                } else {
                    c.send(publish(e.getKey(), e.getValue(), true));
                }
            }
            while (!stop.get()) {
                while (inflight.size() < 8 && !stop.get()) {
                    int pid = nextPacketId;
                    nextPacketId = pid == 65535 ? 1 : pid + 1;
                    inflight.put(pid, next);
                    c.send(publish(pid, next++, false));
                }
                MqttPacket p = c.receive(IO);
                if (p instanceof PubAck a && inflight.containsKey(a.packetId())) {
                    acked.add(inflight.remove(a.packetId()));
                } else if (p instanceof PubRec r && inflight.containsKey(r.packetId())) {
                    released.add(r.packetId());
                    c.send(PubRel.of(r.packetId()));
                } else if (p instanceof PubComp comp && inflight.containsKey(comp.packetId())) {
                    released.remove(comp.packetId());
                    acked.add(inflight.remove(comp.packetId()));
                }
            }
        }

        private Publish publish(int pid, long n, boolean dup) {
            return new Publish(dup, qos, false, topic, pid, PublishProperties.EMPTY, Raw.utf8(Long.toString(n)));
        }
    }

    /** Records what arrives per topic; a QoS 2 message counts once per packet id until its PUBREL. */
    private final class Subscriber extends Client {
        final Map<String, List<Long>> received = new ConcurrentHashMap<>();
        private final Set<Integer> awaitingRelease = new HashSet<>();

        Subscriber(String id, int port) {
            super(id, port);
        }

        @Override
        void session(RawMqttClient c) {
            while (!stop.get()) {
                MqttPacket p = c.receive(IO);
                if (p != null) {
                    handle(c, p);
                }
            }
        }

        private void handle(RawMqttClient c, MqttPacket p) {
            if (p instanceof Publish pub) {
                if (pub.qos() == 2) {
                    if (awaitingRelease.add(pub.packetId())) {
                        record(pub);
                    }
                    c.send(PubRec.of(pub.packetId()));
                } else {
                    record(pub);
                    if (pub.qos() == 1) {
                        c.send(PubAck.of(pub.packetId()));
                    }
                }
            } else if (p instanceof PubRel rel) {
                awaitingRelease.remove(rel.packetId());
                c.send(PubComp.of(rel.packetId()));
            }
        }

        private void record(Publish pub) {
            received.computeIfAbsent(pub.topic(), t -> java.util.Collections.synchronizedList(new ArrayList<>()))
                    .add(Long.parseLong(Raw.text(pub.payload())));
        }

        /** Connects (resuming the session) and takes everything until the broker has been quiet for a while. */
        void drain() {
            try (RawMqttClient c = RawMqttClient.connect(port)) {
                Connack ack = c.handshake(persistent(id).build());
                assertThat(ack.reasonCode()).isZero();
                if (!ack.sessionPresent()) {
                    sessionLost = true;
                }
                for (MqttPacket p; (p = c.receive(Duration.ofSeconds(3))) != null; ) {
                    handle(c, p);
                }
            }
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
