package dev.tern.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tern.cli.client.ClientRun.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --cafile --cert --key --insecure} against Debian's mosquitto with TLS listeners and certificates made here
 * with openssl (Tern has no TLS listener yet). Skipped, with the reason printed, when mosquitto or openssl is
 * missing.
 */
class TlsTest {
    @TempDir
    static Path dir;
    private static Mosquitto mosquitto;
    /** Requires a client certificate; its server certificate names 127.0.0.1 and localhost. */
    private static String mutualPort;
    /** Its server certificate names only wrong.example. */
    private static String wrongNamePort;
    private static String ca;

    @BeforeAll
    static void start() throws Exception {
        String missing = Mosquitto.tool("mosquitto") == null ? "mosquitto"
                : Mosquitto.tool("openssl") == null ? "openssl" : null;
        if (missing != null) {
            System.out.println("TlsTest skipped: " + missing + " is not installed");
        }
        assumeTrue(missing == null, missing + " is needed");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=tern test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        issue("server", "/CN=localhost", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
        issue("wrong", "/CN=wrong.example", "subjectAltName=DNS:wrong.example\nextendedKeyUsage=serverAuth\n");
        issue("client", "/CN=tern-client", "extendedKeyUsage=clientAuth\n");
        ca = dir.resolve("ca.pem").toString();
        int mutual = Mosquitto.freePort();
        int wrong = Mosquitto.freePort();
        mosquitto = Mosquitto.start(dir, "allow_anonymous true\n"
                + "listener " + mutual + " 127.0.0.1\n"
                + "cafile " + ca + "\ncertfile " + dir.resolve("server.pem") + "\nkeyfile " + dir.resolve("server.key")
                + "\nrequire_certificate true\n"
                + "listener " + wrong + " 127.0.0.1\n"
                + "cafile " + ca + "\ncertfile " + dir.resolve("wrong.pem") + "\nkeyfile " + dir.resolve("wrong.key")
                + "\n", mutual, wrong);
        mutualPort = String.valueOf(mutual);
        wrongNamePort = String.valueOf(wrong);
    }

    @AfterAll
    static void stop() throws Exception {
        if (mosquitto != null) {
            mosquitto.close();
        }
    }

    private static void issue(String name, String subject, String extensions) throws Exception {
        Files.writeString(dir.resolve(name + ".ext"), extensions);
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", name + ".key", "-out", name + ".csr", "-subj", subject);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", name + ".pem", "-days", "2", "-extfile", name + ".ext");
    }

    private static void openssl(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "openssl";
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + out);
        }
    }

    private String[] tls(String... args) {
        String[] all = new String[args.length + 6];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(new String[] {"--cafile", ca, "--cert", dir.resolve("client.pem").toString(),
            "--key", dir.resolve("client.key").toString()}, 0, all, args.length, 6);
        return all;
    }

    @Test
    void pubAndSubOverTlsWithAClientCertificate() {
        ClientRun sub = ClientRun.subscribed(tls("sub", "-p", mutualPort, "-t", "tls/a", "-C", "1", "-v", "-q", "1"));
        Result pub = ClientRun.run(tls("pub", "-p", mutualPort, "-t", "tls/a", "-m", "secret", "-q", "1"));
        assertThat(pub.exitCode()).as(pub.err()).isZero();
        assertThat(sub.await().out()).isEqualTo("tls/a secret\n");
    }

    @Test
    void mqttsUrlWithCafileAndAHostName() {
        Result pub = ClientRun.run(tls("pub", "-L", "mqtts://localhost:" + mutualPort + "/tls/url", "-m", "x",
                "-V", "5"));
        assertThat(pub.exitCode()).as(pub.err()).isZero();
    }

    @Test
    void withoutAClientCertificateTheBrokerRefuses() {
        Result pub = ClientRun.run("pub", "-p", mutualPort, "--cafile", ca, "-t", "tls/b", "-m", "x", "-q", "1");
        assertThat(pub.exitCode()).isEqualTo(1);
        assertThat(pub.err()).startsWith("Error: ");
    }

    @Test
    void aServerCertificateForAnotherNameIsRefusedUnlessInsecure() {
        Result strict = ClientRun.run("pub", "-p", wrongNamePort, "--cafile", ca, "-t", "tls/c", "-m", "x");
        assertThat(strict.exitCode()).isEqualTo(1);
        assertThat(strict.err()).contains("Error: TLS handshake with 127.0.0.1:" + wrongNamePort + " failed");

        Result insecure = ClientRun.run("pub", "-p", wrongNamePort, "--cafile", ca, "--insecure", "-t", "tls/c",
                "-m", "x", "-q", "1");
        assertThat(insecure.exitCode()).as(insecure.err()).isZero();
    }

    @Test
    void anUntrustedServerIsRefused() throws Exception {
        Path otherCa = dir.resolve("client.pem"); // a certificate that did not sign the server's
        Result r = ClientRun.run("pub", "-p", wrongNamePort, "--cafile", otherCa.toString(), "--insecure",
                "-t", "tls/d", "-m", "x");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("TLS handshake", "failed");
    }

    @Test
    void missingFilesAreNamed() {
        Result r = ClientRun.run("pub", "-p", mutualPort, "--cafile", dir.resolve("nope.pem").toString(), "-t", "a",
                "-m", "x");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("cannot read --cafile file");
    }
}
