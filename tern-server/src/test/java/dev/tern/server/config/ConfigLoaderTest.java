package dev.tern.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.core.MqttSettings;
import dev.tern.core.MqttSettings.QueueOverflow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {
    /** What a file means by default: the embedded defaults plus the HTTP listener on 127.0.0.1:8080. */
    private static final BrokerConfig FILE_DEFAULTS = BrokerConfig.defaults().withHttp(HttpConfig.defaults())
            .withStorage(StorageConfig.durable());


    private static BrokerConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, "tern.yaml");
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> failing(String yaml) {
        return assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class);
    }

    @Nested
    class Defaults {
        @Test
        void emptyFileMeansDefaults() {
            assertThat(parse("")).isEqualTo(FILE_DEFAULTS);
        }

        @Test
        void commentsOnlyMeansDefaults() {
            assertThat(parse("# nothing here\n\n# at all\n")).isEqualTo(FILE_DEFAULTS);
        }

        @Test
        void missingListenersMeansOneTcpListenerOnLoopback1883() {
            BrokerConfig c = parse("mqtt:\n  receive-maximum: 10\n");
            assertThat(c.listeners()).containsExactly(new ListenerConfig("tcp", "127.0.0.1", 1883, null));
        }

        @Test
        void emptySectionsMeanDefaults() {
            BrokerConfig c = parse("mqtt:\nauth:\nlimits:\nstorage:\nhttp:\n");
            assertThat(c).isEqualTo(FILE_DEFAULTS);
        }

        @Test
        void defaultsOfTheDocument() {
            ConfigDocument d = ConfigLoader.parseDocument("", "tern.yaml");
            assertThat(d.httpBind()).isEmpty();
            assertThat(d.sysInterval()).isEqualTo(Duration.ofSeconds(10));
            assertThat(d.notes()).isEmpty();
        }

        @Test
        void documentedDefaultValues() {
            BrokerConfig c = BrokerConfig.defaults();
            MqttSettings m = c.mqtt();
            assertThat(m.maxKeepAlive()).isEqualTo(65535);
            assertThat(m.receiveMaximum()).isEqualTo(128);
            assertThat(m.maxPacketSize()).isEqualTo(2_000_000);
            assertThat(m.topicAliasMaximum()).isEqualTo(64);
            assertThat(m.maxQueuedMessages()).isEqualTo(1000);
            assertThat(m.maxQueuedBytes()).isZero();
            assertThat(m.queueOverflow()).isEqualTo(QueueOverflow.DROP_NEW);
            assertThat(m.queueQos0()).isFalse();
            assertThat(m.persistentClientExpiration()).isZero();
            assertThat(m.maxClientIdLength()).isEqualTo(65535);
            assertThat(m.allowZeroLengthClientId()).isTrue();
            assertThat(m.maxSessionExpiryInterval()).isEqualTo(0xFFFFFFFFL);
            assertThat(c.auth().allowAnonymous()).isTrue();
            assertThat(c.limits()).isEqualTo(new LimitsConfig(0, Duration.ofSeconds(10)));
            assertThat(c.storage()).isEqualTo(new StorageConfig("memory", Path.of("data"), "always"));
        }
    }

    @Nested
    class EveryKey {
        @Test
        void allKeysOfTheGuideShape() {
            ConfigDocument d = ConfigLoader.parseDocument("""
                    listeners:
                      - type: tcp
                        bind: 0.0.0.0:1883
                        allow-anonymous: false
                        proxy-protocol: false
                      - bind: "[::1]:1884"
                    mqtt:
                      max-keepalive: 600
                      receive-maximum: 20
                      max-packet-size: 1MB
                      topic-alias-maximum: 0
                      max-queued-messages: 50
                      max-queued-bytes: 512KB
                      queue-overflow: drop-oldest
                      queue-qos0: true
                      persistent-client-expiration: 2h
                      max-client-id-length: 23
                      allow-zero-length-client-id: false
                      max-session-expiry-interval: 86400
                    auth:
                      allow-anonymous: false
                    limits:
                      max-connections: 100
                      connect-timeout: 500ms
                    storage:
                      engine: memory
                      dir: /var/lib/tern
                      sync: batch
                    http:
                      bind: 127.0.0.1:8080
                    sys-interval: 0
                    """, "tern.yaml");
            BrokerConfig c = d.broker();
            assertThat(c.listeners()).containsExactly(
                    new ListenerConfig("tcp", "0.0.0.0", 1883, false),
                    new ListenerConfig("tcp", "::1", 1884, null));
            assertThat(c.mqtt()).isEqualTo(new MqttSettings(600, 20, 1024 * 1024, 0, 50, 512 * 1024,
                    QueueOverflow.DROP_OLDEST, true, Duration.ofHours(2), 23, false, 86400));
            assertThat(c.auth()).isEqualTo(new AuthConfig(false));
            assertThat(c.limits()).isEqualTo(new LimitsConfig(100, Duration.ofMillis(500)));
            assertThat(c.storage()).isEqualTo(new StorageConfig("memory", Path.of("/var/lib/tern"), "batch"));
            assertThat(d.httpBind()).contains(new HostPort("127.0.0.1", 8080));
            assertThat(d.sysInterval()).isZero();
            assertThat(d.notes()).containsExactly(
                    "tern.yaml:27: storage.dir is not used by the memory engine",
                    "tern.yaml:28: storage.sync is not used by the memory engine");
            assertThat(c.http()).isEqualTo(new HttpConfig(true, "127.0.0.1", 8080, null, null, false, true));
            assertThat(c.sysInterval()).isZero();
        }

        @Test
        void unsetMqttKeysKeepTheirDefaults() {
            MqttSettings m = parse("mqtt:\n  receive-maximum: 5\n").mqtt();
            assertThat(m).isEqualTo(MqttSettings.defaults().withReceiveMaximum(5));
        }

        @Test
        void listenerTypeDefaultsToTcp() {
            assertThat(parse("listeners:\n  - bind: localhost:0\n").listeners())
                    .containsExactly(ListenerConfig.tcp("localhost", 0));
        }

        @Test
        void queueOverflowDropNew() {
            assertThat(parse("mqtt:\n  queue-overflow: drop-new\n").mqtt().queueOverflow())
                    .isEqualTo(QueueOverflow.DROP_NEW);
        }

        @Test
        void maxInflightDefaultsToNoneAndIsRead() {
            assertThat(parse("mqtt:\n  receive-maximum: 5\n").mqtt().maxInflight()).isZero();
            MqttSettings m = parse("mqtt:\n  max-inflight: 20\n").mqtt();
            assertThat(m).isEqualTo(MqttSettings.defaults().withMaxInflight(20));
            assertThat(m.outboundWindow(65535)).isEqualTo(20);
            assertThat(m.outboundWindow(10)).isEqualTo(10);
            assertThat(MqttSettings.defaults().outboundWindow(65535)).isEqualTo(65535);
        }

        @Test
        void listenerConnectionRates() {
            List<ListenerConfig> l = parse("listeners:\n  - bind: 0.0.0.0:1883\n    max-connection-rate: 100\n"
                    + "    max-connection-rate-per-address: 10\n  - bind: 0.0.0.0:1884\n").listeners();
            assertThat(l.get(0)).isEqualTo(ListenerConfig.tcp("0.0.0.0", 1883).withConnectionRates(100, 10));
            assertThat(l.get(1).maxConnectionRate()).isZero();
            assertThat(l.get(1).maxConnectionRatePerAddress()).isZero();
        }

        @Test
        void listenerConnectionRateOutOfRange() {
            failing("listeners:\n  - bind: 0.0.0.0:1883\n    max-connection-rate: -1\n")
                    .hasMessage("tern.yaml:3: listeners[0].max-connection-rate: expected a whole number "
                            + "0..1000000, got -1");
            failing("listeners:\n  - bind: 0.0.0.0:1883\n    max-connection-rate-per-adress: 5\n")
                    .hasMessageEndingWith("did you mean 'max-connection-rate-per-address'?");
        }

        @Test
        void keepaliveAndSessionExpiryAcceptDurations() {
            MqttSettings m = parse("mqtt:\n  max-keepalive: 10m\n  max-session-expiry-interval: 1d\n").mqtt();
            assertThat(m.maxKeepAlive()).isEqualTo(600);
            assertThat(m.maxSessionExpiryInterval()).isEqualTo(86_400);
        }

        @Test
        void sessionExpiryAcceptsTheNeverValue() {
            assertThat(parse("mqtt:\n  max-session-expiry-interval: 4294967295\n").mqtt().maxSessionExpiryInterval())
                    .isEqualTo(MqttSettings.SESSION_NEVER_EXPIRES);
        }

        @Test
        void quotedNumbersAndUnderscoresAreNumbers() {
            MqttSettings m = parse("mqtt:\n  receive-maximum: \"20\"\n  max-packet-size: 2_000_000\n").mqtt();
            assertThat(m.receiveMaximum()).isEqualTo(20);
            assertThat(m.maxPacketSize()).isEqualTo(2_000_000);
        }

        @Test
        void booleansAreCaseInsensitive() {
            assertThat(parse("auth:\n  allow-anonymous: False\n").auth().allowAnonymous()).isFalse();
        }

        @Test
        void aliasesWork() {
            BrokerConfig c = parse("""
                    limits:
                      connect-timeout: &t 5s
                    mqtt:
                      persistent-client-expiration: *t
                    """);
            assertThat(c.mqtt().persistentClientExpiration()).isEqualTo(Duration.ofSeconds(5));
        }

        @Test
        void loadsFromAFile(@TempDir Path dir) throws IOException {
            Path file = dir.resolve("tern.yaml");
            Files.writeString(file, "listeners:\n  - type: tcp\n    bind: 0.0.0.0:1999\n");
            assertThat(ConfigLoader.load(file).listeners()).containsExactly(ListenerConfig.tcp("0.0.0.0", 1999));
        }

        @Test
        void fileErrorsNameTheFileAsGiven(@TempDir Path dir) throws IOException {
            Path file = dir.resolve("broken.yaml");
            Files.writeString(file, "mqtt:\n  max-keepalve: 5\n");
            assertThatThrownBy(() -> ConfigLoader.load(file))
                    .hasMessageStartingWith(file + ":2: unknown key 'mqtt.max-keepalve'");
        }

        @Test
        void missingFile(@TempDir Path dir) {
            Path file = dir.resolve("nope.yaml");
            assertThatThrownBy(() -> ConfigLoader.load(file)).isInstanceOf(ConfigException.class)
                    .hasMessage(file + ": no such file");
        }

        @Test
        void notUtf8(@TempDir Path dir) throws IOException {
            Path file = dir.resolve("latin1.yaml");
            Files.write(file, "# caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
            assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessage(file + ": not a UTF-8 text file");
        }

        @Test
        void exampleFileOfTheRepositoryIsValid() {
            Path example = Path.of("..", "tern.example.yaml");
            if (Files.exists(example)) {
                ConfigDocument d = ConfigLoader.loadDocument(example);
                assertThat(d.broker().listeners()).isNotEmpty();
            }
        }
    }

    @Nested
    class UnknownKeys {
        @Test
        void unknownMqttKeyNamesPathLineAndAllowedKeys() {
            failing("listeners:\n  - bind: 0.0.0.0:1883\n\nmqtt:\n  receive-maximum: 5\n\n  max-keepalve: 60\n")
                    .hasMessage("tern.yaml:7: unknown key 'mqtt.max-keepalve' (allowed: max-keepalive, "
                            + "receive-maximum, max-packet-size, topic-alias-maximum, max-queued-messages, "
                            + "max-queued-bytes, queue-overflow, queue-qos0, persistent-client-expiration, "
                            + "max-client-id-length, allow-zero-length-client-id, max-session-expiry-interval, "
                            + "max-inflight); did you mean 'max-keepalive'?");
        }

        @Test
        void unknownTopLevelKey() {
            failing("mqtt:\n  receive-maximum: 5\nlisteners_tls: 1\n")
                    .hasMessageStartingWith("tern.yaml:3: unknown key 'listeners_tls' (allowed: listeners, mqtt, "
                            + "auth, limits, storage, http, sys-interval, log)");
        }

        @Test
        void unknownKeyWithoutCloseMatchHasNoHint() {
            failing("persistence: true\n").hasMessageNotContaining("did you mean");
        }

        @Test
        void mosquittoStyleUnderscoresGetAHint() {
            failing("mqtt:\n  max_keepalive: 60\n").hasMessageEndingWith("did you mean 'max-keepalive'?");
        }

        @Test
        void unknownListenerKey() {
            failing("listeners:\n  - type: tcp\n    bind: 0.0.0.0:1883\n    port: 1883\n")
                    .hasMessageStartingWith("tern.yaml:4: unknown key 'listeners[0].port' (allowed: type, bind, "
                            + "allow-anonymous, proxy-protocol, tls, path, max-connections, max-connection-rate, "
                            + "max-connection-rate-per-address, password-file, acl-file)");
        }

        @ParameterizedTest
        @CsvSource({"auth,user", "limits,max-conections", "storage,path", "http,port"})
        void unknownKeyInEverySection(String section, String key) {
            failing(section + ":\n  " + key + ": 1\n").hasMessageStartingWith(
                    "tern.yaml:2: unknown key '" + section + "." + key + "' (allowed: ");
        }

        @Test
        void duplicateKey() {
            failing("mqtt:\n  receive-maximum: 5\n  receive-maximum: 6\n")
                    .hasMessage("tern.yaml:3: duplicate key 'mqtt.receive-maximum' (first at line 2)");
        }

        @Test
        void duplicateSection() {
            failing("mqtt:\n  receive-maximum: 5\nauth:\nmqtt:\n")
                    .hasMessage("tern.yaml:4: duplicate key 'mqtt' (first at line 1)");
        }
    }

    @Nested
    class WrongValues {
        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "max-keepalive: 70000 | mqtt.max-keepalive: expected seconds 0..65535 (or a duration like 90s, 10m, 1h), got '70000'",
            "max-keepalive: 1.5 | mqtt.max-keepalive: expected seconds 0..65535 (or a duration like 90s, 10m, 1h), got '1.5'",
            "max-keepalive: 1500ms | mqtt.max-keepalive: expected seconds 0..65535 (or a duration like 90s, 10m, 1h), got '1500ms'",
            "receive-maximum: 0 | mqtt.receive-maximum: expected a whole number 1..65535, got 0",
            "receive-maximum: many | mqtt.receive-maximum: expected a whole number 1..65535, got 'many'",
            "topic-alias-maximum: -1 | mqtt.topic-alias-maximum: expected a whole number 0..65535, got -1",
            "max-queued-messages: 1e3 | mqtt.max-queued-messages: expected a whole number >= 0, got '1e3'",
            "max-client-id-length: 0 | mqtt.max-client-id-length: expected a whole number 1..65535, got 0",
            "max-packet-size: 2XB | mqtt.max-packet-size: expected a size like 512KB, 2MB, 1GB or plain bytes, 16..268435460 bytes, got '2XB'",
            "max-packet-size: 1GB | mqtt.max-packet-size: expected a size like 512KB, 2MB, 1GB or plain bytes, 16..268435460 bytes, got '1GB' (1073741824 bytes)",
            "max-packet-size: 8 | mqtt.max-packet-size: expected a size like 512KB, 2MB, 1GB or plain bytes, 16..268435460 bytes, got '8' (8 bytes)",
            "max-queued-bytes: lots | mqtt.max-queued-bytes: expected a size like 512KB, 2MB, 1GB or plain bytes (0 = no limit), got 'lots'",
            "queue-overflow: drop | mqtt.queue-overflow: expected one of drop-new, drop-oldest, got 'drop'",
            "queue-qos0: yes | mqtt.queue-qos0: expected true or false, got 'yes'",
            "allow-zero-length-client-id: 1 | mqtt.allow-zero-length-client-id: expected true or false, got '1'",
            "persistent-client-expiration: 1w | mqtt.persistent-client-expiration: expected a duration like 500ms, 10s, 5m, 2h, 1d or plain seconds (0 = never), got '1w'",
            "persistent-client-expiration: -5s | mqtt.persistent-client-expiration: expected a duration like 500ms, 10s, 5m, 2h, 1d or plain seconds (0 = never), got '-5s'",
            "max-session-expiry-interval: 4294967296 | mqtt.max-session-expiry-interval: expected seconds 0..4294967295 (or a duration like 90s, 10m, 1h), got '4294967296'",
            "max-inflight: -1 | mqtt.max-inflight: expected a whole number 0..65535, got -1",
            "max-inflight: 70000 | mqtt.max-inflight: expected a whole number 0..65535, got 70000",
        })
        void mqttValues(String line, String message) {
            failing("# tern\nmqtt:\n  " + line + "\n").hasMessage("tern.yaml:3: " + message);
        }

        @Test
        void wrongTypeListInsteadOfScalar() {
            failing("mqtt:\n  receive-maximum:\n    - 1\n")
                    .hasMessage("tern.yaml:3: mqtt.receive-maximum: expected a whole number 1..65535, got a list");
        }

        @Test
        void missingValue() {
            failing("mqtt:\n  receive-maximum:\n")
                    .hasMessage("tern.yaml:2: mqtt.receive-maximum: expected a whole number 1..65535, got nothing");
        }

        @Test
        void sectionThatIsAScalar() {
            failing("mqtt: 5\n").hasMessageStartingWith("tern.yaml:1: mqtt: expected a section with keys "
                    + "max-keepalive, ");
        }

        @Test
        void topLevelThatIsNotAMapping() {
            failing("- a\n- b\n").hasMessage("tern.yaml:1: expected sections like 'listeners:' and 'mqtt:' at "
                    + "the top level, got a list");
        }

        @Test
        void invalidYamlNamesTheLine() {
            failing("mqtt:\n  receive-maximum: 5\n bad: [\n").hasMessageStartingWith("tern.yaml:")
                    .hasMessageContaining("not valid YAML");
        }

        @Test
        void tabsAreReportedAsInvalidYaml() {
            failing("mqtt:\n\treceive-maximum: 5\n").hasMessageStartingWith("tern.yaml:2: not valid YAML");
        }

        @Test
        void authAllowAnonymousMustBeBoolean() {
            failing("auth:\n  allow-anonymous: maybe\n")
                    .hasMessage("tern.yaml:2: auth.allow-anonymous: expected true or false, got 'maybe'");
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "max-connections: -1 | limits.max-connections: expected a whole number >= 0, got -1",
            "connect-timeout: 0 | limits.connect-timeout: expected a duration like 500ms, 10s, 5m, 2h, 1d or plain seconds (more than 0), got '0'",
            "connect-timeout: soon | limits.connect-timeout: expected a duration like 500ms, 10s, 5m, 2h, 1d or plain seconds (more than 0), got 'soon'",
        })
        void limitsValues(String line, String message) {
            failing("limits:\n  " + line + "\n").hasMessage("tern.yaml:2: " + message);
        }

        @Test
        void storageSyncUnknown() {
            failing("storage:\n  sync: sometimes\n")
                    .hasMessage("tern.yaml:2: storage.sync: expected one of always, batch, none, got 'sometimes'");
        }

        @Test
        void storageEngineUnknown() {
            failing("storage:\n  engine: postgres\n")
                    .hasMessage("tern.yaml:2: storage.engine: expected one of memory, rocksdb, got 'postgres'");
        }

        @Test
        void storageSync() {
            failing("storage:\n  sync: sometimes\n")
                    .hasMessage("tern.yaml:2: storage.sync: expected one of always, batch, none, got 'sometimes'");
        }

        @Test
        void storageDirEmpty() {
            failing("storage:\n  dir: ''\n")
                    .hasMessage("tern.yaml:2: storage.dir: expected a directory path, got ''");
        }

        @Test
        void httpBind() {
            failing("http:\n  bind: 8080\n").hasMessage("tern.yaml:2: http.bind: expected host:port, got '8080' "
                    + "(the port is missing, e.g. 0.0.0.0:1883)");
        }

        @Test
        void sysInterval() {
            failing("sys-interval: often\n").hasMessageStartingWith("tern.yaml:1: sys-interval: expected a duration");
        }
    }

    @Nested
    class Listeners {
        @Test
        void badBind() {
            failing("# listeners\n\nlisteners:\n  - bind: 1883x\n")
                    .hasMessage("tern.yaml:4: listeners[0].bind: expected host:port, got '1883x' "
                            + "(the port is missing, e.g. 0.0.0.0:1883)");
        }

        @ParameterizedTest
        @ValueSource(strings = {"0.0.0.0:", "0.0.0.0:http", "0.0.0.0:65536", ":1883", "::1:1883", "[::1]1883",
            "[zz]:1883", "my host:1883", "0.0.0.0:-1"})
        void badBinds(String bind) {
            failing("listeners:\n  - bind: \"" + bind + "\"\n")
                    .hasMessageStartingWith("tern.yaml:2: listeners[0].bind: expected host:port, got '" + bind + "'");
        }

        @ParameterizedTest
        @CsvSource({"'0.0.0.0:1883',0.0.0.0,1883", "'[::]:1883',::,1883", "'[::1]:8883',::1,8883",
            "'localhost:0',localhost,0", "'broker.example.org:1883',broker.example.org,1883",
            "'[fe80::1%eth0]:1883',fe80::1%eth0,1883"})
        void goodBinds(String bind, String host, int port) {
            assertThat(parse("listeners:\n  - bind: \"" + bind + "\"\n").listeners())
                    .containsExactly(ListenerConfig.tcp(host, port));
        }

        @Test
        void webSocketListenerHasTheDefaultPath() {
            assertThat(parse("listeners:\n  - type: ws\n    bind: 0.0.0.0:8083\n").listeners())
                    .containsExactly(ListenerConfig.ws("0.0.0.0", 8083));
            assertThat(ListenerConfig.ws("0.0.0.0", 8083).path()).isEqualTo("/mqtt");
        }

        @Test
        void webSocketListenerWithPathAndProxyProtocol() {
            assertThat(parse("listeners:\n  - type: ws\n    bind: 0.0.0.0:8083\n    path: /broker/mqtt\n"
                    + "    proxy-protocol: true\n").listeners())
                    .containsExactly(ListenerConfig.ws("0.0.0.0", 8083).withPath("/broker/mqtt")
                            .withProxyProtocol(true));
        }

        @Test
        void proxyProtocolOnTcp() {
            ListenerConfig l = parse("listeners:\n  - bind: 0.0.0.0:1883\n    proxy-protocol: true\n")
                    .listeners().get(0);
            assertThat(l.proxyProtocol()).isTrue();
            assertThat(l.path()).isNull();
        }

        @Test
        void wssNeedsATlsSection() {
            failing("listeners:\n  - type: wss\n    bind: 0.0.0.0:8084\n")
                    .hasMessage("tern.yaml:2: listeners[0]: a wss listener needs a 'tls' section with at least "
                            + "'cert' and 'key' (PEM files)");
        }

        @Test
        void unknownType() {
            failing("listeners:\n  - type: udp\n    bind: 0.0.0.0:8883\n")
                    .hasMessage("tern.yaml:2: listeners[0].type: expected one of tcp, tls, ws, wss, got 'udp'");
        }

        @Test
        void tlsSectionOnlyOnTlsListeners() {
            failing("listeners:\n  - type: tcp\n    bind: 0.0.0.0:8883\n    tls:\n      cert: a.pem\n")
                    .hasMessage("tern.yaml:4: listeners[0].tls: only a listener of type tls or wss has a tls "
                            + "section (this one is tcp; add 'type: tls')");
            failing("listeners:\n  - type: ws\n    bind: 0.0.0.0:8083\n    tls:\n      cert: a.pem\n")
                    .hasMessage("tern.yaml:4: listeners[0].tls: only a listener of type tls or wss has a tls "
                            + "section (this one is ws; add 'type: wss')");
        }

        @Test
        void pathOnlyOnWebSocketListeners() {
            failing("listeners:\n  - bind: 0.0.0.0:8083\n    path: /mqtt\n")
                    .hasMessage("tern.yaml:3: listeners[0].path: only ws and wss listeners have a path (this one "
                            + "is tcp; add 'type: ws')");
        }

        @ParameterizedTest
        @ValueSource(strings = {"mqtt", "''", "ws://host/mqtt"})
        void pathMustStartWithASlash(String path) {
            String shown = path.equals("''") ? "" : path;
            failing("listeners:\n  - type: ws\n    bind: 0.0.0.0:8083\n    path: " + path + "\n")
                    .hasMessage("tern.yaml:4: listeners[0].path: expected an HTTP path starting with '/', e.g. "
                            + "/mqtt, got '" + shown + "'");
        }

        @ParameterizedTest
        @ValueSource(strings = {"/mqtt?x=1", "/mqtt#top", "\"/m qtt\""})
        void pathWithoutQueryOrSpaces(String path) {
            failing("listeners:\n  - type: ws\n    bind: 0.0.0.0:8083\n    path: " + path + "\n")
                    .hasMessageStartingWith("tern.yaml:4: listeners[0].path: expected an HTTP path starting with "
                            + "'/', e.g. /mqtt (no query, fragment, spaces or non-ASCII characters)");
        }

        @Test
        void proxyProtocolMustBeABoolean() {
            failing("listeners:\n  - bind: 0.0.0.0:1883\n    proxy-protocol: v2\n")
                    .hasMessage("tern.yaml:3: listeners[0].proxy-protocol: expected true or false, got 'v2'");
        }

        @Test
        void missingBind() {
            failing("listeners:\n  - type: tcp\n    allow-anonymous: true\n")
                    .hasMessage("tern.yaml:2: listeners[0]: missing key 'bind' (host:port, e.g. 0.0.0.0:1883)");
        }

        @Test
        void emptyList() {
            failing("listeners: []\n").hasMessageStartingWith("tern.yaml:1: listeners: the list is empty");
        }

        @Test
        void notAList() {
            failing("listeners:\n  type: tcp\n  bind: 0.0.0.0:1883\n")
                    .hasMessageStartingWith("tern.yaml:2: listeners: expected a list of listeners");
        }

        @Test
        void itemNotAMapping() {
            failing("listeners:\n  - 0.0.0.0:1883\n")
                    .hasMessageStartingWith("tern.yaml:2: listeners[0]: expected a listener with keys type, bind");
        }

        @Test
        void sameAddressTwice() {
            failing("listeners:\n  - bind: 0.0.0.0:1883\n  - bind: 127.0.0.1:1884\n  - bind: 0.0.0.0:1883\n")
                    .hasMessage("tern.yaml:4: listeners[2].bind: 0.0.0.0:1883 is already used by listeners[0] "
                            + "(line 2)");
        }

        @Test
        void portZeroMayRepeat() {
            assertThat(parse("listeners:\n  - bind: 127.0.0.1:0\n  - bind: 127.0.0.1:0\n").listeners()).hasSize(2);
        }

        @Test
        void secondListenerErrorsNameItsIndex() {
            failing("listeners:\n  - bind: 0.0.0.0:1883\n  - bind: 0.0.0.0:1884\n    allow-anonymous: nope\n")
                    .hasMessage("tern.yaml:4: listeners[1].allow-anonymous: expected true or false, got 'nope'");
        }
    }

    @Nested
    class ClientLimitKeys {
        @Test
        void everyLimitKey() {
            BrokerConfig c = ConfigLoader.parse("""
                    limits:
                      max-connections: 5
                      connect-timeout: 2s
                      max-topic-length: 100
                      max-topic-levels: 0
                      max-subscriptions-per-client: 7
                      publish-rate: 50
                      publish-bytes-rate: 64KB
                      failed-auth-delay: 250ms
                      failed-auth-max-delay: 4s
                    """, "tern.yaml");
            assertThat(c.limits()).isEqualTo(new LimitsConfig(5, Duration.ofSeconds(2),
                    new dev.tern.core.ClientLimits(100, 0, 7, 50, 64 * 1024, Duration.ofMillis(250),
                            Duration.ofSeconds(4))));
        }

        @Test
        void maxDelayBelowDelay() {
            failing("limits:\n  failed-auth-delay: 2s\n  failed-auth-max-delay: 1s\n")
                    .hasMessageStartingWith("tern.yaml:3: limits.failed-auth-max-delay: must be at least "
                            + "failed-auth-delay (2s)");
        }

        @Test
        void topicLengthOutOfRange() {
            failing("limits:\n  max-topic-length: 70000\n")
                    .hasMessageStartingWith("tern.yaml:2: limits.max-topic-length: expected a whole number 1..65535");
        }
    }

    @Nested
    class AuthFiles {
        @Test
        void passwordAndAclFilesAreRead(@TempDir Path dir) throws IOException {
            Path passwd = Files.writeString(dir.resolve("passwd"), "");
            Path acl = Files.writeString(dir.resolve("acl"), "");
            BrokerConfig c = ConfigLoader.parse("auth:\n  allow-anonymous: false\n  password-file: " + passwd
                    + "\n  acl-file: " + acl + "\n", "tern.yaml");
            assertThat(c.auth()).isEqualTo(new AuthConfig(false, passwd, acl));
        }

        @Test
        void missingPasswordFile() {
            failing("auth:\n  allow-anonymous: false\n  password-file: /nonexistent/tern/passwd\n")
                    .hasMessageStartingWith("tern.yaml:3: auth.password-file: no such file: /nonexistent/tern/passwd");
        }

        @Test
        void missingAclFile() {
            failing("auth:\n  acl-file: /nonexistent/tern/acl\n")
                    .hasMessageStartingWith("tern.yaml:2: auth.acl-file: no such file: /nonexistent/tern/acl");
        }

        @Test
        void listenersHaveTheirOwnFiles(@TempDir Path dir) throws IOException {
            Path passwd = Files.writeString(dir.resolve("passwd"), "# nobody yet\n");
            Path acl = Files.writeString(dir.resolve("acl"), "topic read public/#\n");
            BrokerConfig c = parse("listeners:\n  - bind: 127.0.0.1:1883\n  - bind: 127.0.0.1:1884\n"
                    + "    password-file: " + passwd + "\n    acl-file: " + acl + "\n  - bind: 127.0.0.1:1885\n"
                    + "    acl-file: " + acl + "\n");
            assertThat(c.listeners().get(0).passwordFile()).isNull();
            assertThat(c.listeners().get(0).aclFile()).isNull();
            assertThat(c.listeners().get(1)).isEqualTo(ListenerConfig.tcp("127.0.0.1", 1884).withAuthFiles(passwd, acl));
            assertThat(c.listeners().get(2).passwordFile()).isNull();
            assertThat(c.listeners().get(2).aclFile()).isEqualTo(acl);
            // the files stay with the listener when -p/--bind move it
            assertThat(c.listeners().get(1).withAddress("0.0.0.0", 1).passwordFile()).isEqualTo(passwd);
        }

        @Test
        void aListenersFileMustExistAndParse(@TempDir Path dir) throws IOException {
            failing("listeners:\n  - bind: 127.0.0.1:1883\n  - bind: 127.0.0.1:1884\n"
                    + "    password-file: /nonexistent/tern/passwd\n")
                    .hasMessage("tern.yaml:4: listeners[1].password-file: no such file: /nonexistent/tern/passwd");
            Path passwd = Files.writeString(dir.resolve("passwd"), "alice:$6$abc\nbob\n");
            failing("listeners:\n  - bind: 127.0.0.1:1883\n    password-file: " + passwd + "\n")
                    .hasMessageStartingWith("tern.yaml:3: listeners[0].password-file: " + passwd + ":");
            Path acl = Files.writeString(dir.resolve("acl"), "user alice\ntopic sometimes a/b\n");
            failing("listeners:\n  - bind: 127.0.0.1:1883\n    acl-file: " + acl + "\n")
                    .hasMessageStartingWith("tern.yaml:3: listeners[0].acl-file: " + acl + ":2:");
        }

        @Test
        void aListenersFilesFromTheEnvironment(@TempDir Path dir) throws IOException {
            Path acl = Files.writeString(dir.resolve("acl"), "topic read public/#\n");
            BrokerConfig c = ConfigLoader.parseDocument("listeners:\n  - bind: 127.0.0.1:1883\n", "tern.yaml",
                    java.util.Map.of("TERN_LISTENERS_0_ACL_FILE", acl.toString())).broker();
            assertThat(c.listeners().get(0).aclFile()).isEqualTo(acl);
        }
    }

    @Nested
    class Jwt {
        private static final String SECRET = "0123456789abcdef0123456789abcdef";

        @Test
        void secretWithDefaults() {
            BrokerConfig c = parse("auth:\n  jwt:\n    secret: " + SECRET + "\n");
            assertThat(c.auth().jwt()).isEqualTo(JwtConfig.withSecret(SECRET));
            assertThat(c.auth().jwt().usernameClaim()).isEqualTo("sub");
            assertThat(c.auth().jwt().clockSkew()).isEqualTo(Duration.ofSeconds(30));
            assertThat(c.auth().jwt().toString()).doesNotContain(SECRET);
        }

        @Test
        void everyKey(@TempDir Path dir) throws Exception {
            java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            Path pem = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PUBLIC KEY-----\n"
                    + java.util.Base64.getMimeEncoder().encodeToString(g.generateKeyPair().getPublic().getEncoded())
                    + "\n-----END PUBLIC KEY-----\n");
            BrokerConfig c = parse("auth:\n  jwt:\n    public-key-file: " + pem + "\n    username-claim: "
                    + "preferred_username\n    issuer: https://id.example\n    audience: [mqtt, tern]\n"
                    + "    clock-skew: 5s\n    require-exp: true\n");
            assertThat(c.auth().jwt()).isEqualTo(new JwtConfig(null, pem, null, "preferred_username",
                    "https://id.example", List.of("mqtt", "tern"), Duration.ofSeconds(5), true));
            assertThat(c.auth().jwt().settings().requireExpiry()).isTrue();
            assertThat(parse("auth:\n  jwt:\n    secret: " + SECRET + "\n    audience: mqtt\n").auth().jwt()
                    .audiences()).containsExactly("mqtt");
        }

        @Test
        void exactlyOneKeySource(@TempDir Path dir) throws IOException {
            failing("auth:\n  jwt:\n    issuer: x\n").hasMessage("tern.yaml:2: auth.jwt: needs one of secret "
                    + "(HS256), public-key-file (RS256/ES256, PEM) or jwks-file (a JWKS)");
            Path jwks = Files.writeString(dir.resolve("jwks.json"), "{}");
            failing("auth:\n  jwt:\n    secret: " + SECRET + "\n    jwks-file: " + jwks + "\n")
                    .hasMessageStartingWith("tern.yaml:4: auth.jwt: takes only one of").hasMessageEndingWith(
                            "not both secret and jwks-file");
        }

        @Test
        void badValuesNameTheLine(@TempDir Path dir) throws IOException {
            failing("auth:\n  jwt:\n    secret: short\n").hasMessageStartingWith(
                    "tern.yaml:3: auth.jwt.secret: expected a secret of at least 32 bytes");
            failing("auth:\n  jwt:\n    secret: " + SECRET + "\n    usernme-claim: sub\n").hasMessageStartingWith(
                    "tern.yaml:4: unknown key 'auth.jwt.usernme-claim'").hasMessageEndingWith(
                            "did you mean 'username-claim'?");
            failing("auth:\n  jwt:\n    secret: " + SECRET + "\n    clock-skew: soon\n").hasMessageStartingWith(
                    "tern.yaml:4: auth.jwt.clock-skew: expected a duration");
            Path notPem = Files.writeString(dir.resolve("key.pem"), "hello");
            failing("auth:\n  jwt:\n    public-key-file: " + notPem + "\n").hasMessage("tern.yaml:3: "
                    + "auth.jwt.public-key-file: " + notPem + ":1: no PEM block found (expected -----BEGIN PUBLIC "
                    + "KEY----- or -----BEGIN CERTIFICATE-----)");
            Path emptyJwks = Files.writeString(dir.resolve("jwks.json"), "{\"keys\": []}");
            failing("auth:\n  jwt:\n    jwks-file: " + emptyJwks + "\n").hasMessageContaining(
                    "auth.jwt.jwks-file: " + emptyJwks + ":1: the JWKS has no key");
            failing("auth:\n  jwt:\n    jwks-file: /nonexistent/jwks.json\n").hasMessageStartingWith(
                    "tern.yaml:3: auth.jwt.jwks-file: no such file");
        }
    }

    @Nested
    class Scram {
        @Test
        void scramFileIsReadAndChecked(@TempDir Path dir) throws IOException {
            Path file = Files.writeString(dir.resolve("scram"), "alice:" + dev.tern.security.ScramCredential.create(
                    dev.tern.security.ScramMechanism.SHA_256, "pw", 4096).encoded() + "\n");
            ConfigDocument doc = ConfigLoader.parseDocument("auth:\n  scram-file: " + file + "\n", "tern.yaml");
            assertThat(doc.broker().auth().scramFile()).isEqualTo(file);
            assertThat(doc.notes()).isEmpty(); // in use: MQTT 5 enhanced authentication (SCRAM)
            Path bad = Files.writeString(dir.resolve("bad"), "# x\nalice:$7$101$abc$def\n");
            failing("auth:\n  scram-file: " + bad + "\n").hasMessageStartingWith("tern.yaml:2: auth.scram-file: "
                    + bad + ":2: user 'alice': expected SCRAM-SHA-256:iterations:salt:storedkey:serverkey");
            failing("auth:\n  scram-fil: x\n").hasMessageEndingWith("did you mean 'scram-file'?");
        }
    }

    @Test
    void closestKey() {
        assertThat(ConfigLoader.closest("recieve-maximum", ConfigLoader.MQTT_KEYS)).isEqualTo("receive-maximum");
        assertThat(ConfigLoader.closest("zzz", List.of("abc", "def"))).isNull();
    }
}
