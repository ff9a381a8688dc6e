package dev.tern.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.ReasonCode;
import dev.tern.codec.packet.Connack;
import dev.tern.codec.packet.Disconnect;
import dev.tern.codec.packet.Publish;
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
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The per-client limits of the {@code limits:} section, each answered with its reason code. */
class LimitsTest {
    private static final ClientLimits SMALL = new ClientLimits(16, 3, 2, 20, 0, Duration.ofMillis(300),
            Duration.ofMillis(600));

    @RegisterExtension
    static TernExtension broker = new TernExtension(b -> b.config(BrokerConfig.defaults()
            .withLimits(LimitsConfig.defaults().withClient(SMALL))
            .withAuth(new AuthConfig(true, passwordFile(), null))));

    private static Path passwordFile() {
        try {
            Path file = Files.createTempFile("tern-limits", ".passwd");
            Files.writeString(file, "carol:" + PasswordFile.hash("carol-pw".getBytes(StandardCharsets.UTF_8)) + "\n");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    @DisplayName("limits.max-topic-length: a longer topic name gets DISCONNECT 0x90 (MQTT 5) / a close (3.1.1)")
    void topicTooLong() {
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v5("lim-long-5"))) {
            c.send(Raw.publish("a/very/long/topic/name", 0, 0, "x"));
            assertThat(c.expect(Disconnect.class).reasonCode()).isEqualTo(ReasonCode.TOPIC_NAME_INVALID);
            assertThat(c.awaitClosed(Raw.TIMEOUT)).isTrue();
        }
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v311("lim-long-3"))) {
            c.send(Raw.publish("a/very/long/topic/name", 0, 0, "x"));
            assertThat(c.awaitClosed(Raw.TIMEOUT)).isTrue();
        }
    }

    @Test
    @DisplayName("limits.max-topic-levels: a deeper topic gets 0x90; a deeper filter SUBACK 0x8F / 0x80")
    void topicTooDeep() {
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v5("lim-deep-5"))) {
            c.send(new Subscribe(1, null, List.of(), List.of(Subscription.of("a/b/c/d", 0),
                    Subscription.of("a/b/c", 0))));
            assertThat(c.expect(SubAck.class).reasonCodes()).containsExactly(ReasonCode.TOPIC_FILTER_INVALID, 0);
            c.send(Raw.publish("a/b/c/d", 0, 0, "x"));
            assertThat(c.expect(Disconnect.class).reasonCode()).isEqualTo(ReasonCode.TOPIC_NAME_INVALID);
        }
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v311("lim-deep-3"))) {
            c.send(new Subscribe(1, null, List.of(), List.of(Subscription.of("a/b/c/d", 0))));
            assertThat(c.expect(SubAck.class).reasonCodes()).containsExactly(ReasonCode.V3_SUBACK_FAILURE);
        }
    }

    @Test
    @DisplayName("limits.max-subscriptions-per-client: past it SUBACK 0x97 quota exceeded (3.1.1: 0x80); "
            + "re-subscribing an existing filter is fine")
    void subscriptionQuota() {
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v5("lim-subs-5"))) {
            c.send(new Subscribe(1, null, List.of(), List.of(Subscription.of("q/1", 0), Subscription.of("q/2", 0),
                    Subscription.of("q/3", 0), Subscription.of("q/1", 1))));
            assertThat(c.expect(SubAck.class).reasonCodes()).containsExactly(0, 0, ReasonCode.QUOTA_EXCEEDED, 1);
        }
        try (RawMqttClient c = Raw.connected(broker.port(), ConnectBuilder.v311("lim-subs-3"))) {
            c.send(new Subscribe(1, null, List.of(), List.of(Subscription.of("q/1", 0), Subscription.of("q/2", 0),
                    Subscription.of("q/3", 0))));
            assertThat(c.expect(SubAck.class).reasonCodes()).containsExactly(0, 0, ReasonCode.V3_SUBACK_FAILURE);
        }
    }

    @Test
    @DisplayName("limits.publish-rate: a faster publisher is read more slowly; nothing it sent is lost")
    void publishRateSlowsDownWithoutLoss() {
        int count = 50; // 20 pass at once (one second of burst), the other 30 at 20/s
        try (RawMqttClient sub = Raw.connected(broker.port(), ConnectBuilder.v5("lim-rate-sub"));
             RawMqttClient pub = Raw.connected(broker.port(), ConnectBuilder.v5("lim-rate-pub"))) {
            sub.subscribe("rate/t", 0);
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                pub.send(Raw.publish("rate/t", 0, 0, "m" + i));
            }
            for (int i = 0; i < count; i++) {
                assertThat(Raw.text(sub.expect(Publish.class).payload())).isEqualTo("m" + i);
            }
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            // 30 messages past the burst at 20/s take 1.5 s; allow for timer granularity
            assertThat(elapsedMillis).as("time to deliver %d messages at 20/s", count).isGreaterThanOrEqualTo(1000);
        }
    }

    @Test
    @DisplayName("limits.failed-auth-delay: failed logins from one address are answered later and later, "
            + "a success resets it")
    void failedLoginsAreSlowedDown() {
        long first = refusalMillis("wrong");
        long second = refusalMillis("wrong");
        assertThat(first).isGreaterThanOrEqualTo(250);
        assertThat(second).as("second failure doubles the delay").isGreaterThanOrEqualTo(550);
        try (RawMqttClient c = RawMqttClient.connect(broker.port())) {
            assertThat(c.handshake(ConnectBuilder.v5("lim-auth-ok").credentials("carol", "carol-pw").build())
                    .reasonCode()).isZero();
        }
        assertThat(refusalMillis("wrong")).as("reset by the success").isLessThan(550);
    }

    private static long refusalMillis(String password) {
        try (RawMqttClient c = RawMqttClient.connect(broker.port())) {
            long start = System.nanoTime();
            Connack ack = c.handshake(ConnectBuilder.of(MqttVersion.V5, "lim-auth").credentials("carol", password)
                    .build());
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(ack.reasonCode()).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
            return millis;
        }
    }
}
