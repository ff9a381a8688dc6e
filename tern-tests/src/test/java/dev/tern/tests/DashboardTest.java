package dev.tern.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import dev.tern.core.BrokerInspector.SessionInfo;
import dev.tern.core.BrokerInspector.SubscriptionInfo;
import dev.tern.security.PasswordFile;
import dev.tern.server.config.AuthConfig;
import dev.tern.server.config.BrokerConfig;
import dev.tern.server.config.HttpConfig;
import dev.tern.server.config.ListenerConfig;
import dev.tern.testkit.TernExtension;
import dev.tern.tests.support.Browser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.WebElement;

/**
 * The web dashboard in a real headless Chromium against a real embedded broker (HTTP listener with a token and an
 * {@code http.admins} user, a ws listener, a password file for the topic explorer's MQTT login), with real MQTT
 * clients on the other side: log in, clients and kick, topic explorer over MQTT over WebSocket, retained messages,
 * subscriptions, live overview charts. Every test also checks that the page logged no error to the console (a
 * Content-Security-Policy violation would be one). A screenshot of each page goes to
 * {@code target/dashboard-screenshots/}, and to the folder of {@code -Dtern.dashboard.screenshots} when set
 * (how {@code docs/img/} is made).
 */
class DashboardTest {
    private static final String TOKEN = "dashboard-test-token-0123456789";
    private static final Path FILES = tempDir();
    private static final Path ADMINS = passwordFile("admins", "ops", "ops-secret");
    private static final Path PASSWORDS = passwordFile("passwd", "viewer", "viewer-secret");
    private static final String STORAGE_KEY = "tern.dashboard.authorization";

    @RegisterExtension
    static TernExtension broker = new TernExtension(b -> b.config(BrokerConfig.defaults()
            .withListeners(List.of(ListenerConfig.tcp("127.0.0.1", 0), ListenerConfig.ws("127.0.0.1", 0)))
            .withAuth(new AuthConfig(true, PASSWORDS, null))
            .withHttp(HttpConfig.on("127.0.0.1", 0, TOKEN, ADMINS, false))));

    static String skipped;
    static Browser browser;

    @BeforeAll
    static void startBrowser() {
        skipped = Browser.skipReason();
        if (skipped == null) {
            browser = Browser.start();
        }
    }

    @BeforeEach
    void browserRuns() {
        Browser.assumeRunnable(skipped);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @AfterEach
    void noConsoleErrors() {
        if (browser == null) {
            return;
        }
        // expected: the 401 answers of refused logins, and the WebSocket that was pointed at a wrong URL
        assertThat(browser.consoleErrors())
                .filteredOn(m -> !m.contains("status of 401") && !m.contains("WebSocket connection to"))
                .as("errors in the browser console (a CSP violation, a script error)").isEmpty();
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("tern-dashboard-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path passwordFile(String name, String user, String password) {
        try {
            return Files.writeString(FILES.resolve(name),
                    user + ":" + PasswordFile.hash(password.getBytes(StandardCharsets.UTF_8)) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String base() {
        return "http://127.0.0.1:" + broker.tern().httpAddress().getPort();
    }

    private static int wsPort() {
        return broker.tern().ports().get(1);
    }

    /** A fresh page load of the dashboard at {@code #/page}, logged out (session storage cleared). */
    private static void openLoggedOut(String page) {
        browser.open("about:blank");
        browser.open(base() + "/dashboard/#/" + page);
        browser.script("sessionStorage.clear()");
        browser.driver().navigate().refresh();
        browser.awaitVisible("#login-form");
    }

    /** A fresh page load of the dashboard at {@code #/page}, logged in with the token. */
    private static void openLoggedIn(String page) {
        openLoggedOut(page);
        browser.type("#login-token", TOKEN);
        browser.find("#login-submit").click();
        browser.awaitVisible("#page-" + page);
    }

    private static void screenshot(String page) {
        String name = "dashboard-" + page + ".png";
        browser.screenshot(Path.of("target", "dashboard-screenshots", name));
        String docs = System.getProperty("tern.dashboard.screenshots");
        if (docs != null && !docs.isBlank()) {
            browser.screenshot(Path.of(docs, name));
        }
    }

    private static String text(String css) {
        return browser.find(css).getText();
    }

    /** The connected session of the topic explorer (its client id starts with tern-dashboard-), if any. */
    private static Optional<SessionInfo> explorerSession() {
        return broker.tern().inspector().sessions().join().stream()
                .filter(s -> s.connected() && s.clientId().startsWith("tern-dashboard-")).findFirst();
    }

    @Test
    @DisplayName("log in: a wrong token or password is refused; the token and an http.admins user get in; a 401 "
            + "on a later call brings the login back")
    void login() {
        openLoggedOut("overview");
        screenshot("login");
        assertThat(browser.find("#page-overview").isDisplayed()).isFalse();
        assertThat(browser.find("#top").isDisplayed()).isFalse();

        browser.type("#login-token", "not-the-token-at-all");
        browser.find("#login-submit").click();
        browser.awaitText("#login-status", "Wrong token");
        assertThat(browser.find("#page-overview").isDisplayed()).isFalse();
        assertThat(browser.script("return sessionStorage.getItem(arguments[0])", STORAGE_KEY)).isNull();

        browser.type("#login-token", TOKEN);
        browser.find("#login-submit").click();
        browser.awaitVisible("#page-overview");
        assertThat(text("#who")).endsWith("token");
        assertThat(browser.find("#login-form").isDisplayed()).isFalse();
        assertThat(browser.script("return sessionStorage.getItem(arguments[0])", STORAGE_KEY))
                .isEqualTo("Bearer " + TOKEN);

        browser.find("#logout").click();
        browser.awaitVisible("#login-form");
        assertThat(browser.script("return sessionStorage.getItem(arguments[0])", STORAGE_KEY)).isNull();

        // HTTP Basic with a user of http.admins
        browser.find("#login-method-basic").click();
        browser.type("#login-user", "ops");
        browser.type("#login-password", "not-the-password");
        browser.find("#login-submit").click();
        browser.awaitText("#login-status", "Wrong user name or password");
        browser.type("#login-password", "ops-secret");
        browser.find("#login-submit").click();
        browser.awaitVisible("#page-overview");
        assertThat(text("#who")).endsWith("ops");

        // the credential stops working (say the token was changed): the next API call gets 401 -> login
        browser.find(".nav a[data-page=clients]").click();
        browser.awaitVisible("#page-clients");
        browser.script("sessionStorage.setItem(arguments[0], 'Bearer revoked-token-0123456789')", STORAGE_KEY);
        browser.find("#clients-filters button[type=submit]").click();
        browser.awaitVisible("#login-form");
        assertThat(text("#login-status")).contains("refused the saved credentials");
        assertThat(browser.find("#page-clients").isDisplayed()).isFalse();
        assertThat(browser.script("return sessionStorage.getItem(arguments[0])", STORAGE_KEY)).isNull();
    }

    /** A Paho v5 client that remembers how the broker ended its connection. */
    private static final class DisconnectWatch implements MqttCallback {
        final AtomicReference<MqttDisconnectResponse> disconnect = new AtomicReference<>();

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            disconnect.set(response);
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }

    @Test
    @DisplayName("clients: a connected client appears, is found by id, user name and address, and the kick button "
            + "disconnects it with DISCONNECT 0x98")
    void clientsAndKick() throws Exception {
        String id = unique("dash-kick");
        List<MqttClient> others = new ArrayList<>();
        MqttClient target = new MqttClient(broker.uri(), id, new MemoryPersistence());
        DisconnectWatch events = new DisconnectWatch();
        target.setCallback(events);
        try {
            for (String other : List.of("sensor-kitchen", "sensor-hall", "gateway-7")) {
                MqttClient c = new MqttClient(broker.uri(), unique(other), new MemoryPersistence());
                c.connect();
                c.subscribe("home/" + other + "/#", 1);
                others.add(c);
            }
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setUserName("viewer");
            o.setPassword("viewer-secret".getBytes(StandardCharsets.UTF_8));
            target.connect(o);
            target.subscribe("dash/kick/#", 1);

            openLoggedIn("clients");
            String row = "#clients-table tr[data-client-id='" + id + "']";
            browser.awaitVisible(row);
            assertThat(browser.find(row).getText()).contains(id, "viewer", "127.0.0.1:", "MQTT 5",
                    "tcp 127.0.0.1:" + broker.port());
            assertThat(browser.findAll("#clients-table tbody tr")).hasSizeGreaterThanOrEqualTo(4);
            screenshot("clients");

            browser.type("#clients-username", "view");
            browser.await(d -> browser.findAll("#clients-table tbody tr").size() == 1);
            assertThat(browser.find(row).isDisplayed()).isTrue();
            browser.type("#clients-username", "nobody-is-called-this");
            browser.awaitText("#clients-table", "No connected client matches.");
            browser.find("#clients-username").clear();
            browser.type("#clients-address", "127.0.0.1");
            browser.type("#clients-id", id.toUpperCase(java.util.Locale.ROOT));
            browser.await(d -> browser.findAll("#clients-table tbody tr").size() == 1
                    && !browser.findAll(row).isEmpty());

            browser.find(row + " button.kick").click();
            assertThat(browser.acceptConfirm()).contains(id);
            browser.await(d -> events.disconnect.get() != null);
            assertThat(events.disconnect.get().getReturnCode()).as("DISCONNECT reason code").isEqualTo(0x98);
            assertThat(target.isConnected()).isFalse();
            assertThat(broker.tern().broker().isConnected(id)).isFalse();
            browser.await(d -> browser.findAll(row).isEmpty());
            assertThat(text("#clients-status")).contains("Kicked " + id);
        } finally {
            target.close(true);
            for (MqttClient c : others) {
                c.disconnect();
                c.close();
            }
        }
    }

    @Test
    @DisplayName("topic explorer: subscribes over MQTT over WebSocket (ws listener from the API, MQTT login) and "
            + "shows messages published by a real client as text; a wrong password and a wrong URL are named")
    void topicExplorer() throws Exception {
        openLoggedIn("explorer");
        String url = "ws://127.0.0.1:" + wsPort() + "/mqtt";
        assertThat(browser.find("#explorer-url").getAttribute("value")).as("derived from the ws listener")
                .isEqualTo(url);
        browser.type("#explorer-filter", "dash/explore/#");
        new org.openqa.selenium.support.ui.Select(browser.find("#explorer-qos")).selectByValue("1");

        // the broker refuses a wrong password: CONNACK 4, said in words
        browser.type("#explorer-username", "viewer");
        browser.type("#explorer-password", "wrong");
        browser.find("#explorer-connect").click();
        browser.awaitText("#explorer-status", "connection refused by the broker: bad user name "
                + "or password");

        browser.type("#explorer-password", "viewer-secret");
        browser.find("#explorer-connect").click();
        browser.await(d -> "subscribed".equals(browser.find("#explorer-status").getAttribute("data-state")));
        SessionInfo session = explorerSession().orElseThrow();
        assertThat(session.connection().username()).isEqualTo("viewer");
        assertThat(session.connection().listener()).startsWith("ws ");
        assertThat(session.connection().protocolVersion()).isEqualTo("3.1.1");
        assertThat(session.subscriptions()).extracting(SubscriptionInfo::filter, SubscriptionInfo::qos)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("dash/explore/#", 1));

        String hostile = "<img src=x id=injected onerror=\"document.title='pwned'\"> 21.5 °C";
        Mqtt5BlockingClient publisher = Mqtt5Client.builder().identifier(unique("dash-publisher"))
                .serverHost("127.0.0.1").serverPort(broker.port()).buildBlocking();
        publisher.connect();
        try {
            publisher.publishWith().topic("dash/explore/kitchen/temperature").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(hostile.getBytes(StandardCharsets.UTF_8)).send();
            publisher.publishWith().topic("dash/explore/raw").qos(MqttQos.AT_MOST_ONCE)
                    .payload(new byte[] {0, 1, 2, (byte) 0xff}).send();
            publisher.publishWith().topic("dash/elsewhere").payload("not for the explorer".getBytes(
                    StandardCharsets.UTF_8)).send();
            publisher.publishWith().topic("dash/explore/hall/humidity").qos(MqttQos.AT_LEAST_ONCE)
                    .payload("48 %".getBytes(StandardCharsets.UTF_8)).send();
        } finally {
            publisher.disconnect();
        }
        browser.await(d -> "3".equals(browser.find("#explorer-messages").getAttribute("data-count")));
        String kitchen = "#explorer-messages tr[data-topic='dash/explore/kitchen/temperature']";
        assertThat(browser.find(kitchen).getText()).contains(hostile, "dash/explore/kitchen/temperature");
        assertThat(browser.findAll("#explorer-messages img, #injected")).as("the payload stayed text").isEmpty();
        assertThat(browser.driver().getTitle()).doesNotContain("pwned");
        assertThat(text("#explorer-messages tr[data-topic='dash/explore/raw']")).contains("00 01 02 ff");
        assertThat(browser.findAll("#explorer-messages tr[data-topic='dash/elsewhere']")).isEmpty();
        // the QoS 1 messages were acknowledged with PUBACK: nothing stays in flight for the explorer's session
        browser.await(d -> explorerSession().orElseThrow().inflight() == 0);
        screenshot("explorer");

        browser.find("#explorer-disconnect").click();
        browser.await(d -> explorerSession().isEmpty());
        assertThat(text("#explorer-status")).isEqualTo("Disconnected.");

        // the HTTP port is not a WebSocket listener at this path
        browser.type("#explorer-url", base().replace("http:", "ws:") + "/no-mqtt-here");
        browser.find("#explorer-username").clear();
        browser.find("#explorer-password").clear();
        browser.find("#explorer-connect").click();
        browser.awaitText("#explorer-status", "could not connect to ws://127.0.0.1:");
    }

    @Test
    @DisplayName("the explorer's MQTT client keeps a 1 s keep alive going with PINGREQ (the broker would close it "
            + "after 1.5 s of silence)")
    void explorerClientPings() {
        openLoggedIn("explorer");
        Object connected = browser.asyncScript("""
                const [url, done] = arguments;
                import('/dashboard/js/mqtt-ws.js').then(async ({MqttWsClient}) => {
                  const client = new MqttWsClient({url, clientId: 'tern-dashboard-ping', keepAlive: 1,
                    onClose: (error) => { window.pingClosed = error ? error.message : 'closed'; }});
                  window.pingClient = client;
                  await client.connect();
                  done('connected');
                }).catch((e) => done('error: ' + e.message));
                """, "ws://127.0.0.1:" + wsPort() + "/mqtt");
        assertThat(connected).isEqualTo("connected");
        assertThat(broker.tern().inspector().session("tern-dashboard-ping").join().orElseThrow().connection()
                .keepAlive()).isEqualTo(1);
        org.awaitility.Awaitility.await().during(java.time.Duration.ofSeconds(4))
                .atMost(java.time.Duration.ofSeconds(6))
                .until(() -> broker.tern().broker().isConnected("tern-dashboard-ping"));
        assertThat(browser.script("return window.pingClosed")).as("the client saw no failure").isNull();
        browser.script("window.pingClient.disconnect()");
        browser.await(d -> !broker.tern().broker().isConnected("tern-dashboard-ping"));
        browser.await(d -> "closed".equals(browser.script("return window.pingClosed")));
    }

    @Test
    @DisplayName("without credentials the dashboard is usable only where the API is: http.allow-anonymous on loopback")
    void anonymousOnlyWhereAllowed() {
        try (dev.tern.server.Tern open = dev.tern.server.Tern.builder().bind("127.0.0.1").port(0)
                .http(HttpConfig.on("127.0.0.1", 0, null, null, true)).build()) {
            open.start();
            browser.open("about:blank");
            browser.open("http://127.0.0.1:" + open.httpAddress().getPort() + "/dashboard/#/clients");
            browser.script("sessionStorage.clear()");
            browser.driver().navigate().refresh();
            browser.awaitVisible("#page-clients");
            assertThat(text("#who")).endsWith("anonymous");
            assertThat(browser.find("#login-form").isDisplayed()).isFalse();
        }
        // the class's broker has a token and no anonymous access: the login form, and no data
        openLoggedOut("clients");
        assertThat(browser.find("#page-clients").isDisplayed()).isFalse();
        assertThat(browser.find("#top").isDisplayed()).isFalse();
    }

    @Test
    @DisplayName("retained messages: listed by filter, one opened (payload shown as text), deleted from the page "
            + "and gone from the broker")
    void retainedBrowser() throws Exception {
        String payload = "21.5 °C <b>warm</b>";
        MqttClient publisher = new MqttClient(broker.uri(), unique("dash-retain"), new MemoryPersistence());
        publisher.connect();
        try {
            publisher.publish("dash/retained/kitchen", payload.getBytes(StandardCharsets.UTF_8), 1, true);
            publisher.publish("dash/retained/hall", "19.0 °C".getBytes(StandardCharsets.UTF_8), 1, true);
            publisher.publish("dash/retained/raw", new byte[] {0, 1, 2, 3}, 1, true);
        } finally {
            publisher.disconnect();
            publisher.close();
        }
        openLoggedIn("retained");
        browser.type("#retained-filter", "dash/retained/#");
        browser.find("#retained-filters button[type=submit]").click();
        browser.await(d -> browser.findAll("#retained-table tbody tr").size() == 3);
        assertThat(text("#retained-count")).isEqualTo("3 matching dash/retained/#");
        assertThat(text("#retained-table tr[data-topic='dash/retained/raw']")).contains("binary: 00 01 02 03");

        String kitchen = "#retained-table tr[data-topic='dash/retained/kitchen']";
        browser.find(kitchen + " button.view").click();
        WebElement shown = browser.awaitVisible("#retained-payload");
        assertThat(shown.getText()).isEqualTo(payload);
        assertThat(browser.findAll("#retained-detail b, #retained-table b")).isEmpty();
        assertThat(text("#retained-detail")).contains("dash/retained/kitchen", "UTF-8 text");
        screenshot("retained");

        browser.find("#retained-detail-delete").click();
        assertThat(browser.acceptConfirm()).contains("dash/retained/kitchen");
        browser.await(d -> browser.findAll(kitchen).isEmpty()
                && browser.findAll("#retained-table tbody tr").size() == 2);
        assertThat(browser.find("#retained-detail").isDisplayed()).isFalse();
        assertThat(broker.tern().inspector().retained("dash/retained/kitchen", 0, 1).items()).isEmpty();
        assertThat(broker.tern().inspector().retained("dash/retained/#", 0, 10).total()).isEqualTo(2);

        browser.find("#retained-delete-all").click();
        assertThat(browser.acceptConfirm()).contains("dash/retained/#");
        browser.awaitText("#retained-table", "No retained message matches.");
        assertThat(broker.tern().inspector().retained("dash/retained/#", 0, 10).total()).isZero();
    }

    @Test
    @DisplayName("subscriptions and topics: every subscription, and per filter its subscribers and highest QoS")
    void subscriptions() throws Exception {
        Mqtt5BlockingClient a = Mqtt5Client.builder().identifier(unique("dash-subs-a")).serverHost("127.0.0.1")
                .serverPort(broker.port()).buildBlocking();
        MqttClient b = new MqttClient(broker.uri(), unique("dash-subs-b"), new MemoryPersistence());
        a.connect();
        b.connect();
        try {
            a.subscribeWith().topicFilter("dash/subs/+/temperature").qos(MqttQos.AT_LEAST_ONCE).send();
            a.subscribeWith().topicFilter("$share/loggers/dash/subs/#").qos(MqttQos.AT_MOST_ONCE).send();
            b.subscribe("dash/subs/+/temperature", 2);
            b.subscribe("dash/subs/alerts", 1);

            openLoggedIn("subscriptions");
            browser.type("#subscriptions-filter", "dash/subs");
            String temperature = "#subscriptions-topics tr[data-filter='dash/subs/+/temperature']";
            browser.await(d -> browser.findAll("#subscriptions-table tbody tr").size() == 4
                    && !browser.findAll(temperature).isEmpty());
            List<WebElement> cells = browser.find(temperature).findElements(org.openqa.selenium.By.tagName("td"));
            assertThat(cells).extracting(WebElement::getText)
                    .containsExactly("dash/subs/+/temperature", "2", "–", "2");
            assertThat(text("#subscriptions-topics tr[data-filter='$share/loggers/dash/subs/#']"))
                    .contains("loggers");
            assertThat(text("#subscriptions-count")).isEqualTo("4 subscriptions");
            screenshot("subscriptions");
        } finally {
            a.disconnect();
            b.disconnect();
            b.close();
        }
    }

    @Test
    @DisplayName("overview: the charts of connections and messages per second follow real traffic")
    void overviewCharts() throws Exception {
        openLoggedIn("overview");
        String chart = "#chart-messages canvas";
        browser.await(d -> Integer.parseInt(browser.find(chart).getAttribute("data-samples")) >= 2);
        String before = (String) browser.script("return arguments[0].toDataURL()", browser.find(chart));

        MqttClient subscriber = new MqttClient(broker.uri(), unique("dash-load-sub"), new MemoryPersistence());
        MqttClient publisher = new MqttClient(broker.uri(), unique("dash-load-pub"), new MemoryPersistence());
        subscriber.setCallback(new DisconnectWatch());
        subscriber.connect();
        subscriber.subscribe("dash/load/#", 0);
        publisher.connect();
        AtomicBoolean publishing = new AtomicBoolean(true);
        Thread load = new Thread(() -> {
            byte[] payload = "x".repeat(64).getBytes(StandardCharsets.UTF_8);
            try {
                for (int i = 0; publishing.get(); i++) {
                    publisher.publish("dash/load/" + (i % 8), payload, 0, false);
                    if (i % 40 == 39) {
                        TimeUnit.MILLISECONDS.sleep(100); // pacing the load generator: about 400 messages a second
                    }
                }
            } catch (MqttException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "dashboard-load");
        load.start();
        try {
            int samples = Integer.parseInt(browser.find(chart).getAttribute("data-samples"));
            browser.await(d -> {
                String[] last = browser.find(chart).getAttribute("data-last").split(",");
                return Double.parseDouble(last[0]) > 0 && Double.parseDouble(last[1]) > 0;
            });
            // a few seconds of traffic on the chart (also for the screenshot)
            browser.await(d -> Integer.parseInt(browser.find(chart).getAttribute("data-samples")) >= samples + 6);
            String[] last = browser.find(chart).getAttribute("data-last").split(",");
            assertThat(Double.parseDouble(last[0])).as("messages in per second").isGreaterThan(10);
            assertThat(Double.parseDouble(last[1])).as("messages out per second").isGreaterThan(10);
            assertThat(browser.script("return arguments[0].toDataURL()", browser.find(chart)))
                    .as("the chart was drawn again with the new samples").isNotEqualTo(before);
            assertThat(Integer.parseInt(browser.find("#chart-connections canvas").getAttribute("data-last")
                    .split(",")[0])).as("clients connected").isGreaterThanOrEqualTo(2);
            assertThat(text("#overview-tiles [data-tile=in] .tile-value")).isNotIn("0", "–");
            assertThat(text("#overview-listeners")).contains("MQTT ws 127.0.0.1:" + wsPort());
            screenshot("overview");
        } finally {
            publishing.set(false);
            load.join(5000);
            publisher.disconnect();
            publisher.close();
            subscriber.disconnect();
            subscriber.close();
        }
    }
}
