package dev.tern.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tern.core.BrokerInspector.SessionInfo;
import dev.tern.server.config.BrokerConfig;
import dev.tern.server.config.ListenerConfig;
import dev.tern.testkit.TernExtension;
import dev.tern.tests.support.Browser;
import dev.tern.tests.support.Msg;
import dev.tern.tests.support.NpmPackage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opentest4j.TestAbortedException;

/**
 * A browser client over WebSocket: mqtt.js (the npm package, its browser bundle {@code dist/mqtt.min.js}, version
 * pinned) in headless Chromium, connected to Tern's ws listener with the subprotocol {@code mqtt}, with messages
 * both ways between it and Java clients (HiveMQ publishes to the browser; the browser publishes to Paho). The
 * bundle is installed with npm into {@code target/npm} by the test itself; the test is skipped, with the reason,
 * when Chromium is not installed or npm cannot fetch the package.
 */
class MqttJsBrowserTest {
    /** Pinned: the version this test was written against. */
    static final String MQTT_JS_VERSION = "5.16.0";
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static TernExtension broker = new TernExtension(b -> b.config(BrokerConfig.defaults()
            .withListeners(List.of(ListenerConfig.tcp("127.0.0.1", 0), ListenerConfig.ws("127.0.0.1", 0)))));

    static String skipped;
    static HttpServer pages;
    static Browser browser;

    /** Serves the test page and mqtt.js's bundle from a local HTTP origin, as a web application would. */
    @BeforeAll
    static void start() throws IOException {
        skipped = Browser.skipReason();
        if (skipped != null) {
            return;
        }
        Path bundle;
        try {
            bundle = NpmPackage.install("mqtt", MQTT_JS_VERSION).resolve("dist").resolve("mqtt.min.js");
        } catch (TestAbortedException e) {
            skipped = e.getMessage();
            System.err.println("SKIPPED browser tests: " + skipped);
            return;
        }
        assertThat(bundle).as("mqtt.js's browser bundle").isRegularFile();
        Map<String, byte[]> files = Map.of(
                "/index.html", resource("browser/mqttjs.html"),
                "/record-websockets.js", resource("browser/record-websockets.js"),
                "/mqtt.min.js", Files.readAllBytes(bundle));
        pages = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        pages.createContext("/", exchange -> serve(exchange, files));
        pages.start();
        browser = Browser.start();
    }

    @BeforeEach
    void browserRuns() {
        Browser.assumeRunnable(skipped);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (pages != null) {
            pages.stop(0);
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = MqttJsBrowserTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    private static void serve(HttpExchange exchange, Map<String, byte[]> files) throws IOException {
        byte[] body = files.get(exchange.getRequestURI().getPath());
        if (body == null) {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
        }
        String path = exchange.getRequestURI().getPath();
        exchange.getResponseHeaders().set("Content-Type", path.endsWith(".html") ? "text/html; charset=utf-8"
                : "text/javascript; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static Object script(String js, Object... args) {
        return browser.asyncScript(js, args);
    }

    @ParameterizedTest(name = "MQTT protocol level {0}")
    @ValueSource(ints = {4, 5})
    @DisplayName("mqtt.js in Chromium over ws (subprotocol mqtt): subscribes and gets a HiveMQ client's message; "
            + "publishes QoS 1 to a Paho subscriber")
    void roundTrip(int protocolLevel) throws Exception {
        String clientId = "mqttjs-" + protocolLevel + "-" + UUID.randomUUID().toString().substring(0, 8);
        int wsPort = broker.tern().ports().get(1);
        browser.open("http://127.0.0.1:" + pages.getAddress().getPort() + "/index.html");
        assertThat(browser.script("return typeof mqtt.connect")).as("mqtt.js loaded").isEqualTo("function");

        // connect and subscribe from the browser
        Object granted = script("""
                const [url, clientId, level, done] = arguments;
                window.received = [];
                const client = mqtt.connect(url, {clientId, protocolVersion: level, reconnectPeriod: 0,
                                                  connectTimeout: 5000});
                window.client = client;
                client.on('message', (topic, payload, packet) => window.received.push(
                    {topic, text: new TextDecoder().decode(payload), qos: packet.qos}));
                client.on('error', (e) => done('error: ' + e.message));
                client.on('connect', () => client.subscribe('browser/in/#', {qos: 1},
                    (err, granted) => done(err ? 'error: ' + err.message : granted.map((g) => g.qos).join())));
                """, "ws://127.0.0.1:" + wsPort + "/mqtt", clientId, protocolLevel);
        assertThat(granted).as("granted QoS, or the error").isEqualTo("1");
        assertThat(browser.script("return window.openedWebSockets.map((w) => w.protocol).join()"))
                .as("the subprotocol Tern agreed to").isEqualTo("mqtt");
        SessionInfo session = broker.tern().inspector().session(clientId).join().orElseThrow();
        assertThat(session.connection().listener()).isEqualTo("ws 127.0.0.1:" + wsPort);
        assertThat(session.connection().protocolVersion()).isEqualTo(protocolLevel == 5 ? "5" : "3.1.1");

        // Java -> browser
        String toBrowser = "from Java: 21.5 °C";
        Mqtt5BlockingClient hivemq = Mqtt5Client.builder().identifier(clientId + "-java-pub")
                .serverHost("127.0.0.1").serverPort(broker.port()).buildBlocking();
        hivemq.connect();
        try {
            hivemq.publishWith().topic("browser/in/kitchen").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(toBrowser.getBytes(StandardCharsets.UTF_8)).send();
        } finally {
            hivemq.disconnect();
        }
        browser.await(d -> ((Number) browser.script("return window.received.length")).intValue() >= 1);
        assertThat(browser.script("return JSON.stringify(window.received)")).isEqualTo(
                "[{\"topic\":\"browser/in/kitchen\",\"text\":\"" + toBrowser + "\",\"qos\":1}]");

        // browser -> Java
        BlockingQueue<Msg> atJava = new LinkedBlockingQueue<>();
        MqttClient paho = new MqttClient(broker.uri(), clientId + "-java-sub", new MemoryPersistence());
        paho.connect();
        try {
            paho.subscribe("browser/out/#", 1, (topic, m) -> atJava.add(new Msg(topic, m.getPayload(), m.getQos(),
                    m.isRetained(), m.isDuplicate())));
            String fromBrowser = "from the browser ✓";
            Object published = script("""
                    const [text, done] = arguments;
                    window.client.publish('browser/out/panel', text, {qos: 1},
                        (err) => done(err ? 'error: ' + err.message : 'acknowledged'));
                    """, fromBrowser);
            assertThat(published).as("PUBACK reached mqtt.js").isEqualTo("acknowledged");
            Msg m = atJava.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(m).as("message from the browser").isNotNull();
            assertThat(m.topic()).isEqualTo("browser/out/panel");
            assertThat(m.text()).isEqualTo(fromBrowser);
            assertThat(m.qos()).isEqualTo(1);
        } finally {
            paho.disconnect();
            paho.close();
        }

        assertThat(script("const done = arguments[0]; window.client.end(false, {}, () => done('ended'));"))
                .isEqualTo("ended");
        browser.await(d -> !broker.tern().broker().isConnected(clientId));
        assertThat(browser.consoleErrors()).isEmpty();
    }
}
