package dev.tern.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.hivemq.client.mqtt.datatypes.MqttUtf8String;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientConfig;
import com.hivemq.client.mqtt.mqtt5.auth.Mqtt5EnhancedAuthMechanism;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5Auth;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5AuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5EnhancedAuth;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5EnhancedAuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5Disconnect;
import dev.tern.codec.ReasonCode;
import dev.tern.codec.packet.Auth;
import dev.tern.codec.packet.Connack;
import dev.tern.codec.packet.Disconnect;
import dev.tern.codec.packet.PingReq;
import dev.tern.codec.packet.PingResp;
import dev.tern.codec.packet.Publish;
import dev.tern.codec.packet.PublishProperties;
import dev.tern.core.ClientLimits;
import dev.tern.security.ScramCredential;
import dev.tern.security.ScramMechanism;
import dev.tern.server.config.AuthConfig;
import dev.tern.server.config.BrokerConfig;
import dev.tern.server.config.LimitsConfig;
import dev.tern.testkit.RawMqttClient;
import dev.tern.testkit.TernExtension;
import dev.tern.tests.support.ConnectBuilder;
import dev.tern.tests.support.ScramClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MQTT 5 enhanced authentication [MQTT-4.12] with SCRAM-SHA-256 and SCRAM-SHA-512 against a credential file made
 * with the tern-security API: the HiveMQ client (its {@link Mqtt5EnhancedAuthMechanism}, checking the server's
 * signature) and the raw-byte client for the protocol's edge cases. The SCRAM client side is {@link ScramClient}
 * (JDK crypto, written from RFC 5802). Connect timeout 1 s, no failed-login delay, so the tests stay fast.
 */
class EnhancedAuthTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String SHA256 = "SCRAM-SHA-256";

    @RegisterExtension
    static TernExtension broker = new TernExtension(b -> b.config(BrokerConfig.defaults()
            .withAuth(new AuthConfig(true, null, null).withScramFile(scramFile()))
            .withLimits(new LimitsConfig(0, Duration.ofSeconds(1), new ClientLimits(65535, 128, 10_000, 0, 0,
                    Duration.ZERO, Duration.ZERO)))));

    private static Path scramFile() {
        try {
            Path file = Files.createTempFile("tern-scram-test", ".scram");
            StringBuilder lines = new StringBuilder();
            for (ScramMechanism m : List.of(ScramMechanism.SHA_256, ScramMechanism.SHA_512)) {
                lines.append("alice:").append(ScramCredential.create(m, "alice-pw", 4096).encoded()).append('\n');
                lines.append("bob:").append(ScramCredential.create(m, "bob-pw", 4096).encoded()).append('\n');
            }
            Files.writeString(file, lines);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Auth auth(int code, String method, byte[] data) {
        return new Auth(code, method, data, null, List.of());
    }

    /** CONNECT with SCRAM up to the server-first-message: returns the broker's AUTH 0x18. */
    private static Auth startScram(RawMqttClient raw, ScramClient scram, String username) {
        raw.send(ConnectBuilder.v5(id("scram-raw")).keepAlive(0).credentials(username, null)
                .authMethod(scram.mechanism()).authData(scram.clientFirst()).build());
        Auth challenge = raw.expect(Auth.class, WAIT);
        assertThat(challenge.reasonCode()).isEqualTo(ReasonCode.CONTINUE_AUTHENTICATION);
        assertThat(challenge.authenticationMethod()).isEqualTo(scram.mechanism());
        return challenge;
    }

    /** A raw client authenticated with SCRAM-SHA-256 as alice. */
    private static RawMqttClient connectedAlice() {
        RawMqttClient raw = broker.rawClient();
        ScramClient scram = ScramClient.sha256("alice", "alice-pw");
        Auth challenge = startScram(raw, scram, null);
        raw.send(auth(ReasonCode.CONTINUE_AUTHENTICATION, SHA256, scram.clientFinal(challenge.authenticationData())));
        assertThat(raw.expect(Connack.class, WAIT).reasonCode()).isZero();
        return raw;
    }

    // ---------------------------------------------------------------- the exchange before CONNACK

    @Test
    @DisplayName("SCRAM-SHA-256 and -512 (raw): AUTH 0x18, then CONNACK 0x00 with the method and a server signature "
            + "the client verifies [MQTT-4.12.0-5]")
    void rawScramSuccess() {
        for (ScramClient scram : List.of(ScramClient.sha256("alice", "alice-pw"),
                ScramClient.sha512("alice", "alice-pw"))) {
            try (RawMqttClient raw = broker.rawClient()) {
                Auth challenge = startScram(raw, scram, "alice");
                raw.send(auth(ReasonCode.CONTINUE_AUTHENTICATION, scram.mechanism(),
                        scram.clientFinal(challenge.authenticationData())));
                Connack connack = raw.expect(Connack.class, WAIT);
                assertThat(connack.reasonCode()).isZero();
                assertThat(connack.authenticationMethod()).isEqualTo(scram.mechanism());
                assertThat(scram.verifyServerFinal(connack.authenticationData())).isTrue();
                assertThat(raw.subscribe("alice/#", 1).reasonCodes()).containsExactly(1);
            }
        }
    }

    @Test
    @DisplayName("wrong password: CONNACK 0x86; unknown method: CONNACK 0x8C [MQTT-4.12.0-1]")
    void refusals() {
        try (RawMqttClient raw = broker.rawClient()) {
            ScramClient scram = ScramClient.sha256("alice", "wrong");
            Auth challenge = startScram(raw, scram, null);
            raw.send(auth(ReasonCode.CONTINUE_AUTHENTICATION, SHA256, scram.clientFinal(challenge.authenticationData())));
            assertThat(raw.expect(Connack.class, WAIT).reasonCode()).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
            assertThat(raw.awaitClosed(WAIT)).isTrue();
        }
        try (RawMqttClient raw = broker.rawClient()) {
            Connack connack = raw.handshake(ConnectBuilder.v5(id("kerberos")).authMethod("GS2-KRB5").build());
            assertThat(connack.reasonCode()).isEqualTo(ReasonCode.BAD_AUTHENTICATION_METHOD);
            assertThat(raw.awaitClosed(WAIT)).isTrue();
        }
    }

    @Test
    @DisplayName("SCRAM user other than the CONNECT user name: CONNACK 0x87")
    void scramUserMustMatchUsername() {
        try (RawMqttClient raw = broker.rawClient()) {
            raw.send(ConnectBuilder.v5(id("scram-mismatch")).credentials("bob", null).authMethod(SHA256)
                    .authData(ScramClient.sha256("alice", "alice-pw").clientFirst()).build());
            assertThat(raw.expect(Connack.class, WAIT).reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
        }
    }

    @Test
    @DisplayName("while authenticating only AUTH is accepted: a PUBLISH ends the connection [MQTT-3.1.2-30]")
    void publishWhileAuthenticating() {
        try (RawMqttClient raw = broker.rawClient()) {
            startScram(raw, ScramClient.sha256("alice", "alice-pw"), null);
            raw.send(new Publish(false, 0, false, "a/b", 0, PublishProperties.EMPTY, new byte[] {1}));
            assertThat(raw.awaitClosed(WAIT)).isTrue();
            assertThat(raw.discarded()).allSatisfy(frame -> assertThat(RawMqttClient.decode(frame,
                    dev.tern.codec.MqttVersion.V5)).isInstanceOf(Connack.class));
        }
    }

    @Test
    @DisplayName("while authenticating, AUTH with another method: CONNACK 0x82 and closed [MQTT-4.12.0-5]")
    void otherMethodWhileAuthenticating() {
        try (RawMqttClient raw = broker.rawClient()) {
            ScramClient scram = ScramClient.sha256("alice", "alice-pw");
            Auth challenge = startScram(raw, scram, null);
            raw.send(auth(ReasonCode.CONTINUE_AUTHENTICATION, "SCRAM-SHA-512",
                    scram.clientFinal(challenge.authenticationData())));
            assertThat(raw.expect(Connack.class, WAIT).reasonCode()).isEqualTo(ReasonCode.PROTOCOL_ERROR);
            assertThat(raw.awaitClosed(WAIT)).isTrue();
        }
    }

    @Test
    @DisplayName("a client that does not answer the challenge is closed after the connect timeout, without CONNACK")
    void connectTimeoutWhileAuthenticating() {
        try (RawMqttClient raw = broker.rawClient()) {
            startScram(raw, ScramClient.sha256("alice", "alice-pw"), null);
            long start = System.nanoTime();
            assertThat(raw.awaitClosed(WAIT)).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(700));
            assertThat(raw.discarded()).isEmpty();
        }
    }

    // ---------------------------------------------------------------- re-authentication [MQTT-4.12.1]

    @Test
    @DisplayName("re-authentication (raw): AUTH 0x19, 0x18 exchange, AUTH 0x00 with a verified signature; "
            + "other packets flow meanwhile")
    void rawReauthentication() {
        try (RawMqttClient raw = connectedAlice()) {
            ScramClient again = ScramClient.sha256("alice", "alice-pw");
            raw.send(auth(ReasonCode.RE_AUTHENTICATE, SHA256, again.clientFirst()));
            Auth challenge = raw.expect(Auth.class, WAIT);
            assertThat(challenge.reasonCode()).isEqualTo(ReasonCode.CONTINUE_AUTHENTICATION);
            raw.send(PingReq.INSTANCE);
            raw.expect(PingResp.class, WAIT);
            raw.send(auth(ReasonCode.CONTINUE_AUTHENTICATION, SHA256,
                    again.clientFinal(challenge.authenticationData())));
            Auth done = raw.expect(Auth.class, WAIT);
            assertThat(done.reasonCode()).isEqualTo(ReasonCode.SUCCESS);
            assertThat(done.authenticationMethod()).isEqualTo(SHA256);
            assertThat(again.verifyServerFinal(done.authenticationData())).isTrue();
            raw.send(PingReq.INSTANCE);
            raw.expect(PingResp.class, WAIT);
        }
    }

    @Test
    @DisplayName("re-authentication failures: wrong password or another user DISCONNECT 0x87, another method "
            + "0x82 [MQTT-4.12.1-2]")
    void reauthenticationFailures() {
        try (RawMqttClient raw = connectedAlice()) {
            ScramClient wrong = ScramClient.sha256("alice", "nope");
            raw.send(auth(ReasonCode.RE_AUTHENTICATE, SHA256, wrong.clientFirst()));
            Auth challenge = raw.expect(Auth.class, WAIT);
            raw.send(auth(ReasonCode.CONTINUE_AUTHENTICATION, SHA256,
                    wrong.clientFinal(challenge.authenticationData())));
            // DISCONNECT has no 0x86 (bad user name or password): 0x87
            assertThat(raw.expect(Disconnect.class, WAIT).reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
            assertThat(raw.awaitClosed(WAIT)).isTrue();
        }
        try (RawMqttClient raw = connectedAlice()) {
            // bob's password is right, but the connection is alice's
            raw.send(auth(ReasonCode.RE_AUTHENTICATE, SHA256, ScramClient.sha256("bob", "bob-pw").clientFirst()));
            assertThat(raw.expect(Disconnect.class, WAIT).reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
        }
        try (RawMqttClient raw = connectedAlice()) {
            raw.send(auth(ReasonCode.RE_AUTHENTICATE, "SCRAM-SHA-512",
                    ScramClient.sha512("alice", "alice-pw").clientFirst()));
            assertThat(raw.expect(Disconnect.class, WAIT).reasonCode()).isEqualTo(ReasonCode.PROTOCOL_ERROR);
        }
    }

    @Test
    @DisplayName("an unanswered re-authentication ends the connection after the connect timeout")
    void reauthenticationTimeout() {
        try (RawMqttClient raw = connectedAlice()) {
            raw.send(auth(ReasonCode.RE_AUTHENTICATE, SHA256, ScramClient.sha256("alice", "alice-pw").clientFirst()));
            raw.expect(Auth.class, WAIT);
            assertThat(raw.expect(Disconnect.class, WAIT).reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
            assertThat(raw.awaitClosed(WAIT)).isTrue();
        }
    }

    @Test
    @DisplayName("AUTH from a client that connected without an authentication method: DISCONNECT 0x82 "
            + "[MQTT-4.12.0-7]")
    void authWithoutEnhancedAuth() {
        try (RawMqttClient raw = broker.rawClient()) {
            assertThat(raw.handshake(ConnectBuilder.v5(id("plain")).build()).reasonCode()).isZero();
            raw.send(auth(ReasonCode.RE_AUTHENTICATE, SHA256, ScramClient.sha256("alice", "alice-pw").clientFirst()));
            assertThat(raw.expect(Disconnect.class, WAIT).reasonCode()).isEqualTo(ReasonCode.PROTOCOL_ERROR);
            assertThat(raw.awaitClosed(WAIT)).isTrue();
        }
    }

    // ---------------------------------------------------------------- the HiveMQ client

    /** SCRAM as the HiveMQ client's enhanced auth mechanism; verifies the server's signatures. */
    private static final class HiveScram implements Mqtt5EnhancedAuthMechanism {
        private final BiFunction<String, String, ScramClient> kind;
        private final String user;
        volatile String password;
        private volatile ScramClient scram;
        final List<String> events = new CopyOnWriteArrayList<>();

        HiveScram(BiFunction<String, String, ScramClient> kind, String user, String password) {
            this.kind = kind;
            this.user = user;
            this.password = password;
        }

        @Override
        public MqttUtf8String getMethod() {
            return MqttUtf8String.of(kind.apply(user, password).mechanism());
        }

        @Override
        public int getTimeout() {
            return 5;
        }

        @Override
        public CompletableFuture<Void> onAuth(Mqtt5ClientConfig c, Mqtt5Connect connect,
                                              Mqtt5EnhancedAuthBuilder builder) {
            scram = kind.apply(user, password);
            builder.data(scram.clientFirst());
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> onReAuth(Mqtt5ClientConfig c, Mqtt5AuthBuilder builder) {
            return onAuth(c, null, builder);
        }

        @Override
        public CompletableFuture<Boolean> onContinue(Mqtt5ClientConfig c, Mqtt5Auth auth, Mqtt5AuthBuilder builder) {
            builder.data(scram.clientFinal(bytes(auth)));
            return CompletableFuture.completedFuture(true);
        }

        @Override
        public CompletableFuture<Boolean> onAuthSuccess(Mqtt5ClientConfig c, Mqtt5ConnAck connAck) {
            boolean verified = connAck.getEnhancedAuth().map(a -> scram.verifyServerFinal(bytes(a))).orElse(false);
            events.add("auth success, signature " + (verified ? "verified" : "WRONG"));
            return CompletableFuture.completedFuture(verified);
        }

        @Override
        public CompletableFuture<Boolean> onReAuthSuccess(Mqtt5ClientConfig c, Mqtt5Auth auth) {
            boolean verified = scram.verifyServerFinal(bytes(auth));
            events.add("re-auth success, signature " + (verified ? "verified" : "WRONG"));
            return CompletableFuture.completedFuture(verified);
        }

        @Override
        public void onAuthRejected(Mqtt5ClientConfig c, Mqtt5ConnAck connAck) {
            events.add("auth rejected " + connAck.getReasonCode());
        }

        @Override
        public void onReAuthRejected(Mqtt5ClientConfig c, Mqtt5Disconnect disconnect) {
            events.add("re-auth rejected " + disconnect.getReasonCode());
        }

        @Override
        public void onAuthError(Mqtt5ClientConfig c, Throwable cause) {
            events.add("auth error " + cause);
        }

        @Override
        public void onReAuthError(Mqtt5ClientConfig c, Throwable cause) {
            events.add("re-auth error " + cause);
        }

        private static byte[] bytes(Mqtt5EnhancedAuth auth) {
            ByteBuffer data = auth.getData().orElseThrow().duplicate();
            byte[] out = new byte[data.remaining()];
            data.get(out);
            return out;
        }
    }

    private static Mqtt5BlockingClient hive(HiveScram mechanism) {
        return Mqtt5Client.builder().identifier(id("scram-hive")).serverHost(broker.host())
                .serverPort(broker.port()).enhancedAuth(mechanism).buildBlocking();
    }

    @Test
    @DisplayName("HiveMQ client, SCRAM-SHA-256 and -512: connected, the server signature verified; "
            + "re-authentication succeeds (AUTH 0x00) and is verified too")
    void hiveMqScram() throws Exception {
        for (BiFunction<String, String, ScramClient> kind
                : List.<BiFunction<String, String, ScramClient>>of(ScramClient::sha256, ScramClient::sha512)) {
            HiveScram mechanism = new HiveScram(kind, "bob", "bob-pw");
            Mqtt5BlockingClient client = hive(mechanism);
            Mqtt5ConnAck connack = client.connect();
            assertThat(connack.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
            client.toAsync().reauth().get(5, TimeUnit.SECONDS);
            assertThat(mechanism.events).containsExactly("auth success, signature verified",
                    "re-auth success, signature verified");
            assertThat(client.getState().isConnected()).isTrue();
            client.disconnect();
        }
    }

    @Test
    @DisplayName("HiveMQ client: wrong password at CONNECT gets 0x86; a failed re-authentication is a DISCONNECT "
            + "0x87")
    void hiveMqRefused() throws Exception {
        Mqtt5BlockingClient refused = hive(new HiveScram(ScramClient::sha256, "bob", "wrong"));
        Mqtt5ConnAckException e = catchThrowableOfType(Mqtt5ConnAckException.class, refused::connect);
        assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);

        HiveScram mechanism = new HiveScram(ScramClient::sha256, "bob", "bob-pw");
        Mqtt5BlockingClient client = hive(mechanism);
        client.connect();
        mechanism.password = "changed-but-not-on-the-server";
        catchThrowableOfType(Exception.class, () -> client.toAsync().reauth().get(5, TimeUnit.SECONDS));
        assertThat(mechanism.events).contains("re-auth rejected NOT_AUTHORIZED");
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> !client.getState().isConnected());
    }
}
