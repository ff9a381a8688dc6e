package dev.tern.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import dev.tern.codec.MqttVersion;
import dev.tern.codec.packet.Connack;
import dev.tern.core.BrokerInspector.SessionInfo;
import dev.tern.core.MqttSettings;
import dev.tern.server.Tern;
import dev.tern.server.config.BrokerConfig;
import dev.tern.server.config.LimitsConfig;
import dev.tern.server.config.ListenerConfig;
import dev.tern.server.config.TlsConfig;
import dev.tern.testkit.RawMqttClient;
import dev.tern.tests.TlsPki.Ca;
import dev.tern.tests.TlsPki.Issued;
import dev.tern.tests.support.ConnectBuilder;
import dev.tern.tests.support.Msg;
import dev.tern.tests.support.PahoV5Collector;
import dev.tern.tests.support.RawWebSocket;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * MQTT over WebSocket (MQTT 5.0 chapter 6): {@code ws} and {@code wss} listeners with Paho v3, Paho v5 and the
 * HiveMQ client, and a raw WebSocket client for the framing rules (packets across frames, several packets in a
 * frame, text frames), the upgrade (path, subprotocols) and the connection limits (connect timeout,
 * max-connections) on WebSocket listeners.
 */
class WebSocketTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int MAX_PACKET_SIZE = 4096;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    @TempDir
    static Path dir;

    static Ca ca;
    static Tern broker;
    static int ws;
    static int customPath;
    static int wss;
    static int oneConnection;

    @BeforeAll
    static void startBroker() {
        ca = new Ca("Tern WebSocket Test CA");
        Issued server = ca.server("tern-ws-test", false);
        Path cert = TlsPki.write(dir.resolve("server.pem"), TlsPki.pem(server.certificate()));
        Path key = TlsPki.write(dir.resolve("server.key"), TlsPki.pkcs8(server.keys().getPrivate()));
        BrokerConfig config = BrokerConfig.defaults()
                .withListeners(List.of(
                        ListenerConfig.ws("127.0.0.1", 0),
                        ListenerConfig.ws("127.0.0.1", 0).withPath("/custom/mqtt"),
                        ListenerConfig.wss("127.0.0.1", 0, TlsConfig.of(cert, key)),
                        new ListenerConfig("ws", "127.0.0.1", 0, null, null, 1)))
                .withMqtt(MqttSettings.defaults().withMaxPacketSize(MAX_PACKET_SIZE))
                .withLimits(new LimitsConfig(0, CONNECT_TIMEOUT, LimitsConfig.defaults().client()));
        broker = Tern.builder().config(config).build();
        broker.start();
        List<Integer> ports = broker.ports();
        ws = ports.get(0);
        customPath = ports.get(1);
        wss = ports.get(2);
        oneConnection = ports.get(3);
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

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    static byte[] connect(String clientId) {
        return RawMqttClient.encode(ConnectBuilder.v311(clientId).build(), MqttVersion.V3_1_1);
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** Asserts that {@code packet} is a successful 3.1.1 CONNACK. */
    static void assertConnackOk(byte[] packet) {
        Connack ack = (Connack) RawMqttClient.decode(packet, MqttVersion.V3_1_1);
        assertThat(ack.reasonCode()).isZero();
    }

    /** The listener the broker recorded for a connected client. */
    static String listenerOf(String clientId) {
        SessionInfo s = broker.inspector().session(clientId).join().orElseThrow();
        assertThat(s.connected()).isTrue();
        return s.connection().listener();
    }

    static String nameOf(String type, int port) {
        return type + " 127.0.0.1:" + port;
    }

    // ------------------------------------------------------------------ real clients

    @ParameterizedTest(name = "Paho v3, MQTT {0}")
    @CsvSource({"3.1.1, 4", "3.1, 3"})
    @DisplayName("Paho v3 over ws:// subscribes, publishes and receives (subprotocol mqtt, and mqttv3.1 for 3.1)")
    void pahoV3(String label, int version) throws Exception {
        String id = unique("paho3-ws");
        String topic = unique("ws/paho3");
        var c = new org.eclipse.paho.client.mqttv3.MqttClient("ws://127.0.0.1:" + ws + "/mqtt", id,
                new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(version);
        o.setConnectionTimeout((int) WAIT.toSeconds());
        c.setTimeToWait(WAIT.toMillis());
        c.connect(o);
        try {
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            c.subscribe(topic, 1, (t, m) -> got.add(new String(m.getPayload(), StandardCharsets.UTF_8)));
            c.publish(topic, "hi over ws".getBytes(StandardCharsets.UTF_8), 1, false);
            assertThat(got.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("hi over ws");
            assertThat(listenerOf(id)).isEqualTo(nameOf("ws", ws));
            assertThat(broker.inspector().session(id).join().orElseThrow().connection().protocolVersion())
                    .contains(label);
            c.disconnect();
        } finally {
            c.close(true);
        }
    }

    /** A Paho v5 client on {@code uri}; the socket factory is for wss. */
    static org.eclipse.paho.mqttv5.client.MqttClient pahoV5(String uri, String id, SSLSocketFactory factory,
                                                            BlockingQueue<Msg> messages) throws Exception {
        var c = new org.eclipse.paho.mqttv5.client.MqttClient(uri, id, new MemoryPersistence());
        c.setTimeToWait(WAIT.toMillis());
        c.setCallback(new PahoV5Collector(messages));
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setConnectionTimeout((int) WAIT.toSeconds());
        if (factory != null) {
            o.setSocketFactory(factory);
        }
        c.connect(o);
        return c;
    }

    static void pahoV5RoundTrip(String uri, SSLSocketFactory factory, String expectedListener) throws Exception {
        String id = unique("paho5-ws");
        String topic = unique("ws/paho5");
        BlockingQueue<Msg> messages = new LinkedBlockingQueue<>();
        var c = pahoV5(uri, id, factory, messages);
        try {
            assertThat(c.subscribe(new MqttSubscription[] {new MqttSubscription(topic, 2)}).getReasonCodes())
                    .containsExactly(2);
            // larger than one small frame, smaller than the maximum packet size
            byte[] payload = new byte[3000];
            Arrays.fill(payload, (byte) 'x');
            c.publish(topic, payload, 2, false);
            Msg m = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(m).isNotNull();
            assertThat(m.payload()).isEqualTo(payload);
            assertThat(m.qos()).isEqualTo(2);
            assertThat(listenerOf(id)).isEqualTo(expectedListener);
            c.disconnect();
        } finally {
            c.close(true);
        }
    }

    @Test
    @DisplayName("Paho v5 over ws:// exchanges a QoS 2 message of 3000 bytes")
    void pahoV5() throws Exception {
        pahoV5RoundTrip("ws://127.0.0.1:" + ws + "/mqtt", null, nameOf("ws", ws));
    }

    @Test
    @DisplayName("Paho v5 over wss:// with the listener's certificate")
    void pahoV5Secure() throws Exception {
        pahoV5RoundTrip("wss://127.0.0.1:" + wss + "/mqtt",
                TlsPki.clientContext("TLS", ca, null).getSocketFactory(), nameOf("wss", wss));
    }

    @Test
    @DisplayName("a listener with path /custom/mqtt serves MQTT there")
    void customPath() throws Exception {
        pahoV5RoundTrip("ws://127.0.0.1:" + customPath + "/custom/mqtt", null, nameOf("ws", customPath));
    }

    static void hiveMqRoundTrip(Mqtt5ClientBuilder builder) throws Exception {
        String topic = unique("ws/hivemq");
        Mqtt5AsyncClient c = builder.identifier(unique("hivemq-ws")).buildAsync();
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

    @Test
    @DisplayName("HiveMQ MQTT client over WebSocket")
    void hiveMq() throws Exception {
        hiveMqRoundTrip(Mqtt5Client.builder().serverHost("127.0.0.1").serverPort(ws)
                .webSocketConfig().serverPath("mqtt").applyWebSocketConfig());
    }

    @Test
    @DisplayName("HiveMQ MQTT client over secure WebSocket")
    void hiveMqSecure() throws Exception {
        hiveMqRoundTrip(Mqtt5Client.builder().serverHost("127.0.0.1").serverPort(wss)
                .sslConfig(MqttClientSslConfig.builder().trustManagerFactory(TlsPki.trustManagers(ca)).build())
                .webSocketConfig().serverPath("mqtt").applyWebSocketConfig());
    }

    // ------------------------------------------------------------------ the upgrade

    @ParameterizedTest(name = "offered {0}: selected {1}")
    @CsvSource(value = {"mqtt, mqtt", "mqttv3.1, mqttv3.1", "'graphql-ws, mqtt', mqtt", "NONE, NONE"},
            nullValues = "NONE")
    @DisplayName("the subprotocol is mqtt or mqttv3.1 as offered; a client that offers none is served too")
    void subprotocols(String offered, String selected) throws IOException {
        try (RawWebSocket c = RawWebSocket.connect(ws)) {
            assertThat(c.upgrade("/mqtt", offered)).isEqualTo(101);
            assertThat(c.header("Sec-WebSocket-Protocol")).isEqualTo(selected);
            c.sendBinary(connect(unique("sub")));
            assertConnackOk(c.readPacket());
        }
    }

    @Test
    @DisplayName("a query string after the path is accepted (clients put tokens there)")
    void queryString() throws IOException {
        try (RawWebSocket c = RawWebSocket.open(ws, "/mqtt?token=abc", "mqtt")) {
            c.sendBinary(connect(unique("query")));
            assertConnackOk(c.readPacket());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"/", "/mqtt/", "/other", "/custom/mqtt"})
    @DisplayName("another path is answered 404 and closed")
    void wrongPath(String path) throws IOException {
        try (RawWebSocket c = RawWebSocket.connect(ws)) {
            assertThat(c.upgrade(path, "mqtt")).isEqualTo(404);
            assertThat(c.body()).contains("served on /mqtt");
        }
    }

    @Test
    @DisplayName("a client offering only other subprotocols is answered 400 and closed")
    void wrongSubprotocol() throws IOException {
        try (RawWebSocket c = RawWebSocket.connect(ws)) {
            assertThat(c.upgrade("/mqtt", "graphql-ws, wamp")).isEqualTo(400);
            assertThat(c.body()).contains("subprotocol", "mqtt, mqttv3.1");
        }
    }

    @Test
    @DisplayName("a plain HTTP GET of the path (a browser visiting the URL) is answered with an HTTP error")
    void plainHttpGet() throws IOException {
        try (Socket s = new Socket("127.0.0.1", ws)) {
            s.setSoTimeout((int) WAIT.toMillis());
            s.getOutputStream().write("GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            byte[] answer = s.getInputStream().readNBytes(12);
            assertThat(new String(answer, StandardCharsets.US_ASCII)).matches("HTTP/1\\.1 4\\d\\d");
        }
    }

    @Test
    @DisplayName("plain MQTT on a WebSocket listener is not served")
    void plainMqttOnWebSocketListener() {
        try (RawMqttClient c = RawMqttClient.connect(ws)) {
            c.send(connect(unique("plain")));
            assertThat(c.awaitClosed(WAIT)).isTrue();
            assertThat(c.discarded()).as("no CONNACK").noneMatch(b -> b.length > 0 && b[0] == 0x20);
        }
    }

    // ------------------------------------------------------------------ framing

    @Test
    @DisplayName("the broker sends MQTT packets in binary frames")
    void binaryFramesOut() throws IOException {
        try (RawWebSocket c = RawWebSocket.open(ws, "/mqtt", "mqtt")) {
            c.sendBinary(connect(unique("out")));
            RawWebSocket.Frame f = c.readFrame();
            assertThat(f.opcode()).isEqualTo(RawWebSocket.BINARY);
            assertThat(f.fin()).isTrue();
            assertConnackOk(f.payload());
        }
    }

    @Test
    @DisplayName("[MQTT-6.0.0-2] a CONNECT split over two binary frames is one packet")
    void packetOverTwoFrames() throws IOException {
        byte[] connect = connect(unique("split"));
        try (RawWebSocket c = RawWebSocket.open(ws, "/mqtt", "mqtt")) {
            c.sendBinary(Arrays.copyOfRange(connect, 0, 5));
            c.sendBinary(Arrays.copyOfRange(connect, 5, connect.length));
            assertConnackOk(c.readPacket());
        }
    }

    @Test
    @DisplayName("[MQTT-6.0.0-2] a CONNECT in a fragmented message (binary frame + continuation frame)")
    void packetOverContinuationFrame() throws IOException {
        byte[] connect = connect(unique("fragmented"));
        try (RawWebSocket c = RawWebSocket.open(ws, "/mqtt", "mqtt")) {
            c.sendFrame(false, RawWebSocket.BINARY, Arrays.copyOfRange(connect, 0, 1));
            c.sendFrame(true, RawWebSocket.CONTINUATION, Arrays.copyOfRange(connect, 1, connect.length));
            assertConnackOk(c.readPacket());
        }
    }

    @Test
    @DisplayName("[MQTT-6.0.0-2] CONNECT, SUBSCRIBE, PUBLISH and PINGREQ in one frame, then a packet over two")
    void severalPacketsInOneFrame() throws IOException {
        // SUBSCRIBE id 1 'w/a' QoS 0 | PUBLISH QoS 0 'w/a' "hi" | PINGREQ
        byte[] subscribe = hex("82 08 0001 0003 772F61 00");
        byte[] publish = hex("30 07 0003 772F61 6869");
        byte[] ping = hex("C0 00");
        try (RawWebSocket c = RawWebSocket.open(ws, "/mqtt", "mqtt")) {
            c.sendBinary(concat(connect(unique("many")), subscribe, publish, ping));
            assertConnackOk(c.readPacket());
            assertThat(c.readPacket()).as("SUBACK").isEqualTo(hex("90 03 0001 00"));
            assertThat(c.readPacket()).as("the PUBLISH back").isEqualTo(publish);
            assertThat(c.readPacket()).as("PINGRESP").isEqualTo(hex("D0 00"));
            // the end of one packet and the start of the next in one frame
            byte[] twoPings = concat(ping, ping);
            c.sendBinary(Arrays.copyOfRange(twoPings, 0, 1));
            c.sendBinary(Arrays.copyOfRange(twoPings, 1, 3));
            c.sendBinary(Arrays.copyOfRange(twoPings, 3, 4));
            assertThat(c.readPacket()).isEqualTo(hex("D0 00"));
            assertThat(c.readPacket()).isEqualTo(hex("D0 00"));
        }
    }

    @Test
    @DisplayName("[MQTT-6.0.0-1] a text frame closes the connection (close status 1003)")
    void textFrameCloses() throws IOException {
        try (RawWebSocket c = RawWebSocket.open(ws, "/mqtt", "mqtt")) {
            c.sendBinary(connect(unique("text")));
            assertConnackOk(c.readPacket());
            c.sendFrame(true, RawWebSocket.TEXT, "C000".getBytes(StandardCharsets.US_ASCII));
            RawWebSocket.Frame close = c.awaitClose();
            assertThat(close).isNotNull();
            assertThat(close.closeStatus()).isEqualTo(1003);
        }
    }

    @Test
    @DisplayName("a text frame before CONNECT closes the connection too")
    void textFrameBeforeConnect() throws IOException {
        try (RawWebSocket c = RawWebSocket.open(ws, "/mqtt", "mqtt")) {
            c.sendFrame(true, RawWebSocket.TEXT, "hello".getBytes(StandardCharsets.US_ASCII));
            assertThat(c.awaitClose().closeStatus()).isEqualTo(1003);
        }
    }

    @Test
    @DisplayName("a frame larger than mqtt.max-packet-size closes the connection (close status 1009)")
    void frameTooLarge() throws IOException {
        try (RawWebSocket c = RawWebSocket.open(ws, "/mqtt", "mqtt")) {
            c.sendBinary(connect(unique("big")));
            assertConnackOk(c.readPacket());
            c.sendBinary(new byte[MAX_PACKET_SIZE + 1]);
            RawWebSocket.Frame close = c.awaitClose();
            assertThat(close).isNotNull();
            assertThat(close.closeStatus()).isEqualTo(1009);
        }
    }

    @Test
    @DisplayName("a ping frame is answered with a pong; MQTT goes on")
    void pingPong() throws IOException {
        try (RawWebSocket c = RawWebSocket.open(ws, "/mqtt", "mqtt")) {
            c.sendFrame(true, RawWebSocket.PING, "p1".getBytes(StandardCharsets.US_ASCII));
            RawWebSocket.Frame pong = c.readFrame();
            assertThat(pong.opcode()).isEqualTo(RawWebSocket.PONG);
            assertThat(pong.payload()).isEqualTo("p1".getBytes(StandardCharsets.US_ASCII));
            c.sendBinary(connect(unique("ping")));
            assertConnackOk(c.readPacket());
        }
    }

    @Test
    @DisplayName("DISCONNECT: the broker ends the WebSocket connection")
    void disconnectCloses() throws IOException {
        try (RawWebSocket c = RawWebSocket.open(ws, "/mqtt", "mqtt")) {
            c.sendBinary(connect(unique("bye")));
            assertConnackOk(c.readPacket());
            c.sendBinary(hex("E0 00"));
            c.awaitClose();
            assertThat(c.socket().getInputStream().read()).isEqualTo(-1);
        }
    }

    // ------------------------------------------------------------------ limits

    @Test
    @DisplayName("a WebSocket that sends no CONNECT is closed by the connect timeout")
    void connectTimeoutAfterUpgrade() throws IOException {
        try (RawWebSocket c = RawWebSocket.open(ws, "/mqtt", "mqtt")) {
            long start = System.nanoTime();
            c.awaitClose();
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isBetween(CONNECT_TIMEOUT.minusMillis(500), WAIT);
        }
    }

    @Test
    @DisplayName("an HTTP request that never ends (slowloris) is closed by the connect timeout")
    void connectTimeoutDuringUpgrade() throws IOException {
        try (Socket s = new Socket("127.0.0.1", ws)) {
            s.setSoTimeout((int) WAIT.toMillis());
            s.getOutputStream().write("GET /mqtt HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            long start = System.nanoTime();
            assertThat(s.getInputStream().readAllBytes()).as("no answer, then closed").isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isBetween(CONNECT_TIMEOUT.minusMillis(500), WAIT);
        }
    }

    @Test
    @DisplayName("listeners[].max-connections counts WebSocket connections")
    void maxConnections() throws IOException {
        try (RawWebSocket first = RawWebSocket.open(oneConnection, "/mqtt", "mqtt")) {
            first.sendBinary(connect(unique("first")));
            assertConnackOk(first.readPacket());
            try (RawWebSocket second = RawWebSocket.connect(oneConnection)) {
                assertThatThrownBy(() -> second.upgrade("/mqtt", "mqtt")).isInstanceOfAny(EOFException.class,
                        java.net.SocketException.class);
            }
        }
    }
}
