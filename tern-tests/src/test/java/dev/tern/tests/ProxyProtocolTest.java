package dev.tern.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.tern.codec.MqttVersion;
import dev.tern.codec.packet.Connack;
import dev.tern.core.BrokerInspector.SessionInfo;
import dev.tern.server.Tern;
import dev.tern.core.ClientLimits;
import dev.tern.security.PasswordFile;
import dev.tern.server.config.AuthConfig;
import dev.tern.server.config.BrokerConfig;
import dev.tern.server.config.HttpConfig;
import dev.tern.server.config.LimitsConfig;
import dev.tern.server.config.ListenerConfig;
import dev.tern.server.config.TlsConfig;
import dev.tern.testkit.RawMqttClient;
import dev.tern.tests.TlsPki.Ca;
import dev.tern.tests.TlsPki.Issued;
import dev.tern.tests.TlsTest.LogCapture;
import dev.tern.tests.support.ConnectBuilder;
import dev.tern.tests.support.RawWebSocket;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PROXY protocol v1 and v2 on tcp, tls and ws listeners ({@code proxy-protocol: true}): the client address of the
 * header is what the broker shows (inspector and admin API) and what the failed-login delay counts by, a LOCAL
 * header keeps the socket's address, and a connection without a valid header is closed at once with a log line.
 */
class ProxyProtocolTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Long, so that a quick close can only be the PROXY check's doing. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration FAILED_AUTH_DELAY = Duration.ofMillis(300);
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54,
        0x0A};

    @TempDir
    static Path dir;

    static Ca ca;
    static Tern broker;
    static int tcp;
    static int tls;
    static int ws;
    static int plain;

    @BeforeAll
    static void startBroker() {
        ca = new Ca("Tern PROXY Test CA");
        Issued server = ca.server("tern-proxy-test", false);
        Path cert = TlsPki.write(dir.resolve("server.pem"), TlsPki.pem(server.certificate()));
        Path key = TlsPki.write(dir.resolve("server.key"), TlsPki.pkcs8(server.keys().getPrivate()));
        BrokerConfig config = BrokerConfig.defaults()
                .withListeners(List.of(
                        ListenerConfig.tcp("127.0.0.1", 0).withProxyProtocol(true),
                        ListenerConfig.tls("127.0.0.1", 0, TlsConfig.of(cert, key)).withProxyProtocol(true),
                        ListenerConfig.ws("127.0.0.1", 0).withProxyProtocol(true),
                        ListenerConfig.tcp("127.0.0.1", 0)))
                .withLimits(new LimitsConfig(0, CONNECT_TIMEOUT, new ClientLimits(65535, 128, 10_000, 0, 0,
                        FAILED_AUTH_DELAY, Duration.ofSeconds(5))))
                .withAuth(new AuthConfig(true, TlsPki.write(dir.resolve("passwd"), "carol:" + PasswordFile.hash(
                        "carol-pw".getBytes(StandardCharsets.UTF_8)) + "\n"), null));
        broker = Tern.builder().config(config).http(HttpConfig.on("127.0.0.1", 0, null, null, true)).build();
        broker.start();
        List<Integer> ports = broker.ports();
        tcp = ports.get(0);
        tls = ports.get(1);
        ws = ports.get(2);
        plain = ports.get(3);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] connect(String clientId) {
        return RawMqttClient.encode(ConnectBuilder.v311(clientId).build(), MqttVersion.V3_1_1);
    }

    /** A v2 header: PROXY over TCP/IPv4 from {@code src}:{@code srcPort} to 127.0.0.1:{@code dstPort}. */
    static byte[] v2Tcp4(int[] src, int srcPort, int dstPort) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(V2_SIGNATURE);
        b.write(0x21); // version 2, command PROXY
        b.write(0x11); // AF_INET, STREAM
        b.write(0);
        b.write(12); // addresses: 4 + 4 + 2 + 2
        for (int octet : src) {
            b.write(octet);
        }
        b.writeBytes(new byte[] {127, 0, 0, 1});
        b.write(srcPort >>> 8);
        b.write(srcPort);
        b.write(dstPort >>> 8);
        b.write(dstPort);
        return b.toByteArray();
    }

    /** A v2 LOCAL header (a load balancer's health check): no addresses. */
    static byte[] v2Local() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(V2_SIGNATURE);
        b.write(0x20); // version 2, command LOCAL
        b.write(0x00); // AF_UNSPEC
        b.write(0);
        b.write(0);
        return b.toByteArray();
    }

    /** Sends {@code header} then CONNECT on a plain socket; returns the CONNACK's return code. */
    static int connectAfter(int port, byte[] header, String clientId) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = s.getOutputStream();
            out.write(header);
            out.write(connect(clientId));
            out.flush();
            return connack(s.getInputStream());
        }
    }

    static int connack(InputStream in) throws IOException {
        byte[] ack = in.readNBytes(4);
        if (ack.length < 4) {
            throw new EOFException("closed by the broker");
        }
        Connack c = (Connack) RawMqttClient.decode(ack, MqttVersion.V3_1_1);
        return c.reasonCode();
    }

    /** Connects with {@code header} and returns what the broker shows of the session while it is connected. */
    static SessionInfo sessionSeenAfter(int port, byte[] header) throws IOException {
        String id = unique("proxied");
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout((int) WAIT.toMillis());
            s.getOutputStream().write(header);
            s.getOutputStream().write(connect(id));
            s.getOutputStream().flush();
            assertThat(connack(s.getInputStream())).isZero();
            return broker.inspector().session(id).join().orElseThrow();
        }
    }

    /** Whether the broker closed {@code s} without answering, well before the connect timeout. */
    static void assertClosedWithoutAnswer(Socket s) throws IOException {
        long start = System.nanoTime();
        InputStream in = s.getInputStream();
        byte[] rest;
        try {
            rest = in.readAllBytes();
        } catch (java.net.SocketException reset) {
            rest = new byte[0];
        }
        assertThat(rest).as("no CONNACK").isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("closed at once, not by the connect timeout")
                .isLessThan(WAIT);
    }

    @Test
    @DisplayName("v1 TCP4 header: the broker sees the client address of the header")
    void v1Tcp4() throws IOException {
        SessionInfo s = sessionSeenAfter(tcp, ascii("PROXY TCP4 203.0.113.7 127.0.0.1 5555 1883\r\n"));
        assertThat(s.connection().remoteAddress()).isEqualTo("203.0.113.7:5555");
    }

    @Test
    @DisplayName("v1 TCP6 header: an IPv6 client address")
    void v1Tcp6() throws IOException {
        SessionInfo s = sessionSeenAfter(tcp, ascii("PROXY TCP6 2001:db8::7 ::1 6000 1883\r\n"));
        assertThat(s.connection().remoteAddress()).isEqualTo("2001:db8:0:0:0:0:0:7:6000");
    }

    @Test
    @DisplayName("v2 binary header over TCP/IPv4: the broker sees the client address of the header")
    void v2Tcp4() throws IOException {
        SessionInfo s = sessionSeenAfter(tcp, v2Tcp4(new int[] {198, 51, 100, 23}, 40000, tcp));
        assertThat(s.connection().remoteAddress()).isEqualTo("198.51.100.23:40000");
    }

    @Test
    @DisplayName("v2 LOCAL (health check): the socket's own address is kept")
    void v2LocalKeepsTheSocketAddress() throws IOException {
        SessionInfo s = sessionSeenAfter(tcp, v2Local());
        assertThat(s.connection().remoteAddress()).startsWith("127.0.0.1:");
    }

    @Test
    @DisplayName("v1 UNKNOWN: the socket's own address is kept")
    void v1UnknownKeepsTheSocketAddress() throws IOException {
        SessionInfo s = sessionSeenAfter(tcp, ascii("PROXY UNKNOWN\r\n"));
        assertThat(s.connection().remoteAddress()).startsWith("127.0.0.1:");
    }

    @Test
    @DisplayName("the header and CONNECT may arrive in pieces")
    void headerInPieces() throws IOException, InterruptedException {
        String id = unique("pieces");
        byte[] header = ascii("PROXY TCP4 203.0.113.9 127.0.0.1 5555 1883\r\n");
        try (Socket s = new Socket("127.0.0.1", tcp)) {
            s.setSoTimeout((int) WAIT.toMillis());
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            for (int i = 0; i < header.length; i += 4) {
                out.write(header, i, Math.min(4, header.length - i));
                out.flush();
                Thread.sleep(2); // separate segments, so the broker reads the header in several pieces
            }
            out.write(connect(id));
            out.flush();
            assertThat(connack(s.getInputStream())).isZero();
            assertThat(broker.inspector().session(id).join().orElseThrow().connection().remoteAddress())
                    .isEqualTo("203.0.113.9:5555");
        }
    }

    @Test
    @DisplayName("the admin API lists the client under the address of the header, and finds it by that address")
    void adminApiShowsTheProxiedAddress() throws IOException {
        String id = unique("api");
        try (Socket s = new Socket("127.0.0.1", tcp)) {
            s.setSoTimeout((int) WAIT.toMillis());
            s.getOutputStream().write(ascii("PROXY TCP4 192.0.2.44 127.0.0.1 7777 1883\r\n"));
            s.getOutputStream().write(connect(id));
            assertThat(connack(s.getInputStream())).isZero();
            ObservabilityHttp http = new ObservabilityHttp("http://127.0.0.1:" + broker.httpAddress().getPort(),
                    null);
            HttpResponse<String> r = http.get("/api/v1/clients?address=192.0.2.44");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"" + id + "\"", "192.0.2.44:7777");
        }
    }

    /** Milliseconds from a CONNECT with a wrong password, behind a PROXY header for {@code client}, to CONNACK. */
    static long failedLoginMillis(String client) throws IOException {
        try (Socket s = new Socket("127.0.0.1", tcp)) {
            s.setSoTimeout((int) WAIT.toMillis());
            s.getOutputStream().write(ascii("PROXY TCP4 " + client + " 127.0.0.1 5555 1883\r\n"));
            long start = System.nanoTime();
            s.getOutputStream().write(RawMqttClient.encode(ConnectBuilder.v311(unique("guess"))
                    .credentials("carol", "wrong").build(), MqttVersion.V3_1_1));
            assertThat(connack(s.getInputStream())).as("refused: bad user name or password").isEqualTo(4);
            return (System.nanoTime() - start) / 1_000_000;
        }
    }

    @Test
    @DisplayName("the failed-login delay counts per address of the header, not per load balancer")
    void failedLoginDelayPerProxiedAddress() throws IOException {
        long first = failedLoginMillis("203.0.113.50");
        long second = failedLoginMillis("203.0.113.50");
        assertThat(first).isGreaterThanOrEqualTo(FAILED_AUTH_DELAY.toMillis() - 50);
        assertThat(second).as("doubled for the same client").isGreaterThanOrEqualTo(2 * FAILED_AUTH_DELAY.toMillis()
                - 50);
        assertThat(failedLoginMillis("203.0.113.51")).as("another client behind the same balancer: not doubled")
                .isLessThan(2 * FAILED_AUTH_DELAY.toMillis() - 50);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"plain CONNECT", "HTTP", "bad v1", "bad v2 version"})
    @DisplayName("a connection without a valid PROXY header is closed at once, with a log line")
    void missingOrBadHeader(String what) throws IOException {
        byte[] first = switch (what) {
            case "plain CONNECT" -> connect(unique("no-header"));
            case "HTTP" -> ascii("GET / HTTP/1.1\r\n\r\n");
            case "bad v1" -> ascii("PROXY TCP4 not-an-address 127.0.0.1 5555 1883\r\n");
            default -> {
                byte[] h = v2Tcp4(new int[] {203, 0, 113, 7}, 5555, 1883);
                h[12] = 0x31; // version 3
                yield h;
            }
        };
        try (LogCapture log = new LogCapture(); Socket s = new Socket("127.0.0.1", tcp)) {
            s.setSoTimeout((int) WAIT.toMillis());
            s.getOutputStream().write(first);
            s.getOutputStream().write(connect(unique("after")));
            s.getOutputStream().flush();
            assertClosedWithoutAnswer(s);
            // the decoder may close the socket a moment before the line is written
            await().atMost(WAIT).untilAsserted(() -> assertThat(log.events().stream()
                    .map(ILoggingEvent::getFormattedMessage)
                    .filter(m -> m.startsWith("refused connection from")).toList())
                    .singleElement().asString().contains("PROXY", "proxy-protocol: true"));
        }
    }

    @Test
    @DisplayName("a listener without proxy-protocol does not read a PROXY header: the client is refused")
    void headerOnAPlainListener() throws IOException {
        try (Socket s = new Socket("127.0.0.1", plain)) {
            s.setSoTimeout((int) WAIT.toMillis());
            // read as MQTT: "P" (0x50) starts a PUBREL, "R" says 82 bytes follow; padded to complete it
            s.getOutputStream().write(ascii("PROXY TCP4 203.0.113.7 127.0.0.1 5555 1883\r\n"));
            s.getOutputStream().write(new byte[40]);
            assertClosedWithoutAnswer(s);
        }
    }

    @Test
    @DisplayName("tls listener: the PROXY header comes before the TLS handshake")
    void beforeTls() throws IOException {
        String id = unique("tls");
        try (Socket raw = new Socket("127.0.0.1", tls)) {
            raw.getOutputStream().write(ascii("PROXY TCP4 203.0.113.7 127.0.0.1 5555 8883\r\n"));
            raw.getOutputStream().flush();
            try (SSLSocket s = (SSLSocket) TlsPki.clientContext("TLS", ca, null).getSocketFactory()
                    .createSocket(raw, "127.0.0.1", tls, true)) {
                s.setSoTimeout((int) WAIT.toMillis());
                s.startHandshake();
                s.getOutputStream().write(connect(id));
                s.getOutputStream().flush();
                assertThat(connack(s.getInputStream())).isZero();
                SessionInfo info = broker.inspector().session(id).join().orElseThrow();
                assertThat(info.connection().remoteAddress()).isEqualTo("203.0.113.7:5555");
                assertThat(info.connection().listener()).isEqualTo("tls 127.0.0.1:" + tls);
            }
        }
    }

    @Test
    @DisplayName("tls listener: a TLS client that sends no PROXY header is closed")
    void tlsWithoutHeader() throws IOException {
        try (SSLSocket s = (SSLSocket) TlsPki.clientContext("TLS", ca, null).getSocketFactory()
                .createSocket("127.0.0.1", tls)) {
            s.setSoTimeout((int) WAIT.toMillis());
            org.assertj.core.api.Assertions.assertThatThrownBy(s::startHandshake).isInstanceOf(IOException.class);
        }
    }

    @Test
    @DisplayName("ws listener: the PROXY header comes before the HTTP upgrade")
    void beforeWebSocket() throws IOException {
        String id = unique("ws");
        Socket raw = new Socket("127.0.0.1", ws);
        raw.getOutputStream().write(v2Tcp4(new int[] {203, 0, 113, 8}, 5556, ws));
        try (RawWebSocket c = new RawWebSocket(raw, WAIT)) {
            assertThat(c.upgrade("/mqtt", "mqtt")).isEqualTo(101);
            c.sendBinary(connect(id));
            assertThat(RawMqttClient.decode(c.readPacket(), MqttVersion.V3_1_1)).isInstanceOf(Connack.class);
            assertThat(broker.inspector().session(id).join().orElseThrow().connection().remoteAddress())
                    .isEqualTo("203.0.113.8:5556");
        }
    }

    @Test
    @DisplayName("a PROXY header in the middle of the stream is not read as one: only the first bytes count")
    void onlyAtTheStart() throws IOException {
        try (Socket s = new Socket("127.0.0.1", tcp)) {
            s.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = s.getOutputStream();
            out.write(ascii("PROXY TCP4 203.0.113.7 127.0.0.1 5555 1883\r\n"));
            out.write(connect(unique("twice")));
            out.flush();
            assertThat(connack(s.getInputStream())).isZero();
            // read as MQTT: "P" (0x50) starts a PUBREL with wrong flags, "R" says 82 bytes follow; padded to
            // complete it, it is a malformed packet that closes the connection
            out.write(ascii("PROXY TCP4 203.0.113.8 127.0.0.1 5555 1883\r\n"));
            out.write(new byte[40]);
            out.flush();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }
}
