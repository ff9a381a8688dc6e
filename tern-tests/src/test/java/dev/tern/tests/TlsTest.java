package dev.tern.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import dev.tern.server.Tern;
import dev.tern.server.config.AuthConfig;
import dev.tern.server.config.BrokerConfig;
import dev.tern.server.config.LimitsConfig;
import dev.tern.server.config.ListenerConfig;
import dev.tern.server.config.TlsConfig;
import dev.tern.tests.TlsPki.Ca;
import dev.tern.tests.TlsPki.Issued;
import dev.tern.tests.support.Msg;
import dev.tern.tests.support.PahoV5Collector;
import io.netty.handler.ssl.OpenSsl;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * TLS listeners with real clients and a PKI generated for the run: a client matrix (Paho v3, Paho v5, HiveMQ,
 * mosquitto_pub/sub) on TLS 1.2 and 1.3 over both providers (OpenSSL and the JDK), mutual TLS (required, optional,
 * revoked and foreign certificates), use-identity-as-username with an ACL, every private key format, and reload
 * of the certificate while clients stay connected.
 */
class TlsTest {
    private static final boolean OPENSSL = OpenSsl.isAvailable();
    private static final List<String> PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** MQTT 3.1.1 CONNECT, empty client id, clean session, keep alive 60. */
    private static final byte[] CONNECT = {0x10, 0x0C, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3C,
        0x00, 0x00};

    @TempDir
    static Path dir;

    static Ca ca;
    static Ca foreignCa;
    static Issued server;
    static Issued alice;
    static Issued revoked;
    static Issued sanOnly;
    static Issued stranger;
    static Path caPem;
    static Path crlPem;
    static Path serverPem;
    static Path serverKey;

    /** One broker, one listener per scenario. */
    static Tern broker;
    static int plainOpenSsl;
    static int plainJdk;
    static int require;
    static int optional;
    static int identity;

    @BeforeAll
    static void startBroker() throws IOException {
        ca = new Ca("Tern Test CA");
        foreignCa = new Ca("Some Other CA");
        server = ca.server("tern-test-server", false);
        alice = ca.client("alice", null);
        revoked = ca.client("mallory", null);
        sanOnly = ca.client(null, "device-7.example");
        stranger = foreignCa.client("alice", null);
        ca.revoke(revoked);
        caPem = TlsPki.write(dir.resolve("ca.pem"), ca.pem());
        crlPem = TlsPki.write(dir.resolve("ca.crl"), ca.crlPem());
        serverPem = TlsPki.write(dir.resolve("server.pem"), TlsPki.pem(server.certificate()));
        serverKey = TlsPki.write(dir.resolve("server.key"), TlsPki.pkcs8(server.keys().getPrivate()));
        Path acl = TlsPki.write(dir.resolve("acl"), """
                # anonymous clients
                topic readwrite tls/#
                user alice
                topic readwrite alice/#
                topic readwrite tls/#
                pattern readwrite users/%u/#
                """);
        // a password file without alice: a certificate identity needs no entry there
        Path passwd = TlsPki.write(dir.resolve("passwd"), "carol:" + dev.tern.security.PasswordFile.hash(
                "carol-pw".getBytes(StandardCharsets.UTF_8)) + "\n");

        TlsConfig plain = TlsConfig.of(serverPem, serverKey);
        List<ListenerConfig> listeners = new ArrayList<>();
        listeners.add(tls(withProvider(plain, OPENSSL ? TlsConfig.Provider.OPENSSL : TlsConfig.Provider.JDK)));
        listeners.add(tls(withProvider(plain, TlsConfig.Provider.JDK)));
        listeners.add(tls(mtls(TlsConfig.ClientAuth.REQUIRE, false)));
        listeners.add(tls(mtls(TlsConfig.ClientAuth.OPTIONAL, false)));
        listeners.add(tls(mtls(TlsConfig.ClientAuth.REQUIRE, true)).withAllowAnonymous(false));
        broker = Tern.builder().config(BrokerConfig.defaults().withListeners(listeners)
                .withAuth(new AuthConfig(true, passwd, acl))).build();
        broker.start();
        List<Integer> ports = broker.ports();
        plainOpenSsl = ports.get(0);
        plainJdk = ports.get(1);
        require = ports.get(2);
        optional = ports.get(3);
        identity = ports.get(4);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    static ListenerConfig tls(TlsConfig config) {
        return ListenerConfig.tls("127.0.0.1", 0, config);
    }

    static TlsConfig withProvider(TlsConfig c, TlsConfig.Provider provider) {
        return new TlsConfig(c.cert(), c.key(), c.keyPassword(), c.ca(), c.crl(), c.clientAuth(),
                c.useIdentityAsUsername(), c.protocols(), c.ciphers(), provider);
    }

    static TlsConfig mtls(TlsConfig.ClientAuth clientAuth, boolean identity) {
        return new TlsConfig(serverPem, serverKey, null, caPem, crlPem, clientAuth, identity,
                TlsConfig.DEFAULT_PROTOCOLS, List.of(), TlsConfig.Provider.AUTO);
    }

    // ------------------------------------------------------------------ helpers

    /** Connects over TLS, sends CONNECT and returns the CONNACK return code; throws when refused. */
    static int connack(SSLSocketFactory factory, int port) throws IOException {
        try (SSLSocket s = (SSLSocket) factory.createSocket("127.0.0.1", port)) {
            s.setSoTimeout((int) WAIT.toMillis());
            s.startHandshake();
            OutputStream out = s.getOutputStream();
            out.write(CONNECT);
            out.flush();
            InputStream in = s.getInputStream();
            byte[] ack = in.readNBytes(4);
            if (ack.length < 4) {
                throw new EOFException("closed by the broker");
            }
            assertThat(ack[0]).isEqualTo((byte) 0x20);
            return ack[3];
        }
    }

    /** The serial number of the certificate the broker presents on a new connection. */
    static BigInteger serialSeen(int port) throws IOException {
        try (SSLSocket s = (SSLSocket) TlsPki.clientContext("TLS", ca, null).getSocketFactory()
                .createSocket("127.0.0.1", port)) {
            s.setSoTimeout((int) WAIT.toMillis());
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    static SSLSocketFactory factory(String protocol, Issued client) {
        return TlsPki.only(TlsPki.clientContext("TLS", ca, client), protocol);
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static boolean onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }

    static void assumeMosquitto() {
        assumeTrue(onPath("mosquitto_pub") && onPath("mosquitto_sub"),
                "mosquitto_pub/mosquitto_sub not installed (apt-get install mosquitto-clients)");
    }

    /** Runs a command to its end; returns exit code and output. */
    static Result run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(WAIT.toSeconds() + 5, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    record Result(int code, String output) {
    }

    static List<String> mosquittoTls(String protocol, Issued client, String clientName) throws IOException {
        List<String> args = new ArrayList<>(List.of("--cafile", caPem.toString(), "--tls-version",
                protocol.equals("TLSv1.3") ? "tlsv1.3" : "tlsv1.2"));
        if (client != null) {
            Path cert = TlsPki.write(dir.resolve(clientName + ".pem"), TlsPki.pem(client.certificate()));
            Path key = TlsPki.write(dir.resolve(clientName + ".key"), TlsPki.traditional(client.keys()));
            args.addAll(List.of("--cert", cert.toString(), "--key", key.toString()));
        }
        return args;
    }

    /** A Paho v5 client over TLS that collects what it receives. */
    static final class Paho5 implements AutoCloseable {
        final org.eclipse.paho.mqttv5.client.MqttClient client;
        final BlockingQueue<Msg> messages = new LinkedBlockingQueue<>();

        Paho5(int port, SSLSocketFactory factory, String user, String password) throws MqttException {
            client = new org.eclipse.paho.mqttv5.client.MqttClient("ssl://127.0.0.1:" + port, unique("paho5"),
                    new MemoryPersistence());
            client.setTimeToWait(WAIT.toMillis());
            client.setCallback(new PahoV5Collector(messages));
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setSocketFactory(factory);
            o.setConnectionTimeout((int) WAIT.toSeconds());
            if (user != null) {
                o.setUserName(user);
                o.setPassword(password.getBytes(StandardCharsets.UTF_8));
            }
            client.connect(o);
        }

        /** Subscribes; returns the SUBACK reason code. */
        int subscribe(String filter) throws MqttException {
            IMqttToken token = client.subscribe(new MqttSubscription[] {new MqttSubscription(filter, 1)});
            return token.getReasonCodes()[0];
        }

        void publish(String topic, String text) throws MqttException {
            client.publish(topic, text.getBytes(StandardCharsets.UTF_8), 1, false);
        }

        Msg await() throws InterruptedException {
            Msg m = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(m).as("a message within %s", WAIT).isNotNull();
            return m;
        }

        @Override
        public void close() {
            try {
                if (client.isConnected()) {
                    client.disconnect(1000);
                }
                client.close(true);
            } catch (Exception ignored) {
                // closing anyway
            }
        }
    }

    /** Captures what Tern logs while a test runs, to check that handshake failures make one line and no trace. */
    static final class LogCapture implements AutoCloseable {
        private final Logger logger = (Logger) LoggerFactory.getLogger("dev.tern");
        private final Level level = logger.getLevel();
        final ListAppender<ILoggingEvent> appender = new ListAppender<>();

        LogCapture() {
            appender.start();
            logger.addAppender(appender);
            logger.setLevel(Level.INFO);
        }

        List<ILoggingEvent> events() {
            synchronized (appender.list) {
                return List.copyOf(appender.list);
            }
        }

        List<ILoggingEvent> handshakeFailures() {
            return events().stream().filter(e -> e.getFormattedMessage().startsWith("TLS handshake with")).toList();
        }

        @Override
        public void close() {
            logger.detachAppender(appender);
            logger.setLevel(level);
        }
    }

    // ------------------------------------------------------------------ matrix

    static Stream<Arguments> matrix() {
        List<Arguments> out = new ArrayList<>();
        for (String client : List.of("paho-v3", "paho-v5", "hivemq-v5", "mosquitto")) {
            for (String protocol : PROTOCOLS) {
                for (String provider : List.of("openssl", "jdk")) {
                    out.add(Arguments.of(client, protocol, provider));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} over {1}, broker on {2}")
    @MethodSource("matrix")
    @DisplayName("client matrix: subscribe, publish and receive over TLS")
    void clientMatrix(String client, String protocol, String provider) throws Exception {
        assumeTrue(provider.equals("jdk") || OPENSSL, "OpenSSL (netty-tcnative) does not load on this platform: "
                + OpenSsl.unavailabilityCause());
        int port = provider.equals("jdk") ? plainJdk : plainOpenSsl;
        String topic = unique("tls/matrix");
        SSLSocketFactory factory = factory(protocol, null);
        switch (client) {
            case "paho-v3" -> {
                org.eclipse.paho.client.mqttv3.MqttClient c = new org.eclipse.paho.client.mqttv3.MqttClient(
                        "ssl://127.0.0.1:" + port, unique("paho3"),
                        new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
                BlockingQueue<String> got = new LinkedBlockingQueue<>();
                MqttConnectOptions o = new MqttConnectOptions();
                o.setSocketFactory(factory);
                o.setConnectionTimeout((int) WAIT.toSeconds());
                c.setTimeToWait(WAIT.toMillis());
                c.connect(o);
                try {
                    c.subscribe(topic, 1, (t, m) -> got.add(new String(m.getPayload(), StandardCharsets.UTF_8)));
                    c.publish(topic, "hi v3".getBytes(StandardCharsets.UTF_8), 1, false);
                    assertThat(got.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("hi v3");
                    c.disconnect();
                } finally {
                    c.close(true);
                }
            }
            case "paho-v5" -> {
                try (Paho5 c = new Paho5(port, factory, null, null)) {
                    assertThat(c.subscribe(topic)).isEqualTo(1);
                    c.publish(topic, "hi v5");
                    assertThat(c.await().text()).isEqualTo("hi v5");
                }
            }
            case "hivemq-v5" -> {
                Mqtt5AsyncClient c = Mqtt5Client.builder().identifier(unique("hivemq")).serverHost("127.0.0.1")
                        .serverPort(port).sslConfig(MqttClientSslConfig.builder()
                                .trustManagerFactory(TlsPki.trustManagers(ca)).protocols(List.of(protocol)).build())
                        .buildAsync();
                BlockingQueue<String> got = new LinkedBlockingQueue<>();
                c.publishes(MqttGlobalPublishFilter.ALL, p -> got.add(new String(p.getPayloadAsBytes(),
                        StandardCharsets.UTF_8)));
                c.connect().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                try {
                    c.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send()
                            .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    c.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
                            .payload("hi hivemq".getBytes(StandardCharsets.UTF_8)).send()
                            .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    assertThat(got.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("hi hivemq");
                } finally {
                    c.disconnect().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
            case "mosquitto" -> {
                assumeMosquitto();
                List<String> tlsArgs = mosquittoTls(protocol, null, null);
                // mosquitto_pub -> a Java subscriber
                try (Paho5 sub = new Paho5(port, factory, null, null)) {
                    sub.subscribe(topic);
                    List<String> pub = new ArrayList<>(List.of("mosquitto_pub", "-h", "127.0.0.1", "-p",
                            String.valueOf(port), "-q", "1", "-t", topic, "-m", "hi mosquitto"));
                    pub.addAll(tlsArgs);
                    Result r = run(pub);
                    assertThat(r.code()).as("mosquitto_pub: %s", r.output()).isZero();
                    assertThat(sub.await().text()).isEqualTo("hi mosquitto");
                }
                // a retained message -> mosquitto_sub
                String retained = unique("tls/retained");
                List<String> pub = new ArrayList<>(List.of("mosquitto_pub", "-h", "127.0.0.1", "-p",
                        String.valueOf(port), "-q", "1", "-r", "-t", retained, "-m", "kept"));
                pub.addAll(tlsArgs);
                assertThat(run(pub).code()).isZero();
                List<String> sub = new ArrayList<>(List.of("mosquitto_sub", "-h", "127.0.0.1", "-p",
                        String.valueOf(port), "-t", retained, "-C", "1", "-W", "10"));
                sub.addAll(tlsArgs);
                Result r = run(sub);
                assertThat(r.code()).as("mosquitto_sub: %s", r.output()).isZero();
                assertThat(r.output().trim()).isEqualTo("kept");
            }
            default -> throw new IllegalArgumentException(client);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    @DisplayName("the negotiated protocol is the one the client asked for, with a forward-secret AEAD suite")
    void negotiatedProtocol(String protocol) throws Exception {
        for (int port : List.of(plainOpenSsl, plainJdk)) {
            try (SSLSocket s = (SSLSocket) factory(protocol, null).createSocket("127.0.0.1", port)) {
                s.startHandshake();
                assertThat(s.getSession().getProtocol()).isEqualTo(protocol);
                String suite = s.getSession().getCipherSuite();
                assertThat(suite).contains("GCM").doesNotContain("CBC");
                if (protocol.equals("TLSv1.2")) {
                    assertThat(suite).startsWith("TLS_ECDHE_");
                }
            }
        }
    }

    @Test
    @DisplayName("TLS 1.1 and older are refused; a plain MQTT client on the TLS port gets one log line")
    void oldProtocolsAndPlainClientsRefused() throws Exception {
        SSLContext old = SSLContext.getInstance("TLS");
        old.init(null, TlsPki.trustManagers(ca).getTrustManagers(), null);
        try (LogCapture log = new LogCapture()) {
            SSLSocketFactory f = old.getSocketFactory();
            try (SSLSocket s = (SSLSocket) f.createSocket("127.0.0.1", plainJdk)) {
                s.setEnabledProtocols(new String[] {"TLSv1.1"});
                assertThatThrownBy(s::startHandshake).isInstanceOf(IOException.class);
            } catch (IllegalArgumentException unsupportedByThisJdk) {
                // the JDK itself has TLS 1.1 removed: nothing to check
            }
            try (Socket plain = new Socket("127.0.0.1", plainJdk)) {
                plain.setSoTimeout((int) WAIT.toMillis());
                plain.getOutputStream().write(CONNECT);
                assertThat(plain.getInputStream().read()).isEqualTo(-1);
            }
            await().atMost(WAIT).until(() -> log.handshakeFailures().stream()
                    .anyMatch(e -> e.getFormattedMessage().contains("not a TLS record")));
            assertThat(log.events()).allSatisfy(e -> {
                assertThat(e.getThrowableProxy()).as("stack trace in %s", e.getFormattedMessage()).isNull();
                assertThat(e.getLevel().isGreaterOrEqual(Level.WARN)).as(e.getFormattedMessage()).isFalse();
            });
        }
    }

    // ------------------------------------------------------------------ mutual TLS

    @Nested
    @DisplayName("client-auth require")
    class Require {
        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
        @DisplayName("a client certificate of the CA gets in")
        void goodCertificate(String protocol) throws Exception {
            assertThat(connack(factory(protocol, alice), require)).isZero();
            try (Paho5 c = new Paho5(require, factory(protocol, alice), null, null)) {
                String topic = unique("tls/mtls");
                c.subscribe(topic);
                c.publish(topic, "with a certificate");
                assertThat(c.await().text()).isEqualTo("with a certificate");
            }
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
        @DisplayName("no certificate: refused at the handshake, one INFO line and no stack trace")
        void noCertificate(String protocol) throws Exception {
            try (LogCapture log = new LogCapture()) {
                assertThatThrownBy(() -> connack(factory(protocol, null), require)).isInstanceOf(IOException.class);
                await().atMost(WAIT).until(() -> !log.handshakeFailures().isEmpty());
                ILoggingEvent line = log.handshakeFailures().get(0);
                assertThat(line.getLevel()).isEqualTo(Level.INFO);
                assertThat(line.getFormattedMessage()).contains("failed");
                assertThat(log.handshakeFailures()).hasSize(1);
                assertThat(log.events()).allSatisfy(e -> assertThat(e.getThrowableProxy()).isNull());
            }
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
        @DisplayName("a revoked certificate (in the CRL) is refused")
        void revokedCertificate(String protocol) throws Exception {
            try (LogCapture log = new LogCapture()) {
                assertThatThrownBy(() -> connack(factory(protocol, revoked), require))
                        .isInstanceOf(IOException.class);
                await().atMost(WAIT).until(() -> !log.handshakeFailures().isEmpty());
                assertThat(log.handshakeFailures().get(0).getFormattedMessage()).containsIgnoringCase("revoked");
            }
        }

        @Test
        @DisplayName("a certificate of another CA is refused")
        void foreignCertificate() {
            SSLSocketFactory f = TlsPki.only(TlsPki.clientContext("TLS", ca, stranger), "TLSv1.3");
            assertThatThrownBy(() -> connack(f, require)).isInstanceOf(IOException.class);
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
        @DisplayName("mosquitto_pub --cert/--key: accepted with a good certificate, refused with a revoked one or none")
        void mosquitto(String protocol) throws Exception {
            assumeMosquitto();
            String topic = unique("tls/mosq-mtls");
            try (Paho5 sub = new Paho5(require, factory("TLSv1.3", alice), null, null)) {
                sub.subscribe(topic);
                List<String> pub = new ArrayList<>(List.of("mosquitto_pub", "-h", "127.0.0.1", "-p",
                        String.valueOf(require), "-q", "1", "-t", topic, "-m", "from mosquitto"));
                pub.addAll(mosquittoTls(protocol, alice, "alice"));
                Result ok = run(pub);
                assertThat(ok.code()).as(ok.output()).isZero();
                assertThat(sub.await().text()).isEqualTo("from mosquitto");
            }
            List<String> bad = new ArrayList<>(List.of("mosquitto_pub", "-h", "127.0.0.1", "-p",
                    String.valueOf(require), "-q", "1", "-t", topic, "-m", "revoked"));
            bad.addAll(mosquittoTls(protocol, revoked, "mallory"));
            assertThat(run(bad).code()).isNotZero();
            List<String> none = new ArrayList<>(List.of("mosquitto_pub", "-h", "127.0.0.1", "-p",
                    String.valueOf(require), "-q", "1", "-t", topic, "-m", "none"));
            none.addAll(mosquittoTls(protocol, null, null));
            assertThat(run(none).code()).isNotZero();
        }
    }

    @Nested
    @DisplayName("client-auth optional")
    class ClientAuthOptional {
        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
        @DisplayName("with and without a certificate both get in; a revoked one does not")
        void bothWork(String protocol) throws Exception {
            assertThat(connack(factory(protocol, null), optional)).isZero();
            assertThat(connack(factory(protocol, alice), optional)).isZero();
            assertThatThrownBy(() -> connack(factory(protocol, revoked), optional)).isInstanceOf(IOException.class);
        }
    }

    @Nested
    @DisplayName("use-identity-as-username")
    class Identity {
        @Test
        @DisplayName("the CN becomes the username (no password needed, CONNECT's own username ignored); the ACL "
                + "grants by it")
        void commonName() throws Exception {
            // sends someone else's name and a wrong password: the certificate decides who this is
            try (Paho5 c = new Paho5(identity, factory("TLSv1.3", alice), "carol", "wrong")) {
                String mine = "alice/" + unique("cn");
                assertThat(c.subscribe(mine + "/#")).isEqualTo(1);
                assertThat(c.subscribe("carol/#")).isEqualTo(0x87);
                c.publish(mine + "/inbox", "to myself");
                assertThat(c.await().text()).isEqualTo("to myself");
            }
        }

        @Test
        @DisplayName("a certificate without a CN: its first SAN is the username")
        void subjectAlternativeName() throws Exception {
            try (Paho5 c = new Paho5(identity, factory("TLSv1.2", sanOnly), null, null)) {
                assertThat(c.subscribe("users/device-7.example/#")).isEqualTo(1);
                assertThat(c.subscribe("alice/#")).isEqualTo(0x87);
                c.publish("users/device-7.example/t", "san");
                assertThat(c.await().text()).isEqualTo("san");
            }
        }

        @Test
        @DisplayName("mosquitto_sub with a certificate reads by its identity")
        void mosquitto() throws Exception {
            assumeMosquitto();
            String topic = "alice/" + unique("retained");
            try (Paho5 c = new Paho5(identity, factory("TLSv1.3", alice), null, null)) {
                c.client.publish(topic, "for alice".getBytes(StandardCharsets.UTF_8), 1, true);
            }
            List<String> sub = new ArrayList<>(List.of("mosquitto_sub", "-h", "127.0.0.1", "-p",
                    String.valueOf(identity), "-t", topic, "-C", "1", "-W", "10"));
            sub.addAll(mosquittoTls("TLSv1.3", alice, "alice"));
            Result r = run(sub);
            assertThat(r.code()).as(r.output()).isZero();
            assertThat(r.output().trim()).isEqualTo("for alice");
        }
    }

    // ------------------------------------------------------------------ key formats

    static Stream<Arguments> keyFormats() {
        List<Arguments> out = new ArrayList<>();
        for (String format : List.of("pkcs8-rsa", "pkcs1-rsa", "encrypted-pkcs8-rsa", "legacy-encrypted-rsa",
                "sec1-ec", "pkcs8-ec", "encrypted-pkcs8-ec")) {
            for (String provider : List.of("openssl", "jdk")) {
                out.add(Arguments.of(format, provider));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} key, {1}")
    @MethodSource("keyFormats")
    @DisplayName("private keys in every PEM form load and serve")
    void keyFormat(String format, String provider) throws Exception {
        assumeTrue(provider.equals("jdk") || OPENSSL, "OpenSSL does not load here");
        Issued cert = ca.server("key-format-" + format, format.endsWith("-ec"));
        java.security.PrivateKey key = cert.keys().getPrivate();
        String pem = switch (format) {
            case "pkcs8-rsa", "pkcs8-ec" -> TlsPki.pkcs8(key);
            case "pkcs1-rsa", "sec1-ec" -> TlsPki.traditional(cert.keys());
            case "encrypted-pkcs8-rsa", "encrypted-pkcs8-ec" -> TlsPki.encryptedPkcs8(key, TlsPki.KEY_PASSWORD);
            case "legacy-encrypted-rsa" -> TlsPki.legacyEncrypted(key, TlsPki.KEY_PASSWORD);
            default -> throw new IllegalArgumentException(format);
        };
        assertThat(pem).contains(switch (format) {
            case "pkcs8-rsa", "pkcs8-ec" -> "BEGIN PRIVATE KEY";
            case "pkcs1-rsa", "legacy-encrypted-rsa" -> "BEGIN RSA PRIVATE KEY";
            case "sec1-ec" -> "BEGIN EC PRIVATE KEY";
            default -> "BEGIN ENCRYPTED PRIVATE KEY";
        });
        Path certFile = TlsPki.write(dir.resolve(format + ".pem"), TlsPki.pem(cert.certificate()));
        Path keyFile = TlsPki.write(dir.resolve(format + ".key"), pem);
        String password = format.contains("encrypted") ? TlsPki.KEY_PASSWORD : null;
        TlsConfig config = new TlsConfig(certFile, keyFile, password, null, null, TlsConfig.ClientAuth.NONE, false,
                TlsConfig.DEFAULT_PROTOCOLS, List.of(),
                provider.equals("jdk") ? TlsConfig.Provider.JDK : TlsConfig.Provider.OPENSSL);
        try (Tern t = Tern.builder().config(BrokerConfig.defaults().withListeners(List.of(tls(config)))).build()) {
            int port = t.start();
            for (String protocol : PROTOCOLS) {
                assertThat(connack(factory(protocol, null), port)).isZero();
            }
            assertThat(serialSeen(port)).isEqualTo(cert.serial());
        }
    }

    // ------------------------------------------------------------------ reload and timeouts

    @Nested
    @DisplayName("reload")
    class Reload {
        Path cert;
        Path key;
        Tern tern;
        int port;

        @BeforeEach
        void start() {
            Path d = dir.resolve(unique("reload"));
            try {
                Files.createDirectories(d);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            cert = d.resolve("server.pem");
            key = d.resolve("server.key");
            install(server);
            tern = Tern.builder().config(BrokerConfig.defaults().withListeners(List.of(tls(TlsConfig.of(cert,
                    key))))).build();
            port = tern.start();
        }

        @AfterEach
        void stop() {
            tern.close();
        }

        void install(Issued issued) {
            TlsPki.write(key, TlsPki.traditional(issued.keys()));
            TlsPki.write(cert, TlsPki.pem(issued.certificate()));
        }

        @Test
        @DisplayName("a replaced certificate is picked up on disk; new connections see it, old ones stay connected")
        void replacedOnDisk() throws Exception {
            assertThat(serialSeen(port)).isEqualTo(server.serial());
            try (Paho5 old = new Paho5(port, factory("TLSv1.3", null), null, null)) {
                String topic = unique("tls/reload");
                old.subscribe(topic);
                Issued renewed = ca.server("tern-test-server", false);
                install(renewed);
                await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                        .until(() -> serialSeen(port).equals(renewed.serial()));
                // the connection made with the old certificate still works
                try (Paho5 fresh = new Paho5(port, factory("TLSv1.2", null), null, null)) {
                    fresh.publish(topic, "after reload");
                }
                assertThat(old.await().text()).isEqualTo("after reload");
                assertThat(old.client.isConnected()).isTrue();
            }
        }

        @Test
        @DisplayName("reload() (SIGHUP) applies a new certificate at once; a broken file is refused, the old kept")
        void reloadNowAndBrokenFile() throws Exception {
            Issued renewed = ca.server("tern-test-server", true);
            install(renewed);
            assertThat(tern.reload()).isEmpty();
            assertThat(serialSeen(port)).isEqualTo(renewed.serial());

            try (Paho5 old = new Paho5(port, factory("TLSv1.3", null), null, null);
                 LogCapture log = new LogCapture()) {
                TlsPki.write(cert, "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
                List<String> errors = tern.reload();
                assertThat(errors).singleElement().asString().contains(cert.toString()).contains("keeping");
                assertThat(serialSeen(port)).isEqualTo(renewed.serial());
                assertThat(connack(factory("TLSv1.2", null), port)).isZero();
                // refused with a warning naming the file (by reload() and the watcher), without a stack trace
                await().atMost(WAIT).until(() -> log.events().stream()
                        .anyMatch(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("keeping")));
                assertThat(log.events()).allSatisfy(e -> assertThat(e.getThrowableProxy()).isNull());

                // a key that does not belong to the certificate is refused as well
                install(renewed);
                TlsPki.write(key, TlsPki.pkcs8(TlsPki.ec().getPrivate()));
                assertThat(tern.reload()).singleElement().asString().contains("does not belong");
                assertThat(serialSeen(port)).isEqualTo(renewed.serial());

                String topic = unique("tls/still");
                old.subscribe(topic);
                old.publish(topic, "still here");
                assertThat(old.await().text()).isEqualTo("still here");
            }
        }
    }

    @Test
    @DisplayName("the handshake timeout is the connect timeout: a silent socket is closed, with one log line")
    void handshakeTimeout() throws Exception {
        TlsConfig config = TlsConfig.of(serverPem, serverKey);
        try (Tern t = Tern.builder().config(BrokerConfig.defaults().withListeners(List.of(tls(config)))
                .withLimits(new LimitsConfig(0, Duration.ofMillis(500)))).build();
             LogCapture log = new LogCapture()) {
            int port = t.start();
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout((int) WAIT.toMillis());
                long start = System.nanoTime();
                assertThat(s.getInputStream().read()).isEqualTo(-1);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            }
            await().atMost(WAIT).until(() -> !log.handshakeFailures().isEmpty());
            assertThat(log.handshakeFailures()).singleElement().extracting(ILoggingEvent::getFormattedMessage)
                    .asString().contains("no handshake within 500 ms");
            assertThat(log.events()).noneMatch(e -> e.getFormattedMessage().contains("no CONNECT"));
        }
    }
}
