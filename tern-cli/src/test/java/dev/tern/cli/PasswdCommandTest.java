package dev.tern.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.security.Algorithm;
import dev.tern.security.PasswordFile;
import dev.tern.security.ScramCredential;
import dev.tern.security.ScramCredentialFile;
import dev.tern.security.ScramMechanism;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PasswdCommandTest {
    @TempDir
    Path dir;

    /** Runs {@code tern passwd} with {@code stdin} as standard input and no terminal. */
    private static CliRun passwd(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new PasswdCommand(new ByteArrayInputStream(stdin.getBytes(UTF_8)), false));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    private static boolean verifies(Path file, String user, String password) throws Exception {
        return PasswordFile.load(file).verify(user, password.getBytes(UTF_8));
    }

    @Test
    void isASubcommandOfTern() {
        CliRun run = CliRun.of("passwd", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("PASSWORDFILE", "-c", "-D", "-b", "-U", "-H", "-I", "argon2id");
        assertThat(CliRun.of("--help").out()).contains("passwd");
    }

    @Test
    void createInBatchMode() throws Exception {
        Path file = dir.resolve("passwd");
        CliRun run = CliRun.of("passwd", "-c", "-b", file.toString(), "alice", "wonder land");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(verifies(file, "alice", "wonder land")).isTrue();
        assertThat(Files.readString(file)).startsWith("alice:$7$101$").endsWith("\n");
        if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
    }

    @Test
    void createOverwritesAnExistingFile() throws Exception {
        Path file = dir.resolve("passwd");
        Files.writeString(file, "old:" + PasswordFile.hash("x".getBytes(UTF_8)) + "\n");
        assertThat(CliRun.of("passwd", "-c", "-b", file.toString(), "new", "y").exitCode()).isZero();
        assertThat(PasswordFile.load(file).usernames()).containsExactly("new");
    }

    @Test
    void addAndUpdateKeepOtherLinesAndComments() throws Exception {
        Path file = dir.resolve("passwd");
        Files.writeString(file, "# our users\nbob:" + PasswordFile.hash("b".getBytes(UTF_8)) + "\n");
        assertThat(CliRun.of("passwd", "-b", file.toString(), "alice", "a1").exitCode()).isZero();
        assertThat(CliRun.of("passwd", "-b", "-H", "argon2id", file.toString(), "bob", "b2").exitCode()).isZero();
        assertThat(Files.readString(file)).startsWith("# our users\nbob:$argon2id$v=19$");
        assertThat(verifies(file, "alice", "a1")).isTrue();
        assertThat(verifies(file, "bob", "b2")).isTrue();
        assertThat(verifies(file, "bob", "b")).isFalse();
    }

    @Test
    void hashAndIterationOptions() throws Exception {
        Path file = dir.resolve("passwd");
        assertThat(CliRun.of("passwd", "-c", "-b", "-I", "2000", file.toString(), "a", "p").exitCode()).isZero();
        assertThat(Files.readString(file)).startsWith("a:$7$2000$");
        assertThat(CliRun.of("passwd", "-b", "-H", "sha512", file.toString(), "b", "p").exitCode()).isZero();
        assertThat(PasswordFile.load(file).hashOf("b").algorithm()).isEqualTo(Algorithm.SHA512);
        assertThat(CliRun.of("passwd", "-b", "-H", "argon2id", "-I", "3", file.toString(), "c", "p").exitCode())
                .isZero();
        assertThat(PasswordFile.load(file).hashOf("c").encoded()).startsWith("$argon2id$v=19$m=19456,t=3,p=1$");
        assertThat(verifies(file, "c", "p")).isTrue();
    }

    @Test
    void promptsTwiceOnStandardInput() throws Exception {
        Path file = dir.resolve("passwd");
        CliRun run = passwd("s3cret\ns3cret\n", "-c", file.toString(), "alice");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(verifies(file, "alice", "s3cret")).isTrue();

        CliRun mismatch = passwd("one\ntwo\n", file.toString(), "alice");
        assertThat(mismatch.exitCode()).isEqualTo(1);
        assertThat(mismatch.err()).contains("passwords do not match");
        assertThat(verifies(file, "alice", "s3cret")).isTrue();

        CliRun eof = passwd("", file.toString(), "bob");
        assertThat(eof.exitCode()).isEqualTo(1);
        assertThat(eof.err()).contains("no password given");
    }

    @Test
    void deleteRemovesOnlyThatUser() throws Exception {
        Path file = dir.resolve("passwd");
        CliRun.of("passwd", "-c", "-b", file.toString(), "alice", "a");
        CliRun.of("passwd", "-b", file.toString(), "bob", "b");
        CliRun run = CliRun.of("passwd", "-D", file.toString(), "alice");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(PasswordFile.load(file).usernames()).containsExactly("bob");
        CliRun again = CliRun.of("passwd", "-D", file.toString(), "alice");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("user 'alice' not found in " + file);
    }

    @Test
    void upgradeHashesAPlainTextFile() throws Exception {
        Path file = dir.resolve("passwd");
        Files.writeString(file, "# plain\nalice:in wonderland\nbob:builder\n");
        CliRun run = CliRun.of("passwd", "-U", file.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("Hashed 2 passwords");
        assertThat(verifies(file, "alice", "in wonderland")).isTrue();
        assertThat(verifies(file, "bob", "builder")).isTrue();
        assertThat(Files.readString(file)).startsWith("# plain\nalice:$7$101$");
        // a second run changes nothing
        String once = Files.readString(file);
        assertThat(CliRun.of("passwd", "-U", file.toString()).out()).contains("Hashed 0 passwords");
        assertThat(Files.readString(file)).isEqualTo(once);
    }

    @Test
    void errorsAreExplained() throws Exception {
        Path file = dir.resolve("passwd");
        Path missing = dir.resolve("missing");
        assertFails(1, "does not exist; use -c to create it", "-b", missing.toString(), "u", "p");
        assertFails(1, "does not exist", "-D", missing.toString(), "u");
        assertFails(2, "-c and -D cannot be used together", "-c", "-D", file.toString(), "u");
        assertFails(2, "-b needs the password", "-c", "-b", file.toString(), "u");
        assertFails(2, "needs -b", "-c", file.toString(), "u", "p");
        assertFails(2, "missing USERNAME", "-c", file.toString());
        assertFails(2, "username contains ':'", "-c", "-b", file.toString(), "a:b", "p");
        assertFails(2, "unknown hash 'md5'", "-c", "-b", "-H", "md5", file.toString(), "u", "p");
        assertFails(2, "-U cannot be used with", "-U", "-b", file.toString());
        assertFails(2, "-I must be at least 1", "-c", "-b", "-I", "0", file.toString(), "u", "p");
        Files.writeString(file, "alice:plain\nbroken\n");
        assertFails(1, file + ":2: expected username:password", "-U", file.toString());
        assertThat(Files.readString(file)).isEqualTo("alice:plain\nbroken\n");
    }

    @Test
    void scramCredentials() throws Exception {
        Path file = dir.resolve("scram");
        CliRun run = CliRun.of("passwd", "--scram", "sha-256,sha-512", "-c", "-b", file.toString(), "alice", "pencil");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Files.readString(file)).matches("alice:SCRAM-SHA-256:4096:[^:]+:[^:]+:[^:]+\n"
                + "alice:SCRAM-SHA-512:4096:[^:]+:[^:]+:[^:]+\n");
        if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
        // the stored credential is the one of the password: derive it again with the file's salt
        ScramCredentialFile f = ScramCredentialFile.load(file);
        ScramCredential stored = f.find("alice", ScramMechanism.SHA_256);
        assertThat(ScramCredential.derive(ScramMechanism.SHA_256, "pencil", stored.salt(), 4096).encoded())
                .isEqualTo(stored.encoded());

        // another user, asked on standard input, more iterations; then a new SHA-512 line for alice, in place
        assertThat(passwd("pw2\npw2\n", "--scram", "sha-512", "-I", "10000", file.toString(), "bob").exitCode())
                .isZero();
        String before = Files.readString(file);
        assertThat(CliRun.of("passwd", "--scram", "SCRAM-SHA-512", "-b", file.toString(), "alice", "new").exitCode())
                .isZero();
        f = ScramCredentialFile.load(file);
        assertThat(f.find("bob", ScramMechanism.SHA_512).iterations()).isEqualTo(10000);
        assertThat(f.find("alice", ScramMechanism.SHA_256).encoded()).isEqualTo(stored.encoded());
        assertThat(Files.readString(file).lines().toList().get(1)).startsWith("alice:SCRAM-SHA-512:")
                .isNotEqualTo(before.lines().toList().get(1));

        // -D with --scram removes that mechanism's line only
        assertThat(CliRun.of("passwd", "--scram", "sha-256", "-D", file.toString(), "alice").exitCode()).isZero();
        f = ScramCredentialFile.load(file);
        assertThat(f.find("alice", ScramMechanism.SHA_256)).isNull();
        assertThat(f.find("alice", ScramMechanism.SHA_512)).isNotNull();
        assertFails(1, "user 'alice' has no SCRAM-SHA-256 line", "--scram", "sha-256", "-D", file.toString(), "alice");
    }

    @Test
    void scramErrors() {
        Path file = dir.resolve("scram");
        assertFails(2, "unknown SCRAM mechanism 'sha-1'", "--scram", "sha-1", "-c", "-b", file.toString(), "u", "p");
        assertFails(2, "-I must be at least 4096", "--scram", "sha-256", "-I", "1000", "-c", "-b", file.toString(),
                "u", "p");
        assertFails(2, "--scram cannot be used with -H", "--scram", "sha-256", "-H", "argon2id", "-c", "-b",
                file.toString(), "u", "p");
        assertFails(2, "--scram cannot be used with -U", "--scram", "sha-256", "-U", file.toString());
        assertFails(2, "not in SASLprep form", "--scram", "sha-256", "-c", "-b", file.toString(), "\u2168", "p");
        assertFails(1, "cannot be used for SCRAM: character U+0007", "--scram", "sha-256", "-c", "-b",
                file.toString(), "u", "a\u0007b");
    }

    private static void assertFails(int code, String message, String... args) {
        CliRun run = CliRun.of(prepend("passwd", args));
        assertThat(run.exitCode()).as(String.join(" ", args) + ": " + run.err()).isEqualTo(code);
        assertThat(run.err()).contains(message);
    }

    private static String[] prepend(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
