package dev.tern.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tern.server.Tern;
import dev.tern.server.config.BrokerConfig;
import dev.tern.server.config.HttpConfig;
import dev.tern.server.config.TlsConfig;
import dev.tern.tests.TlsPki.Issued;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code http.tls}: the admin API and metrics over HTTPS, checked by the JDK's HTTP client and by tern ctl. */
class HttpTlsTest {
    private static final String TOKEN = "https-test-token-0123456789abcdef";
    private static final TlsPki.Ca CA = new TlsPki.Ca("tern http test CA");

    @TempDir
    Path dir;
    private Path cert;
    private Path key;
    private Path caFile;
    private Issued server;
    private Tern tern;
    private int port;

    @BeforeEach
    void start() {
        cert = dir.resolve("http.pem");
        key = dir.resolve("http.key");
        caFile = TlsPki.write(dir.resolve("ca.pem"), CA.pem());
        server = CA.server("tern-http", true);
        install(server);
        tern = Tern.builder().config(BrokerConfig.defaults()
                .withHttp(HttpConfig.on("127.0.0.1", 0, TOKEN, null, false).withTls(TlsConfig.of(cert, key))))
                .port(0).build();
        tern.start();
        port = tern.httpAddress().getPort();
    }

    @AfterEach
    void stop() {
        tern.close();
    }

    private void install(Issued issued) {
        TlsPki.write(key, TlsPki.traditional(issued.keys()));
        TlsPki.write(cert, TlsPki.pem(issued.certificate()));
    }

    private String https() {
        return "https://127.0.0.1:" + port;
    }

    private HttpResponse<String> get(HttpClient client, String url) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + TOKEN)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The serial of the certificate the HTTP listener shows a new connection. */
    private BigInteger serialSeen() throws IOException {
        try (SSLSocket s = (SSLSocket) TlsPki.clientContext("TLS", CA, null).getSocketFactory()
                .createSocket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    @Test
    @DisplayName("the JDK's HTTP client gets the API over HTTPS with the CA; plain HTTP gets no answer")
    void httpsWithTheJdkClient() throws Exception {
        HttpClient trusting = HttpClient.newBuilder().sslContext(TlsPki.clientContext("TLS", CA, null))
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = get(trusting, https() + "/api/v1/broker");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"listeners\":[\"tcp 127.0.0.1:" + tern.port() + "\"]");
        assertThat(get(trusting, https() + "/metrics").body()).contains("tern_connections");

        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> get(plain, "http://127.0.0.1:" + port + "/api/v1/broker"))
                .isInstanceOf(IOException.class);
        HttpClient jdkTrust = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> get(jdkTrust, https() + "/api/v1/broker"))
                .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
    }

    @Test
    @DisplayName("tern ctl --cafile works; without it the TLS failure is named; --insecure skips the checks")
    void ctlOverHttps() {
        CtlRun ok = CtlRun.of("ctl", "--url", https(), "--cafile", caFile.toString(), "--token", TOKEN, "stats");
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("listeners          tcp 127.0.0.1:" + tern.port());

        CtlRun untrusted = CtlRun.of("ctl", "--url", https(), "--token", TOKEN, "stats");
        assertThat(untrusted.exitCode()).isEqualTo(1);
        assertThat(untrusted.err()).startsWith("Error: TLS with 127.0.0.1:" + port + " failed: ")
                .endsWith("pass --cafile with the CA certificate that signed the broker's certificate (or --insecure "
                        + "to skip the checks)\n");

        CtlRun insecure = CtlRun.of("ctl", "--url", https(), "--insecure", "--token", TOKEN, "clients");
        assertThat(insecure.exitCode()).as(insecure.err()).isZero();
        assertThat(insecure.out()).isEqualTo("no clients connected\n");

        CtlRun plain = CtlRun.of("ctl", "--url", "http://127.0.0.1:" + port, "--token", TOKEN, "stats");
        assertThat(plain.exitCode()).isEqualTo(1);
        assertThat(plain.err()).isEqualTo("Error: 127.0.0.1:" + port + " closed the connection without an HTTP "
                + "answer: is it the broker's HTTP listener (http.bind, not an MQTT port)? If it has http.tls, use --url "
                + https() + "\n");

        CtlRun wrongHost = CtlRun.of("ctl", "--url", "https://localhost:" + port, "--cafile",
                caFile.toString(), "--token", TOKEN, "stats");
        assertThat(wrongHost.exitCode()).as("localhost is in the certificate too: %s", wrongHost.err()).isZero();
    }

    @Test
    @DisplayName("a renewed certificate: taken by reload (tern ctl reload over HTTPS) and by the file watcher")
    void reload() throws Exception {
        assertThat(serialSeen()).isEqualTo(server.serial());
        Issued renewed = CA.server("tern-http", false);
        install(renewed);
        CtlRun reload = CtlRun.of("ctl", "--url", https(), "--cafile", caFile.toString(), "--token", TOKEN, "reload");
        assertThat(reload.exitCode()).as(reload.err()).isZero();
        assertThat(serialSeen()).isEqualTo(renewed.serial());

        Issued again = CA.server("tern-http", true);
        install(again);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> serialSeen().equals(again.serial()));

        // a key that does not belong to the certificate is refused; the certificate in force stays
        TlsPki.write(key, TlsPki.traditional(TlsPki.ec()));
        List<String> errors = tern.reload();
        assertThat(errors).singleElement().asString().startsWith("http.tls: ")
                .contains("does not belong");
        assertThat(serialSeen()).isEqualTo(again.serial());
    }
}
