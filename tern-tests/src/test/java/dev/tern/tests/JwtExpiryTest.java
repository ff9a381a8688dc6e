package dev.tern.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tern.codec.ReasonCode;
import dev.tern.codec.packet.Connack;
import dev.tern.codec.packet.Disconnect;
import dev.tern.codec.packet.Publish;
import dev.tern.security.JwtSettings;
import dev.tern.server.config.AuthConfig;
import dev.tern.server.config.BrokerConfig;
import dev.tern.server.config.JwtConfig;
import dev.tern.testkit.RawMqttClient;
import dev.tern.testkit.TernExtension;
import dev.tern.tests.support.ConnectBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client whose JWT expires is disconnected then: MQTT 5 with DISCONNECT 0xA0 (maximum connect time), MQTT 3.1.1
 * by closing the connection; its will goes out as for any server-side close. Clock skew 0, so a token that expires
 * in 2 s ends the connection within 2 s.
 */
class JwtExpiryTest {
    private static final String SECRET = "jwt-expiry-secret-0123456789abcdef-012345";
    private static final Duration WAIT = Duration.ofSeconds(6);

    @RegisterExtension
    static TernExtension broker = new TernExtension(b -> b.config(BrokerConfig.defaults()
            .withAuth(new AuthConfig(true, null, null).withJwt(new JwtConfig(SECRET, null, null,
                    JwtSettings.DEFAULT_USERNAME_CLAIM, null, List.of(), Duration.ZERO, false)))));

    private static String token(String subject, Instant expires) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
                    .subject(subject).expirationTime(Date.from(expires)).build());
            jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @DisplayName("MQTT 5: DISCONNECT 0xA0 when the token expires, and the will is published")
    void v5DisconnectedWithMaximumConnectTime() {
        try (RawMqttClient watcher = broker.rawClient(); RawMqttClient client = broker.rawClient()) {
            assertThat(watcher.handshake(ConnectBuilder.v5("jwt-exp-watcher").build()).reasonCode()).isZero();
            watcher.subscribe("wills/#", 0);
            Instant expires = Instant.now().plusSeconds(2);
            Connack connack = client.handshake(ConnectBuilder.v5("jwt-exp-v5").keepAlive(0)
                    .credentials("alice", token("alice", expires)).will("wills/alice", "gone", 0, false).build());
            assertThat(connack.reasonCode()).isZero();
            Disconnect d = client.expect(Disconnect.class, WAIT);
            assertThat(d.reasonCode()).isEqualTo(ReasonCode.MAXIMUM_CONNECT_TIME);
            // exp has second precision: the disconnect comes at exp, not before it was due
            assertThat(Instant.now()).isAfterOrEqualTo(expires.minusSeconds(1));
            assertThat(client.awaitClosed(WAIT)).isTrue();
            Publish will = watcher.expect(Publish.class, WAIT);
            assertThat(will.topic()).isEqualTo("wills/alice");
        }
    }

    @Test
    @DisplayName("MQTT 3.1.1: the connection is closed when the token expires")
    void v311Closed() {
        try (RawMqttClient client = broker.rawClient().version(dev.tern.codec.MqttVersion.V3_1_1)) {
            Connack connack = client.handshake(ConnectBuilder.v311("jwt-exp-v3").keepAlive(0)
                    .credentials("bob", token("bob", Instant.now().plusSeconds(2))).build());
            assertThat(connack.reasonCode()).isZero();
            assertThat(client.awaitClosed(WAIT)).isTrue();
            assertThat(client.discarded()).isEmpty();
        }
    }

    @Test
    @DisplayName("a token without exp: the client stays connected")
    void noExpiryStays() throws Exception {
        try (RawMqttClient client = broker.rawClient()) {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256),
                    new JWTClaimsSet.Builder().subject("carol").build());
            jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
            assertThat(client.handshake(ConnectBuilder.v5("jwt-noexp").keepAlive(0)
                    .credentials("carol", jwt.serialize()).build()).reasonCode()).isZero();
            client.expectNothing(Duration.ofMillis(1000));
        }
    }
}
