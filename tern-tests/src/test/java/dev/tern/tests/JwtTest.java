package dev.tern.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tern.codec.ReasonCode;
import dev.tern.core.ClientLimits;
import dev.tern.security.PasswordFile;
import dev.tern.server.config.AuthConfig;
import dev.tern.server.config.BrokerConfig;
import dev.tern.server.config.JwtConfig;
import dev.tern.server.config.LimitsConfig;
import dev.tern.testkit.TernExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * JWT as the MQTT password (auth.jwt) next to a password file, with real clients: Paho v5, Paho v3 and the HiveMQ
 * client. Anonymous clients are refused, so every accepted connection was let in by its token or its password.
 */
class JwtTest {
    private static final String SECRET = "jwt-test-secret-0123456789abcdef-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static TernExtension broker = new TernExtension(b -> b.config(BrokerConfig.defaults()
            .withAuth(new AuthConfig(false, passwordFile(), null).withJwt(JwtConfig.withSecret(SECRET)))
            .withLimits(LimitsConfig.defaults().withClient(new ClientLimits(65535, 128, 10_000, 0, 0,
                    Duration.ZERO, Duration.ZERO)))));

    private static Path passwordFile() {
        try {
            Path file = Files.createTempFile("tern-jwt-test", ".passwd");
            Files.writeString(file, "carol:" + PasswordFile.hash("carol-pw".getBytes(StandardCharsets.UTF_8)) + "\n");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String token(String subject, Instant expires, String secret) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
                    .subject(subject).issueTime(new Date()).expirationTime(Date.from(expires)).build());
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String validToken(String subject) {
        return token(subject, Instant.now().plusSeconds(600), SECRET);
    }

    private static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Connects with Paho v5; returns the CONNACK reason code (0 when connected). */
    private static int pahoV5(String user, String password) throws MqttException {
        MqttClient client = new MqttClient(broker.uri(), id("jwt-paho5"), new MemoryPersistence());
        client.setTimeToWait(WAIT.toMillis());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setConnectionTimeout((int) WAIT.toSeconds());
        if (user != null) {
            o.setUserName(user);
        }
        o.setPassword(password.getBytes(StandardCharsets.UTF_8));
        try {
            client.connect(o);
            client.disconnect();
            return 0;
        } catch (MqttException e) {
            return e.getReasonCode();
        } finally {
            client.close(true);
        }
    }

    @Test
    @DisplayName("Paho v5 with a valid token as the password is let in; the username may be left out")
    void pahoV5Accepted() throws Exception {
        assertThat(pahoV5("alice", validToken("alice"))).isZero();
        assertThat(pahoV5(null, validToken("alice"))).isZero();
    }

    @Test
    @DisplayName("Paho v5 with a bad token gets CONNACK 0x86: wrong key, expired, garbage after the header")
    void pahoV5Refused() throws Exception {
        String wrongKey = token("alice", Instant.now().plusSeconds(600), "another-secret-0123456789abcdef-0123");
        assertThat(pahoV5("alice", wrongKey)).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        String expired = token("alice", Instant.now().minusSeconds(3600), SECRET);
        assertThat(pahoV5("alice", expired)).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        String[] parts = validToken("alice").split("\\.");
        assertThat(pahoV5("alice", parts[0] + "." + parts[1] + "x." + parts[2]))
                .isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
    }

    @Test
    @DisplayName("the password file still works next to JWT; anonymous clients are refused with 0x87")
    void passwordsStillWork() throws Exception {
        assertThat(pahoV5("carol", "carol-pw")).isZero();
        assertThat(pahoV5("carol", "wrong")).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        MqttClient anonymous = new MqttClient(broker.uri(), id("jwt-anon"), new MemoryPersistence());
        try {
            MqttException e = catchThrowableOfType(MqttException.class,
                    () -> anonymous.connect(new MqttConnectionOptions()));
            assertThat(e.getReasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
        } finally {
            anonymous.close(true);
        }
    }

    @Test
    @DisplayName("Paho v3 (MQTT 3.1.1) with the token's subject as username: accepted; a bad token: return code 4")
    void pahoV3() throws Exception {
        org.eclipse.paho.client.mqttv3.MqttClient client = new org.eclipse.paho.client.mqttv3.MqttClient(
                broker.uri(), id("jwt-paho3"), new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
        try {
            MqttConnectOptions o = new MqttConnectOptions();
            o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            o.setUserName("bob");
            o.setPassword(validToken("bob").toCharArray());
            client.connect(o);
            assertThat(client.isConnected()).isTrue();
            client.disconnect();
            o.setPassword(token("bob", Instant.now().minusSeconds(3600), SECRET).toCharArray());
            org.eclipse.paho.client.mqttv3.MqttException e = catchThrowableOfType(
                    org.eclipse.paho.client.mqttv3.MqttException.class, () -> client.connect(o));
            assertThat(e.getReasonCode()).isEqualTo(ReasonCode.V3_BAD_USER_NAME_OR_PASSWORD);
        } finally {
            client.close(true);
        }
    }

    @Test
    @DisplayName("HiveMQ client (MQTT 5) with only a token (no username): accepted; a bad token: 0x86")
    void hiveMq() throws Exception {
        Mqtt5AsyncClient ok = Mqtt5Client.builder().identifier(id("jwt-hivemq")).serverHost("127.0.0.1")
                .serverPort(broker.port()).buildAsync();
        Mqtt5ConnAck ack = ok.connectWith().simpleAuth().password(validToken("dave").getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth().send().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(ack.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        ok.disconnect().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

        Mqtt5AsyncClient bad = Mqtt5Client.builder().identifier(id("jwt-hivemq")).serverHost("127.0.0.1")
                .serverPort(broker.port()).buildAsync();
        ExecutionException e = catchThrowableOfType(ExecutionException.class, () -> bad.connectWith().simpleAuth()
                .password(token("dave", Instant.now().minusSeconds(3600), SECRET).getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth().send().get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertThat(e.getCause()).isInstanceOf(Mqtt5ConnAckException.class);
        assertThat(((Mqtt5ConnAckException) e.getCause()).getMqttMessage().getReasonCode())
                .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
    }
}
