package dev.tern.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.ReasonCode;
import dev.tern.codec.packet.Connack;
import dev.tern.codec.packet.PubAck;
import dev.tern.codec.packet.Publish;
import dev.tern.codec.packet.PublishProperties;
import dev.tern.codec.packet.SubAck;
import dev.tern.codec.packet.Subscribe;
import dev.tern.codec.packet.Subscription;
import dev.tern.core.ClientLimits;
import dev.tern.security.PasswordFile;
import dev.tern.server.config.AuthConfig;
import dev.tern.server.config.BrokerConfig;
import dev.tern.server.config.LimitsConfig;
import dev.tern.testkit.RawMqttClient;
import dev.tern.testkit.TernExtension;
import dev.tern.tests.support.ConnectBuilder;
import dev.tern.tests.support.Raw;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Password and ACL files in Mosquitto's formats, wired into the broker: CONNECT, PUBLISH, SUBSCRIBE, every
 * delivery (retained included), the will topic, and reload while clients stay connected.
 */
class SecurityTest {
    private static final Path DIR = tempDir();
    private static final Path PASSWD = DIR.resolve("passwd");
    private static final Path ACL = DIR.resolve("acl");

    /** alice may use alice/# and read public/#; bob may use bob/# and write public/#; everyone clients/%c/#. */
    private static final String ACL_TEXT = """
            # anonymous clients: nothing
            user alice
            topic readwrite alice/#
            topic read public/#
            topic deny alice/secret

            user bob
            topic readwrite bob/#
            topic write public/#

            pattern readwrite clients/%c/#
            """;

    @RegisterExtension
    static TernExtension broker = new TernExtension(b -> b.config(BrokerConfig.defaults()
            .withAuth(new AuthConfig(false, writeFiles(), ACL))
            // failed logins are answered at once here; LimitsTest covers the delay
            .withLimits(LimitsConfig.defaults().withClient(new ClientLimits(65535, 128, 10_000, 0, 0,
                    Duration.ZERO, Duration.ZERO)))));

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("tern-security-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path writeFiles() {
        try {
            Files.writeString(PASSWD, "alice:" + PasswordFile.hash(bytes("alice-pw")) + "\n"
                    + "bob:" + PasswordFile.hash(bytes("bob-pw")) + "\n");
            Files.writeString(ACL, ACL_TEXT);
            return PASSWD;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static RawMqttClient as(MqttVersion v, String id, String user, String pass) {
        RawMqttClient c = RawMqttClient.connect(broker.port());
        Connack ack = c.handshake(ConnectBuilder.of(v, id).credentials(user, pass).build());
        assertThat(ack.reasonCode()).as("CONNACK for %s", user).isZero();
        return c;
    }

    private static int connackCode(MqttVersion v, String user, String pass) {
        try (RawMqttClient c = RawMqttClient.connect(broker.port())) {
            Connack ack = c.handshake(ConnectBuilder.of(v, "auth-" + user + "-" + v).credentials(user, pass).build());
            return ack.reasonCode();
        }
    }

    @Test
    @DisplayName("a password is checked off the I/O thread; packets sent right behind CONNECT wait for it, in order")
    void packetsPipelinedBehindAPasswordCheckKeepTheirOrder() {
        try (RawMqttClient c = RawMqttClient.connect(broker.port())) {
            byte[] connect = RawMqttClient.encode(ConnectBuilder.v5("pipelined-alice").credentials("alice", "alice-pw")
                    .build(), MqttVersion.V5);
            byte[] subscribe = RawMqttClient.encode(new dev.tern.codec.packet.Subscribe(1, null, List.of(),
                    List.of(new dev.tern.codec.packet.Subscription("alice/pipe", 1, false, false, 0))), MqttVersion.V5);
            byte[] publish = RawMqttClient.encode(dev.tern.tests.support.Raw.publish("alice/pipe", 1, 2, "hi"),
                    MqttVersion.V5);
            byte[] all = new byte[connect.length + subscribe.length + publish.length];
            System.arraycopy(connect, 0, all, 0, connect.length);
            System.arraycopy(subscribe, 0, all, connect.length, subscribe.length);
            System.arraycopy(publish, 0, all, connect.length + subscribe.length, publish.length);
            c.version(MqttVersion.V5).send(all); // one write: CONNECT, SUBSCRIBE, PUBLISH
            assertThat(c.expect(Connack.class).reasonCode()).isZero();
            assertThat(c.expect(dev.tern.codec.packet.SubAck.class).reasonCodes()).containsExactly(1);
            java.util.Set<String> rest = new java.util.HashSet<>();
            for (int i = 0; i < 2; i++) {
                var p = c.receive(dev.tern.tests.support.Raw.TIMEOUT);
                rest.add(p.getClass().getSimpleName());
                if (p instanceof dev.tern.codec.packet.Publish pub) {
                    c.send(dev.tern.codec.packet.PubAck.of(pub.packetId()));
                }
            }
            assertThat(rest).containsExactlyInAnyOrder("PubAck", "Publish");
        }
    }

    @Test
    @DisplayName("password file: right password in, wrong one 0x86 / 3.1.1 code 4, none 0x87 / code 5")
    void authentication() {
        assertThat(connackCode(MqttVersion.V5, "alice", "alice-pw")).isZero();
        assertThat(connackCode(MqttVersion.V3_1_1, "bob", "bob-pw")).isZero();
        assertThat(connackCode(MqttVersion.V5, "alice", "wrong")).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(connackCode(MqttVersion.V3_1_1, "alice", "wrong"))
                .isEqualTo(ReasonCode.V3_BAD_USER_NAME_OR_PASSWORD);
        assertThat(connackCode(MqttVersion.V5, "mallory", "x")).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(connackCode(MqttVersion.V5, null, null)).isEqualTo(ReasonCode.NOT_AUTHORIZED);
        assertThat(connackCode(MqttVersion.V3_1_1, null, null)).isEqualTo(ReasonCode.V3_NOT_AUTHORIZED);
    }

    @Test
    @DisplayName("ACL on PUBLISH: MQTT 5 gets PUBACK 0x87, 3.1.1 a normal PUBACK; neither is delivered")
    void publishRefused() {
        try (RawMqttClient bob = as(MqttVersion.V5, "acl-bob-sub", "bob", "bob-pw");
             RawMqttClient alice5 = as(MqttVersion.V5, "acl-alice-5", "alice", "alice-pw");
             RawMqttClient alice3 = as(MqttVersion.V3_1_1, "acl-alice-3", "alice", "alice-pw")) {
            bob.subscribe("bob/#", 1);
            alice5.send(Raw.publish("bob/inbox", 1, 1, "from alice 5"));
            assertThat(alice5.expect(PubAck.class).reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
            alice3.send(Raw.publish("bob/inbox", 1, 1, "from alice 3"));
            assertThat(alice3.expect(PubAck.class).reasonCode()).isZero();
            bob.expectNothing(Raw.SHORT);
            // bob's own topic works
            try (RawMqttClient bob2 = as(MqttVersion.V5, "acl-bob-pub", "bob", "bob-pw")) {
                bob2.send(Raw.publish("bob/inbox", 1, 1, "from bob"));
                assertThat(bob2.expect(PubAck.class).reasonCode()).isZero();
            }
            assertThat(Raw.text(bob.expect(Publish.class).payload())).isEqualTo("from bob");
        }
    }

    @Test
    @DisplayName("ACL on SUBSCRIBE: a filter that can never be read is refused (0x87 / 0x80), others granted")
    void subscribeRefused() {
        try (RawMqttClient a5 = as(MqttVersion.V5, "acl-sub-5", "alice", "alice-pw");
             RawMqttClient a3 = as(MqttVersion.V3_1_1, "acl-sub-3", "alice", "alice-pw")) {
            a5.send(new Subscribe(1, null, List.of(), List.of(Subscription.of("bob/#", 1),
                    Subscription.of("alice/x", 1), Subscription.of("#", 0))));
            assertThat(a5.expect(SubAck.class).reasonCodes()).containsExactly(ReasonCode.NOT_AUTHORIZED, 1, 0);
            a3.send(new Subscribe(1, null, List.of(), List.of(Subscription.of("bob/#", 1))));
            assertThat(a3.expect(SubAck.class).reasonCodes()).containsExactly(ReasonCode.V3_SUBACK_FAILURE);
        }
    }

    @Test
    @DisplayName("ACL on delivery: a '#' subscriber gets only what it may read, retained messages included")
    void deliveryFiltered() {
        try (RawMqttClient bob = as(MqttVersion.V5, "acl-deliver-bob", "bob", "bob-pw")) {
            bob.send(Raw.publish("bob/retained", 1, true, 1, "bob's", PublishProperties.EMPTY));
            bob.expect(PubAck.class);
            bob.send(Raw.publish("public/news", 1, true, 2, "news", PublishProperties.EMPTY));
            bob.expect(PubAck.class);
            try (RawMqttClient alice = as(MqttVersion.V5, "acl-deliver-alice", "alice", "alice-pw")) {
                alice.subscribe("#", 0);
                Publish retained = alice.expect(Publish.class);
                assertThat(retained.topic()).isEqualTo("public/news");
                alice.expectNothing(Raw.SHORT);
                bob.send(Raw.publish("bob/live", 1, 3, "live"));
                bob.expect(PubAck.class);
                bob.send(Raw.publish("public/live", 1, 4, "public"));
                bob.expect(PubAck.class);
                assertThat(alice.expect(Publish.class).topic()).isEqualTo("public/live");
                alice.expectNothing(Raw.SHORT);
            } finally {
                // the broker is shared by the class: leave no retained messages behind
                bob.send(Raw.publish("bob/retained", 1, true, 5, "", PublishProperties.EMPTY));
                bob.expect(PubAck.class);
                bob.send(Raw.publish("public/news", 1, true, 6, "", PublishProperties.EMPTY));
                bob.expect(PubAck.class);
            }
        }
    }

    @Test
    @DisplayName("ACL: deny wins over a readwrite grant (alice/secret), and %c patterns work")
    void denyFirstAndPatterns() {
        try (RawMqttClient alice = as(MqttVersion.V5, "acl-deny", "alice", "alice-pw")) {
            alice.send(Raw.publish("alice/secret", 1, 1, "x"));
            assertThat(alice.expect(PubAck.class).reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
            alice.send(Raw.publish("clients/acl-deny/status", 1, 2, "x"));
            assertThat(alice.expect(PubAck.class).reasonCode()).isEqualTo(ReasonCode.NO_MATCHING_SUBSCRIBERS);
            alice.send(Raw.publish("clients/someone-else/status", 1, 3, "x"));
            assertThat(alice.expect(PubAck.class).reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
        }
    }

    @Test
    @DisplayName("ACL on the will topic: a CONNECT whose will may not be published is refused (0x87)")
    void willTopicRefused() {
        try (RawMqttClient c = RawMqttClient.connect(broker.port())) {
            Connack ack = c.handshake(ConnectBuilder.v5("acl-will").credentials("alice", "alice-pw")
                    .will("bob/will", "gone", 0, false).build());
            assertThat(ack.reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
        }
    }

    @Test
    @DisplayName("reload: a changed ACL applies to the next message of a session that stays connected; "
            + "a broken file is refused and the old one kept")
    void reload() throws Exception {
        try (RawMqttClient alice = as(MqttVersion.V5, "acl-reload-alice", "alice", "alice-pw");
             RawMqttClient bob = as(MqttVersion.V5, "acl-reload-bob", "bob", "bob-pw")) {
            alice.subscribe("#", 0);
            bob.send(Raw.publish("bob/news", 1, 1, "before"));
            bob.expect(PubAck.class);
            alice.expectNothing(Raw.SHORT);
            try {
                Files.writeString(ACL, ACL_TEXT.replace("topic read public/#", "topic read public/#\ntopic read bob/#"));
                assertThat(broker.tern().reload()).isEmpty();
                bob.send(Raw.publish("bob/news", 1, 2, "after"));
                bob.expect(PubAck.class);
                assertThat(Raw.text(alice.expect(Publish.class).payload())).isEqualTo("after");

                Files.writeString(ACL, "user alice\ntopic frobnicate x\n");
                assertThat(broker.tern().reload()).singleElement().asString().contains("acl", "frobnicate");
                bob.send(Raw.publish("bob/news", 1, 3, "still"));
                bob.expect(PubAck.class);
                assertThat(Raw.text(alice.expect(Publish.class).payload())).isEqualTo("still");
            } finally {
                Files.writeString(ACL, ACL_TEXT);
                broker.tern().reload();
            }
        }
    }

    @Test
    @DisplayName("mosquitto_pub with -u/-P against the password file")
    void mosquittoPubWithCredentials() throws Exception {
        assumeTrue(new java.io.File("/usr/bin/mosquitto_pub").canExecute(), "mosquitto_pub not installed");
        String port = Integer.toString(broker.port());
        Process ok = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-u", "bob", "-P", "bob-pw",
                "-t", "bob/x", "-m", "hi").redirectErrorStream(true).start();
        assertThat(ok.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ok.exitValue()).as(new String(ok.getInputStream().readAllBytes())).isZero();
        Process bad = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-u", "bob", "-P", "nope",
                "-t", "bob/x", "-m", "hi").redirectErrorStream(true).start();
        assertThat(bad.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(bad.exitValue()).isNotZero();
    }
}
