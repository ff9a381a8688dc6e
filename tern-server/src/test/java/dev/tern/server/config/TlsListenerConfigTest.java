package dev.tern.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code tls} section of listeners: keys, defaults, and errors that name the line, the key and the file. */
class TlsListenerConfigTest {
    @TempDir
    static Path dir;
    static TestCertificates pki;
    static Path ca;
    static Path cert;
    static Path key;
    static Path encryptedKey;
    static Path crl;

    @BeforeAll
    static void files() {
        pki = new TestCertificates();
        ca = TestCertificates.write(dir.resolve("ca.pem"), TestCertificates.pem(pki.ca));
        cert = TestCertificates.write(dir.resolve("server.pem"), TestCertificates.pem(pki.server));
        key = TestCertificates.write(dir.resolve("server.key"), TestCertificates.pkcs8(pki.serverKeys.getPrivate()));
        encryptedKey = TestCertificates.write(dir.resolve("server-enc.key"),
                TestCertificates.encrypted(pki.serverKeys.getPrivate(), "pw"));
        crl = TestCertificates.write(dir.resolve("ca.crl"), pki.crl(pki.caKeys));
    }

    /** A tls listener whose tls section (from line 5) is {@code body}, one key per line. */
    private static String yaml(String... body) {
        StringBuilder b = new StringBuilder("listeners:\n  - type: tls\n    bind: 0.0.0.0:8883\n    tls:\n");
        for (String line : body) {
            b.append("      ").append(line).append('\n');
        }
        return b.toString();
    }

    private static BrokerConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, "tern.yaml");
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> failing(String yaml) {
        return assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class);
    }

    @Test
    void certAndKeyWithDefaults() {
        assertThat(parse(yaml("cert: " + cert, "key: " + key)).listeners())
                .containsExactly(ListenerConfig.tls("0.0.0.0", 8883, TlsConfig.of(cert, key)));
    }

    @Test
    void wssListener() {
        assertThat(parse("listeners:\n  - type: wss\n    bind: 0.0.0.0:8084\n    path: /ws\n    tls:\n      cert: "
                + cert + "\n      key: " + key + "\n").listeners())
                .containsExactly(ListenerConfig.wss("0.0.0.0", 8084, TlsConfig.of(cert, key)).withPath("/ws"));
    }

    @Test
    void aTlsSectionWithoutTypeMeansTls() {
        assertThat(parse("listeners:\n  - bind: 127.0.0.1:8883\n    tls:\n      cert: " + cert + "\n      key: " + key
                + "\n").listeners()).containsExactly(ListenerConfig.tls("127.0.0.1", 8883, TlsConfig.of(cert, key)));
    }

    @Test
    void everyKey() {
        ConfigDocument d = ConfigLoader.parseDocument(yaml("cert: " + cert, "key: " + encryptedKey,
                "key-password: pw", "ca: " + ca, "crl: " + crl, "client-auth: require",
                "use-identity-as-username: true", "protocols: [TLSv1.3]", "ciphers:",
                "  - TLS_AES_256_GCM_SHA384", "  - TLS_AES_128_GCM_SHA256", "provider: jdk"), "tern.yaml");
        assertThat(d.broker().listeners()).containsExactly(ListenerConfig.tls("0.0.0.0", 8883,
                new TlsConfig(cert, encryptedKey, "pw", ca, crl, TlsConfig.ClientAuth.REQUIRE, true,
                        List.of("TLSv1.3"), List.of("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256"),
                        TlsConfig.Provider.JDK)));
        assertThat(d.notes()).isEmpty();
        assertThat(d.broker().listeners().get(0).tls().toString()).doesNotContain("pw,").contains("***");
    }

    @Test
    void typeTlsWithoutSection() {
        failing("listeners:\n  - type: tls\n    bind: 0.0.0.0:8883\n")
                .hasMessage("tern.yaml:2: listeners[0]: a tls listener needs a 'tls' section with at least 'cert' "
                        + "and 'key' (PEM files)");
    }

    @Test
    void missingCertOrKey() {
        failing(yaml("key: " + key)).hasMessage("tern.yaml:4: listeners[0].tls: missing key 'cert' (the server's "
                + "certificate chain, a PEM file)");
        failing(yaml("cert: " + cert)).hasMessage("tern.yaml:4: listeners[0].tls: missing key 'key' (the server's "
                + "private key, a PEM file)");
    }

    @Test
    void unknownKey() {
        failing(yaml("cert: " + cert, "key: " + key, "cafile: " + ca))
                .hasMessageStartingWith("tern.yaml:7: unknown key 'listeners[0].tls.cafile' (allowed: cert, key, "
                        + "key-password, ca, crl, client-auth, use-identity-as-username, protocols, ciphers, "
                        + "provider)");
    }

    @Test
    void fileThatDoesNotExist() {
        failing(yaml("cert: " + dir.resolve("nope.pem"), "key: " + key))
                .hasMessage("tern.yaml:5: listeners[0].tls.cert: no such file: " + dir.resolve("nope.pem"));
    }

    @Test
    void notPem() {
        Path text = TestCertificates.write(dir.resolve("notes.txt"), "just some text\n");
        failing(yaml("cert: " + text, "key: " + key)).hasMessage("tern.yaml:5: listeners[0].tls.cert: " + text
                + ": no PEM block found (expected lines like '-----BEGIN CERTIFICATE-----')");
    }

    @Test
    void derInsteadOfPem() throws Exception {
        Path der = dir.resolve("server.der");
        java.nio.file.Files.write(der, pki.server.getEncoded());
        failing(yaml("cert: " + der, "key: " + key)).hasMessageStartingWith("tern.yaml:5: listeners[0].tls.cert: "
                + der + ": this is a binary (DER) file; PEM is expected");
    }

    @Test
    void keyFileWithoutKey() {
        failing(yaml("cert: " + cert, "key: " + cert)).hasMessage("tern.yaml:6: listeners[0].tls.key: " + cert
                + ": no private key found (expected a PEM block like BEGIN PRIVATE KEY, BEGIN RSA PRIVATE KEY, "
                + "BEGIN EC PRIVATE KEY or BEGIN ENCRYPTED PRIVATE KEY; found: certificate)");
    }

    @Test
    void certFileWithoutCertificate() {
        failing(yaml("cert: " + key, "key: " + key)).hasMessage("tern.yaml:5: listeners[0].tls.cert: " + key
                + ": no certificate found (expected a PEM block '-----BEGIN CERTIFICATE-----'; found: private key)");
    }

    @Test
    void encryptedKeyWithoutPassword() {
        failing(yaml("cert: " + cert, "key: " + encryptedKey)).hasMessage("tern.yaml:6: listeners[0].tls.key: "
                + encryptedKey + ": the key is encrypted; set tls.key-password");
    }

    @Test
    void wrongPassword() {
        failing(yaml("cert: " + cert, "key: " + encryptedKey, "key-password: wrong"))
                .hasMessage("tern.yaml:7: listeners[0].tls.key-password: " + encryptedKey + ": cannot decrypt the key "
                        + "with tls.key-password (wrong password?)");
    }

    @Test
    void keyOfAnotherCertificate() {
        Path other = TestCertificates.write(dir.resolve("other.key"),
                TestCertificates.pkcs8(TestCertificates.ec().getPrivate()));
        failing(yaml("cert: " + cert, "key: " + other)).hasMessageStartingWith("tern.yaml:6: listeners[0].tls.key: "
                + other + ": this private key does not belong to the certificate in " + cert);
    }

    @Test
    void clientAuthNeedsCa() {
        failing(yaml("cert: " + cert, "key: " + key, "client-auth: require"))
                .hasMessage("tern.yaml:7: listeners[0].tls.client-auth: 'require' needs listeners[0].tls.ca (the CA "
                        + "certificate(s) that sign client certificates)");
        failing(yaml("cert: " + cert, "key: " + key, "client-auth: optional"))
                .hasMessageStartingWith("tern.yaml:7: listeners[0].tls.client-auth: 'optional' needs");
        failing(yaml("cert: " + cert, "key: " + key, "client-auth: maybe"))
                .hasMessage("tern.yaml:7: listeners[0].tls.client-auth: expected one of none, optional, require, "
                        + "got 'maybe'");
    }

    @Test
    void crlNeedsCa() {
        failing(yaml("cert: " + cert, "key: " + key, "crl: " + crl))
                .hasMessageStartingWith("tern.yaml:7: listeners[0].tls.crl: needs listeners[0].tls.ca");
    }

    @Test
    void crlOfAnotherCa() {
        Path forged = TestCertificates.write(dir.resolve("forged.crl"), pki.crl(TestCertificates.ec()));
        failing(yaml("cert: " + cert, "key: " + key, "ca: " + ca, "crl: " + forged, "client-auth: require"))
                .hasMessage("tern.yaml:8: listeners[0].tls.crl: " + forged + ": the CRL of CN=Config Test CA is not "
                        + "signed by a certificate in " + ca);
    }

    @Test
    void identityNeedsClientCertificates() {
        failing(yaml("cert: " + cert, "key: " + key, "use-identity-as-username: true"))
                .hasMessage("tern.yaml:7: listeners[0].tls.use-identity-as-username: needs client-auth optional or "
                        + "require (with none, clients send no certificate)");
    }

    @Test
    void caWithoutClientAuthIsANote() {
        ConfigDocument d = ConfigLoader.parseDocument(yaml("cert: " + cert, "key: " + key, "ca: " + ca),
                "tern.yaml");
        assertThat(d.notes()).containsExactly("tern.yaml:7: listeners[0].tls.ca is set but client-auth is none: "
                + "client certificates are not asked for (set client-auth: optional or require)");
    }

    @Test
    void protocols() {
        assertThat(parse(yaml("cert: " + cert, "key: " + key, "protocols: TLSv1.2")).listeners().get(0).tls()
                .protocols()).containsExactly("TLSv1.2");
        failing(yaml("cert: " + cert, "key: " + key, "protocols: [TLSv1.3, TLSv1.1]"))
                .hasMessage("tern.yaml:7: listeners[0].tls.protocols: 'TLSv1.1' is not allowed: TLS 1.1 and older "
                        + "are insecure (RFC 8996); allowed: TLSv1.3, TLSv1.2");
        failing(yaml("cert: " + cert, "key: " + key, "protocols:", "  - TLSv1.3", "  - tls13"))
                .hasMessage("tern.yaml:9: listeners[0].tls.protocols: expected TLSv1.3 or TLSv1.2, got 'tls13'");
        failing(yaml("cert: " + cert, "key: " + key, "protocols: []"))
                .hasMessage("tern.yaml:7: listeners[0].tls.protocols: the list is empty; remove the key for the "
                        + "defaults");
    }

    @Test
    void ciphersNoneSupported() {
        failing(yaml("cert: " + cert, "key: " + key, "ciphers: [NOT_A_CIPHER]", "provider: jdk"))
                .hasMessageStartingWith("tern.yaml:7: listeners[0].tls.ciphers: none of the cipher suites "
                        + "[NOT_A_CIPHER] is supported by JDK");
    }
}
