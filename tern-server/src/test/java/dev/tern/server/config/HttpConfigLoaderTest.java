package dev.tern.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.security.PasswordFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code http:} section and {@code sys-interval}: defaults, every key, and errors naming key and line. */
class HttpConfigLoaderTest {
    @TempDir
    Path dir;

    private static BrokerConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, "tern.yaml");
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> failing(String yaml) {
        return assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class);
    }

    @Test
    void defaults() {
        assertThat(parse("mqtt:\n  receive-maximum: 10\n").http()).isEqualTo(HttpConfig.defaults());
        assertThat(ConfigDocument.defaults().broker().http()).isEqualTo(HttpConfig.defaults());
        assertThat(HttpConfig.defaults().enabled()).isTrue();
        assertThat(HttpConfig.defaults().host()).isEqualTo("127.0.0.1");
        assertThat(HttpConfig.defaults().port()).isEqualTo(8080);
        assertThat(BrokerConfig.defaults().http().enabled()).as("embedded: off").isFalse();
        assertThat(parse("mqtt:\n  receive-maximum: 10\n").sysInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(parse("sys-interval: 0\n").sysInterval()).isZero();
        assertThat(parse("sys-interval: 500ms\n").sysInterval()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void everyKey() throws IOException {
        Path admins = dir.resolve("admins");
        Files.writeString(admins, "ops:" + PasswordFile.hash("pw".getBytes(StandardCharsets.UTF_8)) + "\n");
        HttpConfig h = parse("http:\n  enabled: true\n  bind: 127.0.0.1:9090\n  token: 0123456789abcdef0123\n"
                + "  admins: " + admins + "\n  allow-anonymous: true\n").http();
        assertThat(h).isEqualTo(new HttpConfig(true, "127.0.0.1", 9090, "0123456789abcdef0123", admins, true, true));
        assertThat(parse("http:\n  enabled: false\n").http().enabled()).isFalse();
        assertThat(parse("http:\n").http()).as("an empty section is the defaults").isEqualTo(HttpConfig.defaults());
        assertThat(parse("http:\n  bind: 127.0.0.1:8080\n").http().explicit()).isTrue();
    }

    @Test
    void errors() throws IOException {
        failing("http:\n  bind: 8080\n").hasMessageStartingWith("tern.yaml:2: http.bind: expected host:port");
        failing("http:\n  enabled: yes-please\n")
                .hasMessage("tern.yaml:2: http.enabled: expected true or false, got 'yes-please'");
        failing("http:\n  token: short\n").hasMessageStartingWith("tern.yaml:2: http.token: expected a secret of at "
                + "least 16 characters");
        failing("http:\n  admins: /no/such/file\n").hasMessageStartingWith("tern.yaml:2: http.admins: no such file");
        Path bad = dir.resolve("bad");
        Files.writeString(bad, "no colon here\n");
        failing("http:\n  admins: " + bad + "\n")
                .hasMessageStartingWith("tern.yaml:2: http.admins: not a Mosquitto password file");
        failing("http:\n  bind: 0.0.0.0:8080\n  allow-anonymous: true\n")
                .hasMessageStartingWith("tern.yaml:3: http.allow-anonymous: true is only allowed when http.bind is a "
                        + "loopback address");
        failing("http:\n  tokn: x\n").hasMessageStartingWith("tern.yaml:2: unknown key 'http.tokn'")
                .hasMessageContaining("did you mean 'token'?");
        failing("sys-interval: often\n").hasMessageStartingWith("tern.yaml:1: sys-interval: expected a duration");
    }

    @Test
    void tls() {
        TestCertificates pki = new TestCertificates();
        Path cert = TestCertificates.write(dir.resolve("server.pem"), TestCertificates.pem(pki.server));
        Path key = TestCertificates.write(dir.resolve("server.key"),
                TestCertificates.encrypted(pki.serverKeys.getPrivate(), "pw"));
        HttpConfig h = parse("http:\n  bind: 127.0.0.1:8443\n  tls:\n    cert: " + cert + "\n    key: " + key
                + "\n    key-password: pw\n    protocols: [TLSv1.3]\n").http();
        assertThat(h.tls().cert()).isEqualTo(cert);
        assertThat(h.tls().key()).isEqualTo(key);
        assertThat(h.tls().keyPassword()).isEqualTo("pw");
        assertThat(h.tls().protocols()).containsExactly("TLSv1.3");
        assertThat(parse("http:\n  bind: 127.0.0.1:8443\n").http().tls()).isNull();
        assertThat(ConfigLoader.parseDocument("", "tern.yaml", java.util.Map.of("TERN_HTTP_TLS_CERT", cert.toString(),
                "TERN_HTTP_TLS_KEY", key.toString(), "TERN_HTTP_TLS_KEY_PASSWORD", "pw")).broker().http().tls().cert())
                .isEqualTo(cert);

        failing("http:\n  tls:\n    cert: " + cert + "\n").hasMessage("tern.yaml:2: http.tls: missing key 'key' "
                + "(the server's private key, a PEM file)");
        failing("http:\n  tls:\n    cert: " + cert + "\n    key: " + key + "\n")
                .hasMessageStartingWith("tern.yaml:4: http.tls.key: ");
        failing("http:\n  tls:\n    cert: " + cert + "\n    key: /no/such.key\n")
                .hasMessageStartingWith("tern.yaml:4: http.tls.key: no such file: /no/such.key");
        failing("http:\n  tls:\n    cert: " + cert + "\n    key: " + key + "\n    key-password: pw\n"
                + "    client-auth: require\n")
                .hasMessage("tern.yaml:6: unknown key 'http.tls.client-auth' (allowed: cert, key, key-password, "
                        + "protocols, ciphers, provider)");
    }
}
