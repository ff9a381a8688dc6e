package dev.tern.security;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.spi.auth.AuthRequest;
import dev.tern.spi.auth.AuthResult;
import dev.tern.spi.auth.AuthStep;
import dev.tern.spi.auth.EnhancedAuthSession;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SCRAM through the enhanced-authentication SPI, the credential file and SASLprep. */
class ScramAuthenticatorTest {
    @TempDir
    Path dir;

    private static final InetSocketAddress ADDR = new InetSocketAddress("127.0.0.1", 50000);

    private static ScramCredentialFile file(String... lines) throws FileFormatException {
        return ScramCredentialFile.parse("scram", String.join("\n", lines) + "\n");
    }

    private static AuthRequest req(String user) {
        return new AuthRequest("c1", user, null, ADDR, "tcp");
    }

    /** Runs a whole exchange as the test client; returns the last step. */
    private static AuthStep exchange(ScramAuthenticator auth, String connectUser, String user, String password)
            throws Exception {
        ScramMechanism m = ScramMechanism.byName(auth.method()).orElseThrow();
        ScramServerTest.TestClient client = new ScramServerTest.TestClient(m, "n,,", user, "cnonce123");
        EnhancedAuthSession session = auth.start(req(connectUser));
        AuthStep first = session.step(client.first());
        if (!(first instanceof AuthStep.Continue c)) {
            return first;
        }
        AuthStep last = session.step(client.last(new String(c.serverData(), UTF_8), password));
        if (last instanceof AuthStep.Success s) {
            assertThat(new String(s.serverData(), UTF_8)).isEqualTo(client.serverSignature);
        }
        return last;
    }

    @Test
    void bothMechanismsFromOneFile() throws Exception {
        ScramCredentialFile f = file("# users",
                "alice:" + ScramCredential.create(ScramMechanism.SHA_256, "wonderland", 4096).encoded(),
                "alice:" + ScramCredential.create(ScramMechanism.SHA_512, "wonderland", 4096).encoded(),
                "bob:" + ScramCredential.create(ScramMechanism.SHA_512, "builder", 5000).encoded());
        ScramAuthenticator sha256 = new ScramAuthenticator(ScramMechanism.SHA_256, () -> f);
        ScramAuthenticator sha512 = new ScramAuthenticator(ScramMechanism.SHA_512, () -> f);
        assertThat(sha256.method()).isEqualTo("SCRAM-SHA-256");
        assertThat(sha512.method()).isEqualTo("SCRAM-SHA-512");

        AuthStep ok = exchange(sha256, null, "alice", "wonderland");
        assertThat(ok).isInstanceOf(AuthStep.Success.class);
        assertThat(((AuthStep.Success) ok).username()).isEqualTo("alice");
        assertThat(((AuthStep.Success) ok).validUntil()).isNull();
        assertThat(exchange(sha512, "bob", "bob", "builder")).isInstanceOf(AuthStep.Success.class);

        assertThat(exchange(sha256, null, "alice", "wrong")).isEqualTo(new AuthStep.Failure(
                AuthResult.BAD_CREDENTIALS, "SCRAM-SHA-256: invalid-proof: wrong password for user 'alice'"));
        // bob has no SHA-256 credential: like an unknown user, refused only at the proof
        AuthStep noSha256 = exchange(sha256, null, "bob", "builder");
        assertThat(((AuthStep.Failure) noSha256).result()).isEqualTo(AuthResult.BAD_CREDENTIALS);
        assertThat(((AuthStep.Failure) noSha256).reason()).contains("unknown-user");
    }

    @Test
    void theScramUserMustBeTheConnectUser() throws Exception {
        ScramCredentialFile f = file("alice:" + ScramCredential.create(ScramMechanism.SHA_256, "pw", 4096).encoded());
        ScramAuthenticator auth = new ScramAuthenticator(ScramMechanism.SHA_256, () -> f);
        // a CONNECT user name (or, re-authenticating, the current user) that is not the SCRAM user: 0x87
        AuthStep step = exchange(auth, "mallory", "alice", "pw");
        assertThat(((AuthStep.Failure) step).result()).isEqualTo(AuthResult.NOT_AUTHORIZED);
        assertThat(exchange(auth, "alice", "alice", "pw")).isInstanceOf(AuthStep.Success.class);
    }

    @Test
    void protocolSlipsAreNotAuthorizedAndTheSessionEnds() {
        ScramAuthenticator auth = new ScramAuthenticator(ScramMechanism.SHA_256, () -> null);
        EnhancedAuthSession s = auth.start(req(null));
        assertThat(((AuthStep.Failure) s.step(null)).result()).isEqualTo(AuthResult.NOT_AUTHORIZED);
        EnhancedAuthSession p = auth.start(req(null));
        AuthStep.Failure cb = (AuthStep.Failure) p.step("p=tls-exporter,,n=a,r=b".getBytes(UTF_8));
        assertThat(cb.result()).isEqualTo(AuthResult.NOT_AUTHORIZED);
        assertThat(cb.reason()).contains("channel-binding-not-supported");
        EnhancedAuthSession three = auth.start(req(null));
        assertThat(three.step("n,,n=a,r=b".getBytes(UTF_8))).isInstanceOf(AuthStep.Continue.class);
        assertThat(three.step("c=biws,r=x,p=AAAA".getBytes(UTF_8))).isInstanceOf(AuthStep.Failure.class);
        assertThat(three.step("again".getBytes(UTF_8))).isInstanceOf(AuthStep.Failure.class);
        assertThatThrownBy(() -> new ScramAuthenticator(ScramMechanism.SHA_1, () -> null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void followsTheReloadedFileBetweenExchanges() throws Exception {
        Path path = dir.resolve("scram");
        Files.writeString(path, "u:" + ScramCredential.create(ScramMechanism.SHA_256, "one", 4096).encoded() + "\n");
        ReloadingFile<ScramCredentialFile> f = ReloadingFile.load(path, ScramCredentialFile::load);
        ScramAuthenticator auth = new ScramAuthenticator(ScramMechanism.SHA_256, f);
        assertThat(exchange(auth, null, "u", "one")).isInstanceOf(AuthStep.Success.class);
        Files.writeString(path, "u:" + ScramCredential.create(ScramMechanism.SHA_256, "two", 4096).encoded() + "\n");
        assertThat(f.reload()).isEmpty();
        assertThat(exchange(auth, null, "u", "one")).isInstanceOf(AuthStep.Failure.class);
        assertThat(exchange(auth, null, "u", "two")).isInstanceOf(AuthStep.Success.class);
    }

    @Test
    void theSameUnknownUserAlwaysGetsTheSameSalt() {
        ScramAuthenticator auth = new ScramAuthenticator(ScramMechanism.SHA_256, () -> null);
        String a = new String(((AuthStep.Continue) auth.start(req(null)).step("n,,n=ghost,r=x".getBytes(UTF_8)))
                .serverData(), UTF_8);
        String b = new String(((AuthStep.Continue) auth.start(req(null)).step("n,,n=ghost,r=y".getBytes(UTF_8)))
                .serverData(), UTF_8);
        String other = new String(((AuthStep.Continue) auth.start(req(null)).step("n,,n=ghost2,r=y".getBytes(UTF_8)))
                .serverData(), UTF_8);
        assertThat(a.substring(a.indexOf(",s="))).isEqualTo(b.substring(b.indexOf(",s=")))
                .isNotEqualTo(other.substring(other.indexOf(",s=")));
    }

    @Test
    void credentialFileFormat() throws Exception {
        String good = ScramCredential.create(ScramMechanism.SHA_256, "pw", 4096).encoded();
        assertThat(good).matches("SCRAM-SHA-256:4096:[A-Za-z0-9+/=]{24}:[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}");
        ScramCredentialFile f = file("u:" + good);
        assertThat(f.find("u", ScramMechanism.SHA_256).encoded()).isEqualTo(good);
        assertThat(f.find("u", ScramMechanism.SHA_512)).isNull();
        record Bad(String line, String message) {
        }
        for (Bad bad : new Bad[] {
            new Bad("no colon", "scram:1: expected user:SCRAM-SHA-256"),
            new Bad("u:SCRAM-SHA-1:4096:c2FsdHNhbHQ=:AA==:AA==", "unknown mechanism 'SCRAM-SHA-1'"),
            new Bad("u:SCRAM-SHA-256:100:c2FsdHNhbHQ=:AA==:AA==", "at least 4096"),
            new Bad("u:SCRAM-SHA-256:4096:c2FsdA==:AA==:AA==", "salt must be at least 8 bytes"),
            new Bad("u:SCRAM-SHA-256:4096:c2FsdHNhbHQ=:AA==:AA==", "must be 32 bytes each"),
            new Bad("u:SCRAM-SHA-256:4096:!!:AA==:AA==", "salt is not valid base64"),
            new Bad("u:SCRAM-SHA-256:4096", "5 fields"),
            new Bad("u:" + good + "\nu:" + good, "scram:2: user 'u' already has a SCRAM-SHA-256 line at line 1"),
            new Bad("us\u00ADer:" + good, "not in SASLprep form"),
        }) {
            assertThatThrownBy(() -> file(bad.line)).as(bad.line).isInstanceOf(FileFormatException.class)
                    .hasMessageContaining(bad.message);
        }
    }

    @Test
    void saslPrep() {
        assertThat(SaslPrep.prepare("user")).isEqualTo("user");
        assertThat(SaslPrep.prepare("I\u00ADX")).isEqualTo("IX");          // RFC 4013 section 3 examples
        assertThat(SaslPrep.prepare("\u00AA")).isEqualTo("a");
        assertThat(SaslPrep.prepare("\u2168")).isEqualTo("IX");
        assertThat(SaslPrep.prepare("a\u00A0b")).isEqualTo("a b");
        assertThat(SaslPrep.prepare("caf\u0065\u0301")).isEqualTo("caf\u00E9");
        for (String bad : new String[] {"\u0007", "a\u007Fb", "\u00AD", "", "x\u200Ey", "\uE000", "\uFFFD"}) {
            assertThatThrownBy(() -> SaslPrep.prepare(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(SaslPrep.isPrepared("alice")).isTrue();
        assertThat(SaslPrep.isPrepared("\u2168")).isFalse();
        // the password is prepared too: "I\u00ADX" and "IX" are one password
        ScramCredential a = ScramCredential.create(ScramMechanism.SHA_256, "I\u00ADX", 4096);
        assertThat(ScramCredential.derive(ScramMechanism.SHA_256, "IX", a.salt(), 4096).encoded())
                .isEqualTo(a.encoded());
    }

    @Test
    void mechanismNames() {
        assertThat(ScramMechanism.byName("sha-256")).contains(ScramMechanism.SHA_256);
        assertThat(ScramMechanism.byName("SCRAM-SHA-512")).contains(ScramMechanism.SHA_512);
        assertThat(ScramMechanism.byName("sha512")).contains(ScramMechanism.SHA_512);
        assertThat(ScramMechanism.byName("sha-1")).isEmpty();
        assertThat(ScramMechanism.byName("md5")).isEmpty();
    }
}
