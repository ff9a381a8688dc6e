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
}
