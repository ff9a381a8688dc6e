package dev.tern.security;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Password files exchanged with Mosquitto 2.x: files written by {@code mosquitto_passwd} verify here, and files
 * written here let clients into a real {@code mosquitto} broker. Needs Debian's {@code mosquitto} (broker and
 * mosquitto_passwd) and {@code mosquitto-clients} (mosquitto_pub); skipped with the reason when they are missing.
 */
class MosquittoInteropTest {
    @TempDir
    Path dir;

    private Process broker;

    @AfterEach
    void stopBroker() throws InterruptedException {
        if (broker != null) {
            broker.destroy();
            if (!broker.waitFor(5, TimeUnit.SECONDS)) {
                broker.destroyForcibly();
            }
        }
    }

    /** The tool's absolute path (PATH, then /usr/sbin and /usr/bin), or null when it is not installed. */
    private static String locate(String tool) {
        String path = System.getenv("PATH");
        List<String> dirs = new ArrayList<>(List.of((path == null ? "" : path).split(File.pathSeparator)));
        dirs.add("/usr/sbin");
        dirs.add("/usr/bin");
        return dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, tool)).filter(Files::isExecutable)
                .map(Path::toString).findFirst().orElse(null);
    }

    private static void assumeTools(String... tools) {
        for (String t : tools) {
            boolean present = locate(t) != null;
            if (!present) {
                System.out.println("MosquittoInteropTest skipped: " + t
                        + " not installed (Debian packages: mosquitto, mosquitto-clients)");
            }
            Assumptions.assumeTrue(present, t + " not installed (apt-get install mosquitto mosquitto-clients)");
        }
    }

    private record Result(int exit, String output) {
    }

    private Result run(String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(command));
        cmd.set(0, locate(cmd.get(0)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        p.getOutputStream().close();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), UTF_8));
    }

    @Test
    void filesWrittenByMosquittoPasswdVerify() throws Exception {
        assumeTools("mosquitto_passwd");
        Path file = dir.resolve("passwd");
        assertThat(run("mosquitto_passwd", "-b", "-c", file.toString(), "alice", "s3cret with spaces").exit())
                .isZero();
        assertThat(run("mosquitto_passwd", "-H", "sha512", "-b", file.toString(), "bob", "pw2").exit()).isZero();
        assertThat(run("mosquitto_passwd", "-b", file.toString(), "carol", "").exit()).isZero();
        PasswordFile f = PasswordFile.load(file);
        assertThat(f.usernames()).containsExactly("alice", "bob", "carol");
        assertThat(f.hashOf("alice").algorithm()).isEqualTo(Algorithm.SHA512_PBKDF2);
        assertThat(f.hashOf("alice").encoded()).startsWith("$7$101$");
        assertThat(((PasswordHash.Pbkdf2Sha512) f.hashOf("alice")).saltLength()).isEqualTo(12);
        assertThat(f.hashOf("bob").algorithm()).isEqualTo(Algorithm.SHA512);
        assertThat(f.verify("alice", "s3cret with spaces".getBytes(UTF_8))).isTrue();
        assertThat(f.verify("alice", "s3cret".getBytes(UTF_8))).isFalse();
        assertThat(f.verify("bob", "pw2".getBytes(UTF_8))).isTrue();
        assertThat(f.verify("carol", new byte[0])).isTrue();
    }

    @Test
    void mosquittoAcceptsFilesWrittenHere() throws Exception {
        assumeTools("mosquitto", "mosquitto_pub");
        Path file = dir.resolve("passwd");
        PasswordFileEditor e = PasswordFileEditor.empty();
        e.put("alice", PasswordFile.hash("wonder land".getBytes(UTF_8)));
        e.put("bob", PasswordFile.hash("builder".getBytes(UTF_8), Algorithm.SHA512));
        e.put("dave", PasswordFile.hash("slow".getBytes(UTF_8), Algorithm.SHA512_PBKDF2, 5000));
        e.writeTo(file);
        int port = startBroker(file);

        assertThat(pub(port, "alice", "wonder land")).as("alice, $7$").isZero();
        assertThat(pub(port, "bob", "builder")).as("bob, $6$").isZero();
        assertThat(pub(port, "dave", "slow")).as("dave, $7$ with 5000 iterations").isZero();
        assertThat(pub(port, "alice", "wonderland")).as("wrong password").isNotZero();
        assertThat(pub(port, "nobody", "x")).as("unknown user").isNotZero();
    }

    private int pub(int port, String user, String password) throws Exception {
        Result r = run("mosquitto_pub", "-h", "127.0.0.1", "-p", String.valueOf(port), "-u", user, "-P", password,
                "-t", "interop/test", "-m", "hello", "-q", "1");
        System.out.println("mosquitto_pub as " + user + ": exit " + r.exit() + " " + r.output().strip());
        return r.exit();
    }

    private int startBroker(Path passwordFile) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path conf = dir.resolve("mosquitto.conf");
        Files.writeString(conf, String.join("\n",
                "listener " + port + " 127.0.0.1",
                "allow_anonymous false",
                "password_file " + passwordFile,
                "persistence false",
                "user root",
                "log_dest stderr",
                ""));
        broker = new ProcessBuilder(locate("mosquitto"), "-c", conf.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("mosquitto.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!broker.isAlive()) {
                throw new AssertionError("mosquitto exited: " + Files.readString(dir.resolve("mosquitto.log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return port;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("mosquitto did not listen on " + port + ": "
                + Files.readString(dir.resolve("mosquitto.log")));
    }
}
