package dev.tern.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tern.security.ScramCredential;
import dev.tern.security.ScramMechanism;
import dev.tern.server.config.AuthConfig;
import dev.tern.server.config.JwtConfig;
import dev.tern.spi.auth.AuthDecision;
import dev.tern.spi.auth.AuthRequest;
import dev.tern.spi.auth.AuthResult;
import dev.tern.spi.auth.AuthStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How auth: wires JWT, the password rules and SCRAM together. */
class SecurityTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private static AuthRequest req(String user, String password) {
        return new AuthRequest("c", user, password == null ? null : password.getBytes(UTF_8), null, "tcp");
    }

    private static String token(String sub) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().subject(sub)
                .expirationTime(Date.from(NOW.plusSeconds(60))).build());
        jwt.sign(new MACSigner(SECRET.getBytes(UTF_8)));
        return jwt.serialize();
    }

    @Test
    void jwtWithoutAPasswordFile() throws Exception {
        try (Security s = new Security(new AuthConfig(true).withJwt(JwtConfig.withSecret(SECRET)),
                Clock.fixed(NOW, ZoneOffset.UTC))) {
            AuthDecision d = s.authenticator().decide(req(null, token("alice")));
            assertThat(d).isEqualTo(AuthDecision.allow("alice", NOW.plusSeconds(90)));
            // anonymous as configured; a username without a token cannot be proved
            assertThat(s.authenticator().authenticate(req(null, null))).isEqualTo(AuthResult.ALLOW);
            assertThat(s.authenticator().authenticate(req("alice", "guess"))).isEqualTo(AuthResult.BAD_CREDENTIALS);
            assertThat(s.enhancedAuthenticators()).isEmpty();
        }
        // without jwt, the old rule: a username is taken as given where anonymous clients are welcome
        try (Security s = new Security(new AuthConfig(true))) {
            assertThat(s.authenticator().authenticate(req("alice", "guess"))).isEqualTo(AuthResult.ALLOW);
        }
    }

    @Test
    void scramMethodsFromTheCredentialFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("scram"), "alice:" + ScramCredential.create(ScramMechanism.SHA_512,
                "pw", 4096).encoded() + "\n");
        try (Security s = new Security(new AuthConfig(false).withScramFile(file))) {
            assertThat(s.enhancedAuthenticators()).containsOnlyKeys("SCRAM-SHA-256", "SCRAM-SHA-512");
            AuthStep first = s.enhancedAuthenticators().get("SCRAM-SHA-512").start(req(null, null))
                    .step("n,,n=alice,r=abc".getBytes(UTF_8));
            assertThat(first).isInstanceOf(AuthStep.Continue.class);
            assertThat(s.reload()).isEmpty();
        }
    }

    @Test
    void listenerFilesApplyOnceTheListenerIsBound(@TempDir Path dir) throws Exception {
        Path own = Files.writeString(dir.resolve("own"), "alice:" + dev.tern.security.PasswordFile.hash(
                "pw".getBytes(UTF_8)) + "\n");
        Path acl = Files.writeString(dir.resolve("acl"), "user alice\ntopic read a/#\n");
        java.util.List<dev.tern.server.config.ListenerConfig> listeners = java.util.List.of(
                dev.tern.server.config.ListenerConfig.tcp("127.0.0.1", 0),
                dev.tern.server.config.ListenerConfig.tcp("127.0.0.1", 0).withAuthFiles(own, acl));
        try (Security s = new Security(new AuthConfig(true), listeners, Clock.systemUTC())) {
            AuthRequest onOwn = new AuthRequest("c", "alice", "pw".getBytes(UTF_8), null, "tcp 127.0.0.1:2");
            dev.tern.spi.auth.ClientIdentity aliceOnOwn =
                    new dev.tern.spi.auth.ClientIdentity("c", "alice", null, "tcp 127.0.0.1:2");
            // accepted before the bound name is known: refused, never checked against the global rules
            assertThat(s.authenticator().authenticate(onOwn)).isEqualTo(AuthResult.NOT_AUTHORIZED);
            assertThat(s.authorizer().canRead(aliceOnOwn, "a/b")).isFalse();
            s.bindListener(0, "tcp 127.0.0.1:1");
            s.bindListener(1, "tcp 127.0.0.1:2");
            assertThat(s.authenticator().authenticate(onOwn)).isEqualTo(AuthResult.ALLOW);
            assertThat(s.authenticator().authenticate(new AuthRequest("c", "alice", "no".getBytes(UTF_8), null,
                    "tcp 127.0.0.1:2"))).isEqualTo(AuthResult.BAD_CREDENTIALS);
            assertThat(s.authorizer().canRead(aliceOnOwn, "a/b")).isTrue();
            assertThat(s.authorizer().canPublish(aliceOnOwn, "a/b")).isFalse();
            // the other listener keeps the global rules: no password file, anonymous welcome, no ACL
            assertThat(s.authenticator().authenticate(new AuthRequest("c", "alice", "any".getBytes(UTF_8), null,
                    "tcp 127.0.0.1:1"))).isEqualTo(AuthResult.ALLOW);
            assertThat(s.authorizer().canPublish(new dev.tern.spi.auth.ClientIdentity("c", "alice", null,
                    "tcp 127.0.0.1:1"), "a/b")).isTrue();
            // a session restored from the store, not connected since: its listener is unknown
            assertThat(s.authorizer().canRead(null, "a/b")).isFalse();
        }
    }
}
