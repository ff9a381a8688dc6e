package dev.tern.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tern.cli.client.ClientRun.Result;
import dev.tern.core.BrokerInspector.SessionInfo;
import dev.tern.server.Tern;
import dev.tern.server.config.BrokerConfig;
import dev.tern.server.config.ListenerConfig;
import dev.tern.server.config.TlsConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code tern pub} and {@code tern sub} over WebSocket ({@code --ws}, {@code ws://} and {@code wss://} URLs)
 * against an embedded Tern with tcp, ws, ws on another path, and wss listeners. Each test checks which listener the
 * broker saw the client on, so a client that fell back to plain TCP would fail. The wss tests need openssl (for
 * the certificates) and are skipped, with the reason printed, without it.
 */
class WebSocketClientTest {
    @TempDir
    static Path dir;
    private static Tern tern;
    private static String tcp;
    private static String ws;
    private static String customPath;
    private static String wss;
    private static String ca;

    @BeforeAll
    static void start() throws Exception {
        List<ListenerConfig> listeners = new ArrayList<>(List.of(
                ListenerConfig.tcp("127.0.0.1", 0),
                ListenerConfig.ws("127.0.0.1", 0),
                ListenerConfig.ws("127.0.0.1", 0).withPath("/custom/mqtt")));
        if (OpensslPki.available()) {
            OpensslPki pki = OpensslPki.create(dir);
            pki.issueServer("server");
            ca = pki.ca().toString();
            listeners.add(ListenerConfig.wss("127.0.0.1", 0, TlsConfig.of(pki.cert("server"), pki.key("server"))));
        } else {
            System.out.println("WebSocketClientTest: wss tests skipped: openssl is not installed");
        }
        tern = Tern.builder().config(BrokerConfig.defaults().withListeners(listeners)).build();
        tern.start();
        List<Integer> ports = tern.ports();
        tcp = String.valueOf(ports.get(0));
        ws = String.valueOf(ports.get(1));
        customPath = String.valueOf(ports.get(2));
        wss = ports.size() > 3 ? String.valueOf(ports.get(3)) : null;
    }

    @AfterAll
    static void stop() {
        if (tern != null) {
            tern.close();
        }
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The listener the broker recorded for a connected client. */
    private static String listenerOf(String clientId) {
        SessionInfo s = tern.inspector().session(clientId).join().orElseThrow();
        assertThat(s.connected()).as(clientId + " connected").isTrue();
        return s.connection().listener();
    }

    /** How to reach the ws or wss listener: the flags for tern pub/sub. */
    private static String[] target(String transport) {
        if (transport.equals("wss")) {
            assumeTrue(wss != null, "openssl is needed for the wss certificates");
            return new String[] {"--ws", "-h", "localhost", "-p", wss, "--cafile", ca};
        }
        return new String[] {"--ws", "-p", ws};
    }

    @ParameterizedTest(name = "{0}, MQTT {1}, QoS {2}")
    @CsvSource({"ws,311,0", "ws,311,1", "ws,311,2", "ws,5,0", "ws,5,1", "ws,5,2", "ws,31,1",
        "wss,311,0", "wss,311,1", "wss,311,2", "wss,5,0", "wss,5,1", "wss,5,2"})
    void pubAndSubOverWebSocket(String transport, String version, int qos) {
        String topic = unique("ws/" + transport + version + qos);
        String subId = unique("wsub");
        String pubId = unique("wpub");
        ClientRun sub = ClientRun.subscribed(with(target(transport), "sub", "-V", version, "-i", subId, "-t", topic,
                "-q", "" + qos, "-C", "2", "-F", "%q %t %p"));
        assertThat(listenerOf(subId)).isEqualTo(transport + " 127.0.0.1:" + (transport.equals("ws") ? ws : wss));

        Result pub = ClientRun.run(with(target(transport), "pub", "-V", version, "-i", pubId, "-t", topic,
                "-q", "" + qos, "-m", "over " + transport, "-d"));
        assertThat(pub.exitCode()).as(pub.err()).isZero();
        assertThat(pub.err()).contains("WebSocket connected to " + transport + "://");
        // a packet larger than one small frame, and several packets in a row, arrive whole
        String big = "x".repeat(70_000);
        Result pubBig = ClientRun.run(with(target(transport), "pub", "-V", version, "-t", topic, "-q", "" + qos,
                "-m", big));
        assertThat(pubBig.exitCode()).as(pubBig.err()).isZero();

        Result got = sub.await();
        assertThat(got.exitCode()).as(got.err()).isZero();
        assertThat(got.out()).isEqualTo(qos + " " + topic + " over " + transport + "\n"
                + qos + " " + topic + " " + big + "\n");
    }

    /** The args with {@code "sub"} or {@code "pub"} first, as picocli wants the subcommand. */
    private static String[] with(String[] flags, String command, String... args) {
        String[] all = new String[flags.length + args.length + 1];
        all[0] = command;
        System.arraycopy(flags, 0, all, 1, flags.length);
        System.arraycopy(args, 0, all, 1 + flags.length, args.length);
        return all;
    }

    @Test
    void wsUrlsCarryHostPortCredentialsAndTopic() {
        String topic = unique("url/ws");
        String subId = unique("wsurl");
        ClientRun sub = ClientRun.subscribed("sub", "-L", "ws://127.0.0.1:" + ws + "/" + topic, "-i", subId,
                "-C", "1", "-v");
        assertThat(listenerOf(subId)).isEqualTo("ws 127.0.0.1:" + ws);
        Result pub = ClientRun.run("pub", "-L", "ws://someone:pw@127.0.0.1:" + ws + "/" + topic, "-m", "hi",
                "-V", "5", "-q", "1");
        assertThat(pub.exitCode()).as(pub.err()).isZero();
        assertThat(sub.await().out()).isEqualTo(topic + " hi\n");
    }

    @Test
    void wssUrlWithCafile() {
        assumeTrue(wss != null, "openssl is needed for the wss certificates");
        String topic = unique("url/wss");
        String subId = unique("wssurl");
        ClientRun sub = ClientRun.subscribed("sub", "-L", "wss://localhost:" + wss + "/" + topic, "--cafile", ca,
                "-i", subId, "-C", "1", "-v", "-V", "5");
        assertThat(listenerOf(subId)).isEqualTo("wss 127.0.0.1:" + wss);
        Result pub = ClientRun.run("pub", "-L", "wss://localhost:" + wss + "/" + topic, "--cafile", ca, "-m", "tls",
                "-q", "2");
        assertThat(pub.exitCode()).as(pub.err()).isZero();
        assertThat(sub.await().out()).isEqualTo(topic + " tls\n");
    }

    @Test
    void wssChecksTheServerCertificate() {
        assumeTrue(wss != null, "openssl is needed for the wss certificates");
        // without --cafile the JDK's CAs are trusted, and they did not sign the test certificate
        Result r = ClientRun.run("pub", "-L", "wss://localhost:" + wss + "/t", "-m", "x");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("TLS handshake with 127.0.0.1:" + wss + " failed");
    }

    @Test
    void wsPathPicksTheListenersPath() {
        String topic = unique("path");
        String subId = unique("wspath");
        ClientRun sub = ClientRun.subscribed("sub", "--ws", "-p", customPath, "--ws-path", "/custom/mqtt",
                "-i", subId, "-t", topic, "-C", "1", "-v");
        assertThat(listenerOf(subId)).isEqualTo("ws 127.0.0.1:" + customPath);
        // a query after the path is passed on and ignored by the broker
        Result pub = ClientRun.run("pub", "-L", "ws://localhost:" + customPath + "/" + topic,
                "--ws-path", "/custom/mqtt?token=abc", "-m", "p");
        assertThat(pub.exitCode()).as(pub.err()).isZero();
        assertThat(sub.await().out()).isEqualTo(topic + " p\n");
    }

    @Test
    void aWrongPathIsAClearError() {
        Result r = ClientRun.run("pub", "--ws", "-p", customPath, "-t", "t", "-m", "x");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).startsWith("Error: the WebSocket upgrade at ws://localhost:" + customPath
                + "/mqtt was refused: HTTP 404 Not Found (404 Not Found: path '/mqtt' (MQTT is served on "
                + "/custom/mqtt)). Is the path right? Set it with --ws-path (default /mqtt).");
    }

    @Test
    void aTcpListenerIsNotAWebSocketListener() {
        Result r = ClientRun.run("pub", "--ws", "-p", tcp, "-t", "t", "-m", "x");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("closed the connection during the WebSocket upgrade: is it a WebSocket "
                + "(ws/wss) listener?");
    }

    @Test
    void anUnansweredUpgradeIsNamed() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            ClientRun run = ClientRun.start(null, "sub", "--ws", "-h", "127.0.0.1", "-p",
                    String.valueOf(silent.getLocalPort()), "-t", "t", "-W", "2", "-k", "5");
            try (java.net.Socket accepted = silent.accept()) {
                Result r = run.await();
                assertThat(r.err()).contains("Error: no answer to the WebSocket upgrade from 127.0.0.1:"
                        + silent.getLocalPort() + " within");
            }
        }
    }

    @Test
    void plainMqttToAWebSocketListenerStillFailsClearly() {
        Result r = ClientRun.run("pub", "-p", ws, "-t", "t", "-m", "x");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).startsWith("Error: ");
    }

    @Test
    void subOverWsReceivesFromMosquittoPubOverTcp() throws Exception {
        String mosquittoPub = Mosquitto.tool("mosquitto_pub");
        if (mosquittoPub == null) {
            System.out.println("subOverWsReceivesFromMosquittoPubOverTcp skipped: mosquitto_pub is not installed");
        }
        assumeTrue(mosquittoPub != null, "mosquitto_pub is needed");
        String topic = unique("interop/ws");
        String subId = unique("wsinterop");
        ClientRun sub = ClientRun.subscribed("sub", "-L", "ws://127.0.0.1:" + ws + "/" + topic, "-i", subId,
                "-q", "2", "-C", "2", "-F", "%q %p");
        assertThat(listenerOf(subId)).isEqualTo("ws 127.0.0.1:" + ws);
        Result one = Mosquitto.run(mosquittoPub, "-h", "127.0.0.1", "-p", tcp, "-t", topic, "-m", "from tcp",
                "-q", "1");
        assertThat(one.exitCode()).as(one.err()).isZero();
        Result two = Mosquitto.run(mosquittoPub, "-h", "127.0.0.1", "-p", tcp, "-t", topic, "-m", "v5",
                "-q", "2", "-V", "5");
        assertThat(two.exitCode()).as(two.err()).isZero();
        assertThat(sub.await().out()).isEqualTo("1 from tcp\n2 v5\n");
    }
}
