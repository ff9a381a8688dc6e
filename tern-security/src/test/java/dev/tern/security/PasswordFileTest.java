package dev.tern.security;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordFileTest {
    private static final byte[] SALT12 = "twelve-bytes".getBytes(UTF_8);

    /** The expected $7$ value, computed with the JDK's PBKDF2 (independent of the Bouncy Castle code under test). */
    private static String jdkPbkdf2(String password, byte[] salt, int iterations) throws Exception {
        SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512");
        byte[] hash = f.generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 512)).getEncoded();
        Base64.Encoder b64 = Base64.getEncoder();
        return "$7$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    private static String jdkSha512(String password, byte[] salt) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-512");
        md.update(password.getBytes(UTF_8));
        md.update(salt);
        Base64.Encoder b64 = Base64.getEncoder();
        return "$6$" + b64.encodeToString(salt) + "$" + b64.encodeToString(md.digest());
    }

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    @Test
    void pbkdf2KnownAnswerComputedWithTheJdk() throws Exception {
        PasswordFile f = PasswordFile.parse("pw", "alice:" + jdkPbkdf2("s3cret", SALT12, 101) + "\n");
        assertThat(f.verify("alice", b("s3cret"))).isTrue();
        assertThat(f.verify("alice", b("s3cret "))).isFalse();
        assertThat(f.verify("alice", b("S3cret"))).isFalse();
    }

    @Test
    void pbkdf2AnySaltLengthAndIterationCount() throws Exception {
        byte[] salt = "a-much-longer-salt-of-32-bytes!!".getBytes(UTF_8);
        PasswordFile f = PasswordFile.parse("pw", "bob:" + jdkPbkdf2("pw", salt, 1000) + "\n"
                + "carl:" + jdkPbkdf2("pw2", new byte[] {1, 2, 3}, 1) + "\n");
        assertThat(f.verify("bob", b("pw"))).isTrue();
        assertThat(f.verify("carl", b("pw2"))).isTrue();
        assertThat(f.verify("carl", b("pw"))).isFalse();
    }

    @Test
    void mosquittoWrittenLineVerifies() throws Exception {
        // written by Debian's mosquitto_passwd 2.0.11: mosquitto_passwd -b -c pw alice secret
        String line = "alice:$7$101$NFQmI84Svkzoo2Vh$5l2O0Gi+pFRjAtSRIUDHk1hhwJYfPWz72wCiLgyAeR4/rHyZeu8PyzOXCqdn4vj"
                + "mwTCwgM0K7hVKZDi24eA7jw==";
        // and: mosquitto_passwd -H sha512 -b pw bob pw2
        String line6 = "bob:$6$pLV9o9rI6ZS3rp2b$speEN/u0q/3bbKT9UHTpNf/+VwwfCvTUAw0RVHWRjct81UoaQpPyjw8d3mYnbfWu"
                + "q6U8gVluwWooZDfgjs949Q==";
        PasswordFile f = PasswordFile.parse("pw", line + "\n" + line6 + "\n");
        assertThat(f.verify("alice", b("secret"))).isTrue();
        assertThat(f.verify("bob", b("pw2"))).isTrue();
        assertThat(f.verify("alice", b("pw2"))).isFalse();
    }

    @Test
    void sha512KnownAnswerComputedWithMessageDigest() throws Exception {
        PasswordFile f = PasswordFile.parse("pw", "old:" + jdkSha512("legacy", SALT12));
        assertThat(f.verify("old", b("legacy"))).isTrue();
        assertThat(f.verify("old", b("legacY"))).isFalse();
    }

    @Test
    void argon2idKnownAnswerFromTheReferenceLibrary() throws Exception {
        // computed with the reference libargon2 (argon2id_hash_encoded), password "correct horse"
        String v1 = "$argon2id$v=19$m=1024,t=2,p=1$c2FsdHNhbHRzYWx0MTIzNA$+lmmYt2z4ZMrLKIaiYmx1n/yv76miDs89Dh8Mz4LByQ";
        String v2 = "$argon2id$v=19$m=4096,t=3,p=2$c2FsdHNhbHRzYWx0MTIzNA$YeK1oI+fLqJHw7xyzD0YWGW/4PHMa3g3fUT2TKDWBhY";
        PasswordFile f = PasswordFile.parse("pw", "a:" + v1 + "\nb:" + v2 + "\n");
        assertThat(f.verify("a", b("correct horse"))).isTrue();
        assertThat(f.verify("b", b("correct horse"))).isTrue();
        assertThat(f.verify("a", b("correct horsE"))).isFalse();
        assertThat(f.hashOf("a").encoded()).isEqualTo(v1);
    }

    @Test
    void roundTripsEveryAlgorithm() throws Exception {
        for (Algorithm a : Algorithm.values()) {
            String encoded = PasswordFile.hash(b("pässwörd"), a);
            PasswordFile f = PasswordFile.parse("pw", "u:" + encoded);
            assertThat(f.verify("u", b("pässwörd"))).as(a.cliName()).isTrue();
            assertThat(f.verify("u", b("password"))).as(a.cliName()).isFalse();
            assertThat(f.hashOf("u").algorithm()).isEqualTo(a);
        }
    }

    @Test
    void newHashesUseMosquittoDefaults() throws Exception {
        String pbkdf2 = PasswordFile.hash(b("x"));
        String[] f = pbkdf2.split("\\$");
        assertThat(f[1]).isEqualTo("7");
        assertThat(f[2]).isEqualTo("101");
        assertThat(Base64.getDecoder().decode(f[3])).hasSize(12);
        assertThat(Base64.getDecoder().decode(f[4])).hasSize(64);
        assertThat(PasswordFile.hash(b("x"), Algorithm.SHA512_PBKDF2, 5000)).startsWith("$7$5000$");
        assertThat(PasswordFile.hash(b("x"), Algorithm.ARGON2ID)).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(PasswordFile.hash(b("x"))).isNotEqualTo(pbkdf2); // random salt
    }

    @Test
    void emptyPasswordWorksAndNullNeverMatches() throws Exception {
        PasswordFile f = PasswordFile.parse("pw", "e:" + PasswordFile.hash(new byte[0]));
        assertThat(f.verify("e", new byte[0])).isTrue();
        assertThat(f.verify("e", null)).isFalse();
    }

    @Test
    void commentsAndBlankLinesAreIgnored() throws Exception {
        PasswordFile f = PasswordFile.parse("pw", "# users\n\n   \r\nu:" + PasswordFile.hash(b("p")) + "\r\n# end");
        assertThat(f.usernames()).containsExactly("u");
        assertThat(f.verify("u", b("p"))).isTrue();
    }

    @Test
    void unknownUserVerifiesAgainstADecoyWithTheFilesParameters() throws Exception {
        PasswordFile f = PasswordFile.parse("pw", "u:" + PasswordFile.hash(b("p"), Algorithm.ARGON2ID));
        assertThat(f.verify("nobody", b("p"))).isFalse();
        assertThat(f.verify(null, b("p"))).isFalse();
        PasswordFile empty = PasswordFile.parse("pw", "# none\n");
        assertThat(empty.verify("u", b("p"))).isFalse();
        assertThat(empty.size()).isZero();
    }

    @Test
    void unknownUserTakesAboutAsLongAsAKnownOne() throws Exception {
        // the decoy has the first entry's cost: 20000 PBKDF2 iterations make the difference measurable
        PasswordFile f = PasswordFile.parse("pw", "u:" + PasswordFile.hash(b("p"), Algorithm.SHA512_PBKDF2, 20_000));
        for (int i = 0; i < 3; i++) { // warm up
            f.verify("u", b("x"));
            f.verify("ghost", b("x"));
        }
        long known = time(() -> f.verify("u", b("x")));
        long unknown = time(() -> f.verify("ghost", b("x")));
        assertThat((double) unknown).isGreaterThan(known * 0.4);
    }

    private static long time(Runnable r) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            r.run();
            best = Math.min(best, System.nanoTime() - t0);
        }
        return best;
    }

    @Test
    void malformedLinesNameFileLineAndProblemWithoutSecrets() throws Exception {
        String good = "ok:" + PasswordFile.hash(b("p")) + "\n";
        assertError(good + "nocolon\n", 2, "no ':'");
        assertError(good + "# c\n:$7$101$c2FsdA==$x\n", 3, "empty username");
        assertError(good + "plain:hunter2\n", 2, "not a supported password hash");
        assertError("x:$7$abc$c2FsdA==$aGFzaA==\n", 1, "iteration count is not a number");
        assertError("x:$7$0$c2FsdA==$aGFzaA==\n", 1, "iteration count must be between");
        assertError("x:$7$101$c2FsdA==\n", 1, "$7$iterations$salt$hash");
        assertError("x:$7$101$!!!!$aGFzaA==\n", 1, "salt is not valid base64");
        assertError("x:$7$101$c2FsdA==$aGFzaA==\n", 1, "hash must be 64 bytes, is 4");
        assertError("x:$6$c2FsdA==\n", 1, "$6$salt$hash");
        assertError("x:$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g\n", 1, "only the argon2id");
        assertError("x:$argon2id$v=19$m=64,t=1$c2FsdHNhbHQ$aGFzaGhhc2g\n", 1, "m=M,t=T,p=P");
        assertError("x:$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g\n", 1, "is refused");
        assertError("x:$argon2id$v=18$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g\n", 1, "unsupported version 18");
        assertError(good + good, 2, "user 'ok' is already defined at line 1");
    }

    private static void assertError(String content, int line, String problem) {
        assertThatThrownBy(() -> PasswordFile.parse("/etc/tern/passwd", content))
                .isInstanceOfSatisfying(FileFormatException.class, e -> {
                    assertThat(e.file()).isEqualTo("/etc/tern/passwd");
                    assertThat(e.line()).isEqualTo(line);
                    assertThat(e.getMessage()).startsWith("/etc/tern/passwd:" + line + ": ").contains(problem)
                            .doesNotContain("hunter2", "aGFzaA", "c2FsdA");
                });
    }

    @Test
    void loadsFromAPath(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("passwd");
        Files.writeString(file, "u:" + PasswordFile.hash(b("p")) + "\n");
        PasswordFile f = PasswordFile.load(file);
        assertThat(f.verify("u", b("p"))).isTrue();
        assertThat(f.source()).isEqualTo(file.toString());
    }

    @Test
    void usernamesThatCannotBeWrittenAreRefused() throws Exception {
        assertThat(PasswordFile.usernameProblem("alice")).isNull();
        assertThat(PasswordFile.usernameProblem("a:b")).contains("':'");
        assertThat(PasswordFile.usernameProblem("")).contains("empty");
        assertThat(PasswordFile.usernameProblem("a\nb")).contains("line break");
        assertThat(PasswordFile.usernameProblem("#a")).contains("comment");
    }
}
