package dev.tern.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tern.codec.packet.Connack;
import dev.tern.codec.packet.Disconnect;
import dev.tern.codec.packet.PingReq;
import dev.tern.codec.packet.PingResp;
import dev.tern.codec.packet.Publish;
import dev.tern.server.Tern;
import dev.tern.server.config.ConfigLoader;
import dev.tern.testkit.RawMqttClient;
import dev.tern.tests.support.Brokers;
import dev.tern.tests.support.ConnectBuilder;
import dev.tern.tests.support.Raw;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload re-reads the configuration file on a live broker: limits change for what comes next while connected
 * clients stay connected; settings that need a restart are named and kept; a file with an error is refused whole.
 */
class ConfigReloadTest {
    private static final String TOKEN = "reload-test-token-0123456789";

    @TempDir
    Path dir;
    private Path file;
    private Tern tern;
    private int port;

    /** The configuration file: one MQTT listener, the HTTP listener, in memory, and {@code more}. */
    private void write(String more) throws IOException {
        Files.writeString(file, """
                listeners:
                  - bind: 127.0.0.1:0
                storage:
                  engine: memory
                http:
                  bind: 127.0.0.1:0
                  token: %s
                """.formatted(TOKEN) + more);
    }

    @BeforeEach
    void start() throws IOException {
        file = dir.resolve("tern.yaml");
        write("");
        tern = Tern.builder().config(ConfigLoader.load(file)).reloadFrom(() -> ConfigLoader.load(file)).build();
        port = tern.start();
    }

    @AfterEach
    void stop() {
        tern.close();
    }

    private JsonObject reloadOverHttp() {
        HttpResponse<String> r = ObservabilityHttp.bearer(tern.httpAddress(), TOKEN).post("/api/v1/reload", "{}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    private CtlRun reloadWithCtl() {
        return CtlRun.of("ctl", "--url", "http://127.0.0.1:" + tern.httpAddress().getPort(), "--token", TOKEN,
                "reload");
    }

    private static List<String> strings(JsonObject o, String key) {
        List<String> out = new ArrayList<>();
        JsonArray a = o.getAsJsonArray(key);
        a.forEach(e -> out.add(e.getAsString()));
        return out;
    }

    /** A client that is still connected answers a PINGREQ. */
    private static void assertConnected(RawMqttClient c) {
        c.send(PingReq.INSTANCE);
        assertThat(c.expect(PingResp.class)).isNotNull();
    }

    /** A connection the broker closes before any CONNACK (a connection limit). */
    private void assertRefused(String clientId) {
        try (RawMqttClient c = RawMqttClient.connect(port)) {
            c.trySend(RawMqttClient.encode(ConnectBuilder.v5(clientId).build(), dev.tern.codec.MqttVersion.V5));
            assertThat(c.awaitClosed(Raw.TIMEOUT)).as("closed by the broker").isTrue();
            assertThat(c.discarded()).as("no CONNACK").isEmpty();
        }
    }

    @Test
    @DisplayName("limits.max-connections and listeners[].max-connections: new connections refused, connected ones stay")
    void connectionLimits() throws Exception {
        try (RawMqttClient a = Raw.connected(port, ConnectBuilder.v5("rl-a"));
             RawMqttClient b = Raw.connected(port, ConnectBuilder.v5("rl-b"))) {
            write("limits:\n  max-connections: 2\n");
            JsonObject r = reloadOverHttp();
            assertThat(r.get("reloaded").getAsBoolean()).isTrue();
            assertThat(strings(r, "applied")).containsExactly("limits.max-connections: 0 -> 2");
            assertThat(strings(r, "needsRestart")).isEmpty();
            assertRefused("rl-c");
            assertConnected(a);
            assertConnected(b);

            write("limits:\n  max-connections: 3\n");
            CtlRun ctl = reloadWithCtl();
            assertThat(ctl.exitCode()).as(ctl.err()).isZero();
            assertThat(ctl.out()).isEqualTo("applied: limits.max-connections: 2 -> 3\nreloaded\n");
            try (RawMqttClient c = Raw.connected(port, ConnectBuilder.v5("rl-c"))) {
                assertConnected(c);
                assertRefused("rl-d");
            }

            // the listener's own limit, through tern.reload() (SIGHUP's path)
            Files.writeString(file, """
                    listeners:
                      - bind: 127.0.0.1:0
                        max-connections: 2
                    storage:
                      engine: memory
                    http:
                      bind: 127.0.0.1:0
                      token: %s
                    """.formatted(TOKEN));
            assertThat(tern.reload()).isEmpty();
            assertThat(tern.configInForce().listeners().get(0).maxConnections()).isEqualTo(2);
            assertThat(tern.configInForce().limits().maxConnections()).isZero();
            assertRefused("rl-e");
            assertConnected(a);
            assertConnected(b);
        }
        Brokers.awaitOffline(tern, "rl-a");
        try (RawMqttClient e = Raw.connected(port, ConnectBuilder.v5("rl-e"))) {
            assertConnected(e);
        }
    }

    @Test
    @DisplayName("mqtt.max-packet-size applies to new connections; queue limits to the next message of every session")
    void packetSizeAndQueueLimits() throws Exception {
        // a persistent session, offline, created under the first settings
        try (RawMqttClient s = Raw.connected(port, ConnectBuilder.v311("rq-sub").cleanStart(false))) {
            s.subscribe("rq/t", 1);
        }
        Brokers.awaitOffline(tern, "rq-sub");
        try (RawMqttClient old = Raw.connected(port, ConnectBuilder.v5("rq-old"));
             RawMqttClient watcher = Raw.connected(port, ConnectBuilder.v5("rq-watch"))) {
            watcher.subscribe("rq/big", 0);
            write("mqtt:\n  max-packet-size: 100\n  max-queued-messages: 2\n");
            assertThat(strings(reloadOverHttp(), "applied")).containsExactly("mqtt.max-packet-size: 2000000 -> 100",
                    "mqtt.max-queued-messages: 1000 -> 2");

            // the connected client keeps the limit its CONNACK announced
            old.send(Publish.of("rq/big", 0, false, 0, new byte[500]));
            assertThat(watcher.expect(Publish.class).payload()).hasSize(500);
            assertConnected(old);

            try (RawMqttClient fresh = RawMqttClient.connect(port)) {
                Connack ack = fresh.handshake(ConnectBuilder.v5("rq-new").build());
                assertThat(ack.maximumPacketSize()).isEqualTo(100L);
                fresh.send(Publish.of("rq/big", 0, false, 0, new byte[500]));
                assertThat(fresh.expect(Disconnect.class).reasonCode()).isEqualTo(0x95);
                assertThat(fresh.awaitClosed(Raw.TIMEOUT)).isTrue();
            }

            for (int i = 0; i < 3; i++) {
                old.send(Raw.publish("rq/t", 1, i + 1, "m" + i));
                old.expect(dev.tern.codec.packet.PubAck.class);
            }
        }
        try (RawMqttClient s = Raw.connected(port, ConnectBuilder.v311("rq-sub").cleanStart(false))) {
            assertThat(Raw.text(s.expect(Publish.class).payload())).isEqualTo("m0");
            assertThat(Raw.text(s.expect(Publish.class).payload())).isEqualTo("m1");
            s.expectNothing(Raw.SHORT);
        }
        assertThat(tern.inspector().stats().drops().get(dev.tern.core.DropReason.QUEUE_FULL)).isEqualTo(1L);
    }

    @Test
    @DisplayName("settings that need a restart are named and kept; a file with an error is refused whole")
    void restartAndErrors() throws Exception {
        Files.writeString(file, """
                listeners:
                  - bind: 127.0.0.1:1
                storage:
                  engine: rocksdb
                  dir: %s
                http:
                  bind: 127.0.0.1:0
                  token: %s
                limits:
                  max-connections: 5
                """.formatted(dir.resolve("data"), TOKEN));
        JsonObject r = reloadOverHttp();
        assertThat(r.get("reloaded").getAsBoolean()).isTrue();
        assertThat(strings(r, "applied")).containsExactly("limits.max-connections: 0 -> 5");
        assertThat(strings(r, "needsRestart")).containsExactly(
                "listeners[0].bind changed: needs a restart, kept 127.0.0.1:0",
                "storage.engine changed: needs a restart, kept memory",
                "storage.dir changed: needs a restart, kept data");
        try (RawMqttClient c = Raw.connected(port, ConnectBuilder.v5("rr-still-there"))) {
            assertConnected(c);
        }
        CtlRun ctl = reloadWithCtl();
        assertThat(ctl.out()).contains("needs a restart: listeners[0].bind changed: needs a restart, kept "
                + "127.0.0.1:0\n");

        try (RawMqttClient a = Raw.connected(port, ConnectBuilder.v5("rr-a"))) {
            Files.writeString(file, """
                    listeners:
                      - bind: 127.0.0.1:0
                    storage:
                      engine: memory
                    http:
                      bind: 127.0.0.1:0
                      token: %s
                    limits:
                      max-connections: 1
                      connect-timeout: soon
                    """.formatted(TOKEN));
            JsonObject refused = reloadOverHttp();
            assertThat(refused.get("reloaded").getAsBoolean()).isFalse();
            assertThat(strings(refused, "errors")).singleElement().asString()
                    .startsWith(file + ":10: limits.connect-timeout: expected a duration");
            assertThat(strings(refused, "applied")).isEmpty();
            assertThat(tern.configInForce().limits().maxConnections()).as("the old limit stays").isEqualTo(5);
            try (RawMqttClient b = Raw.connected(port, ConnectBuilder.v5("rr-b"))) {
                assertConnected(b);
            }
            CtlRun bad = reloadWithCtl();
            assertThat(bad.exitCode()).isEqualTo(1);
            assertThat(bad.err()).startsWith("Error: the broker refused the reload and keeps what is in force:\n  "
                    + file + ":10: limits.connect-timeout: expected a duration");
            assertConnected(a);
        }
    }

    @Test
    @DisplayName("the builder's port() applies to what a reload reads too: not a changed address")
    void builderPortIsNoChange() throws Exception {
        Path other = dir.resolve("fixed-port.yaml");
        Files.writeString(other, "listeners:\n  - bind: 127.0.0.1:1883\nstorage:\n  engine: memory\n"
                + "http:\n  enabled: false\n");
        try (Tern t = Tern.builder().config(ConfigLoader.load(other)).reloadFrom(() -> ConfigLoader.load(other))
                .port(0).build()) {
            t.start();
            dev.tern.observability.ReloadReport report = t.reloadWithReport();
            assertThat(report.needsRestart()).isEmpty();
            assertThat(report.applied()).isEmpty();
            assertThat(report.errors()).isEmpty();
        }
    }
}
