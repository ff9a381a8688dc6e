package dev.tern.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import dev.tern.core.ClientLimits;
import dev.tern.security.PasswordFile;
import dev.tern.server.Tern;
import dev.tern.server.config.AuthConfig;
import dev.tern.server.config.BrokerConfig;
import dev.tern.server.config.ConfigException;
import dev.tern.server.config.ConfigLoader;
import dev.tern.server.config.LimitsConfig;
import dev.tern.server.config.ListenerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-listener password and ACL files ({@code listeners[].password-file}, {@code acl-file}), with the HiveMQ MQTT
 * client and mosquitto_pub: a listener that names its own file uses only it, one without uses the {@code auth}
 * section's; files are re-read on reload and on change; a missing or broken file stops the start naming the key.
 *
 * <p>Listeners: [0] its own password file (alice), the global ACL; [1] its own password file (alice, bob) and its
 * own ACL (alice may only read {@code shared/#}); [2] the global files (carol; the global ACL lets alice and carol
 * read and write {@code shared/#}).
 */
class ListenerAuthTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    static Tern broker;
    static int ownPasswords;
    static int ownBoth;
    static int global;
    static Path ownBothPasswd;
    static Path ownBothAcl;

    @BeforeAll
    static void start() throws Exception {
        Path globalPasswd = write("global.passwd", user("carol") + user("alice", "global-alice-pw"));
        Path globalAcl = write("global.acl", "user alice\ntopic readwrite shared/#\nuser carol\n"
                + "topic readwrite shared/#\n");
        Path ownPasswd = write("l0.passwd", user("alice"));
        ownBothPasswd = write("l1.passwd", user("alice") + user("bob"));
        ownBothAcl = write("l1.acl", "user alice\ntopic read shared/#\nuser bob\ntopic readwrite shared/#\n");
        BrokerConfig config = BrokerConfig.defaults()
                .withListeners(List.of(
                        ListenerConfig.tcp("127.0.0.1", 0).withAuthFiles(ownPasswd, null),
                        ListenerConfig.tcp("127.0.0.1", 0).withAuthFiles(ownBothPasswd, ownBothAcl),
                        ListenerConfig.tcp("127.0.0.1", 0)))
                .withAuth(new AuthConfig(false, globalPasswd, globalAcl))
                // failed logins are answered at once here; LimitsTest covers the delay
                .withLimits(LimitsConfig.defaults().withClient(new ClientLimits(65535, 128, 10_000, 0, 0,
                        Duration.ZERO, Duration.ZERO)));
        broker = Tern.builder().config(config).build();
        broker.start();
        ownPasswords = broker.ports().get(0);
        ownBoth = broker.ports().get(1);
        global = broker.ports().get(2);
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static String user(String name) {
        return user(name, name + "-pw");
    }

    private static String user(String name, String password) {
        return name + ":" + PasswordFile.hash(password.getBytes(StandardCharsets.UTF_8)) + "\n";
    }

    private static Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }

    /** Replaces a file the way deployment tools do: a finished file renamed over the old one. */
    private static void replace(Path file, String content) throws Exception {
        Path tmp = Files.writeString(dir.resolve(file.getFileName() + ".new"), content);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Mqtt5AsyncClient client(int port) {
        return Mqtt5Client.builder().identifier("la-" + UUID.randomUUID().toString().substring(0, 8))
                .serverHost("127.0.0.1").serverPort(port).buildAsync();
    }

    /** The CONNACK reason code for user/password on the listener at {@code port}; disconnects when accepted. */
    private static Mqtt5ConnAckReasonCode login(int port, String user, String password) throws Exception {
        Mqtt5AsyncClient c = client(port);
        try {
            Mqtt5ConnAckReasonCode code = c.connectWith().simpleAuth().username(user)
                    .password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send()
                    .get(WAIT.toMillis(), TimeUnit.MILLISECONDS).getReasonCode();
            c.disconnect().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return code;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Mqtt5ConnAckException refused) {
                return refused.getMqttMessage().getReasonCode();
            }
            throw e;
        }
    }

    private static Mqtt5AsyncClient connected(int port, String user) throws Exception {
        Mqtt5AsyncClient c = client(port);
        c.connectWith().simpleAuth().username(user).password((user + "-pw").getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth().send().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        return c;
    }

    /** Publishes at QoS 1 and returns the PUBACK's reason code. */
    private static Mqtt5PubAckReasonCode publish(Mqtt5AsyncClient c, String topic, String payload) throws Exception {
        try {
            Mqtt5PublishResult r = c.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
                    .payload(payload.getBytes(StandardCharsets.UTF_8)).send()
                    .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (r.getError().isPresent() && r.getError().get() instanceof Mqtt5PubAckException refused) {
                return refused.getMqttMessage().getReasonCode();
            }
            return ((Mqtt5PublishResult.Mqtt5Qos1Result) r).getPubAck().getReasonCode();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Mqtt5PubAckException refused) {
                return refused.getMqttMessage().getReasonCode();
            }
            throw e;
        }
    }

    @Test
    @DisplayName("each listener checks passwords against its own file only; one without uses auth.password-file")
    void passwordFilePerListener() throws Exception {
        assertThat(login(ownPasswords, "alice", "alice-pw")).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        assertThat(login(ownBoth, "alice", "alice-pw")).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        assertThat(login(ownBoth, "bob", "bob-pw")).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        assertThat(login(global, "carol", "carol-pw")).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        assertThat(login(global, "alice", "global-alice-pw")).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);

        // bob is only in listener 1's file
        assertThat(login(ownPasswords, "bob", "bob-pw")).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(login(global, "bob", "bob-pw")).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
        // the global file does not apply where a listener has its own: carol, and alice's global password
        assertThat(login(ownPasswords, "carol", "carol-pw"))
                .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(login(ownBoth, "alice", "global-alice-pw"))
                .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
        // and a listener's own file does not apply elsewhere
        assertThat(login(global, "alice", "alice-pw")).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
    }

    @Test
    @DisplayName("mosquitto_pub (MQTT 3.1.1): alice gets in on her listener; on the global one her password is "
            + "another (exit 4: bad user name or password)")
    void mosquittoPub() throws Exception {
        assumeTrue(new java.io.File("/usr/bin/mosquitto_pub").canExecute(), "mosquitto_pub not installed");
        assertThat(mosquittoPub(ownPasswords, "alice", "alice-pw")).isZero();
        assertThat(mosquittoPub(global, "alice", "alice-pw")).isEqualTo(4);
        assertThat(mosquittoPub(global, "alice", "global-alice-pw")).isZero();
    }

    private static int mosquittoPub(int port, String user, String password) throws Exception {
        Process p = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", String.valueOf(port), "-u", user,
                "-P", password, "-t", "shared/m", "-m", "x", "-q", "1").redirectErrorStream(true).start();
        p.getOutputStream().close();
        assertThat(p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    @Test
    @DisplayName("each listener's ACL: alice may publish on listener 0 (global ACL), not on listener 1 (0x87), "
            + "and her message reaches a subscriber on listener 1 whose ACL lets it read")
    void aclFilePerListener() throws Exception {
        Mqtt5AsyncClient reader = connected(ownBoth, "alice");
        Mqtt5AsyncClient writerOwn = connected(ownBoth, "alice");
        Mqtt5AsyncClient writerGlobal = connected(ownPasswords, "alice");
        try {
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            reader.publishes(MqttGlobalPublishFilter.ALL, p -> got.add(
                    new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)));
            reader.subscribeWith().topicFilter("shared/acl").qos(MqttQos.AT_LEAST_ONCE).send()
                    .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

            assertThat(publish(writerOwn, "shared/acl", "refused")).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
            assertThat(publish(writerGlobal, "shared/acl", "allowed")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
            assertThat(got.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("allowed");
            assertThat(got.poll(200, TimeUnit.MILLISECONDS)).isNull();
        } finally {
            for (Mqtt5AsyncClient c : List.of(reader, writerOwn, writerGlobal)) {
                c.disconnect();
            }
        }
    }

    @Test
    @DisplayName("a listener's files are re-read on reload (SIGHUP) and when they change on disk; a broken one is "
            + "refused and the old one stays")
    void reload() throws Exception {
        String passwd = Files.readString(ownBothPasswd);
        String acl = Files.readString(ownBothAcl);
        try {
            assertThat(login(ownBoth, "dave", "dave-pw")).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
            replace(ownBothPasswd, passwd + user("dave"));
            assertThat(broker.reload()).isEmpty();
            assertThat(login(ownBoth, "dave", "dave-pw")).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
            assertThat(login(global, "dave", "dave-pw")).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);

            // the ACL, picked up by the 2-second poll, applies to a client that stays connected
            Mqtt5AsyncClient alice = connected(ownBoth, "alice");
            try {
                assertThat(publish(alice, "shared/r", "x")).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
                replace(ownBothAcl, "user alice\ntopic readwrite shared/#\n");
                Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                        assertThat(publish(alice, "shared/r", "x")).isEqualTo(
                                Mqtt5PubAckReasonCode.NO_MATCHING_SUBSCRIBERS)); // accepted, nobody subscribed
            } finally {
                alice.disconnect();
            }

            replace(ownBothPasswd, "this line has no colon\n");
            assertThat(broker.reload()).singleElement().asString().contains(ownBothPasswd.toString(), ":1:");
            assertThat(login(ownBoth, "dave", "dave-pw")).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        } finally {
            replace(ownBothPasswd, passwd);
            replace(ownBothAcl, acl);
            broker.reload();
        }
    }

    @Test
    @DisplayName("a listener file that is missing or does not parse stops the start, naming listeners[i] and the line")
    void badFilesAtStart() throws Exception {
        Path missing = dir.resolve("no-such-passwd");
        BrokerConfig embedded = BrokerConfig.defaults().withListeners(List.of(ListenerConfig.tcp("127.0.0.1", 0),
                ListenerConfig.tcp("127.0.0.1", 0).withAuthFiles(missing, null)));
        try (Tern t = Tern.builder().config(embedded).build()) {
            assertThatThrownBy(t::start).hasMessageContaining("listeners[1].password-file")
                    .hasMessageContaining(missing.toString());
        }

        assertThatThrownBy(() -> ConfigLoader.parse("listeners:\n  - bind: 127.0.0.1:0\n  - bind: 127.0.0.1:0\n"
                + "    acl-file: " + dir.resolve("no-such-acl") + "\n", "tern.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("tern.yaml:4: listeners[1].acl-file: no such file: " + dir.resolve("no-such-acl"));

        Path broken = write("broken.passwd", "# users\nalice\n");
        assertThatThrownBy(() -> ConfigLoader.parse("listeners:\n  - bind: 127.0.0.1:0\n    password-file: "
                + broken + "\n", "tern.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("tern.yaml:3: listeners[0].password-file: " + broken + ":2:");
    }
}
