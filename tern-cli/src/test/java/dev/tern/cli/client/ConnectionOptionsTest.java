package dev.tern.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.packet.Connect;
import dev.tern.codec.packet.UserProperty;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The shared options, parsed by picocli and resolved into CONNECT packets, without a broker. */
class ConnectionOptionsTest {

    static ConnectionOptions.Resolved resolve(String command, String... args) throws ClientException {
        ClientCommand cmd = command.equals("pub") ? new PubCommand() : new SubCommand();
        new CommandLine(cmd).parseArgs(args);
        return cmd.connection.resolve();
    }

    @Test
    void defaultsAreMosquittos() throws Exception {
        ConnectionOptions.Resolved r = resolve("pub", "-t", "a", "-m", "x");
        ClientSettings s = r.settings();
        assertThat(s.host()).isEqualTo("localhost");
        assertThat(s.port()).isEqualTo(1883);
        assertThat(s.tls()).isNull();
        Connect c = s.connect();
        assertThat(c.version()).isEqualTo(MqttVersion.V3_1_1);
        assertThat(c.keepAlive()).isEqualTo(60);
        assertThat(c.cleanStart()).isTrue();
        assertThat(c.clientId()).matches("tern-[A-Za-z0-9]{18}");
        assertThat(c.username()).isNull();
        assertThat(c.will()).isNull();
    }

    @Test
    void mqtt5LeavesTheClientIdToTheBroker() throws Exception {
        assertThat(resolve("sub", "-t", "a", "-V", "mqttv5").settings().connect().clientId()).isEmpty();
        assertThat(resolve("sub", "-t", "a", "-V", "31").settings().connect().version()).isEqualTo(MqttVersion.V3_1);
        assertThat(resolve("sub", "-t", "a", "-I", "pre-").settings().connect().clientId())
                .isEqualTo("pre-" + ProcessHandle.current().pid());
    }

    @Test
    void persistentSessionsNeedAClientId() throws Exception {
        assertThatThrownBy(() -> resolve("sub", "-t", "a", "-c"))
                .isInstanceOf(ClientException.class).hasMessageContaining("You must provide a client id");
        Connect v3 = resolve("sub", "-t", "a", "-c", "-i", "me").settings().connect();
        assertThat(v3.cleanStart()).isFalse();
        Connect v5 = resolve("sub", "-t", "a", "-c", "-i", "me", "-V", "5").settings().connect();
        assertThat(v5.sessionExpiryInterval()).isEqualTo(0xFFFF_FFFFL);
        Connect x = resolve("sub", "-t", "a", "-i", "me", "-V", "5", "-x", "120").settings().connect();
        assertThat(x.cleanStart()).isTrue();
        assertThat(x.sessionExpiryInterval()).isEqualTo(120);
        assertThatThrownBy(() -> resolve("sub", "-t", "a", "-x", "120"))
                .hasMessageContaining("-x needs MQTT 5");
    }

    @Test
    void credentialsWillAndConnectProperties() throws Exception {
        Connect c = resolve("pub", "-t", "a", "-m", "x", "-u", "ann", "-P", "pw", "-k", "30", "-V", "5",
                "--will-topic", "w", "--will-payload", "bye", "--will-qos", "2", "--will-retain",
                "-D", "will", "content-type", "text/plain", "-D", "will", "will-delay-interval", "5",
                "-D", "connect", "receive-maximum", "10", "-D", "connect", "user-property", "a", "b",
                "-D", "connect", "maximum-packet-size", "1000").settings().connect();
        assertThat(c.username()).isEqualTo("ann");
        assertThat(new String(c.password(), StandardCharsets.UTF_8)).isEqualTo("pw");
        assertThat(c.keepAlive()).isEqualTo(30);
        assertThat(c.will().topic()).isEqualTo("w");
        assertThat(new String(c.will().payload(), StandardCharsets.UTF_8)).isEqualTo("bye");
        assertThat(c.will().qos()).isEqualTo(2);
        assertThat(c.will().retain()).isTrue();
        assertThat(c.will().delayInterval()).isEqualTo(5);
        assertThat(c.will().properties().contentType()).isEqualTo("text/plain");
        assertThat(c.receiveMaximum()).isEqualTo(10);
        assertThat(c.maximumPacketSize()).isEqualTo(1000);
        assertThat(c.userProperties()).containsExactly(new UserProperty("a", "b"));
    }

    @Test
    void badOptionsAreNamed() {
        assertThatThrownBy(() -> resolve("pub", "-t", "a", "-m", "x", "-k", "2"))
                .hasMessageContaining("Invalid keepalive");
        assertThatThrownBy(() -> resolve("pub", "-t", "a", "-m", "x", "-P", "pw"))
                .hasMessageContaining("needs a user name");
        assertThatThrownBy(() -> resolve("pub", "-t", "a", "-m", "x", "--will-payload", "p"))
                .hasMessageContaining("no will topic");
        assertThatThrownBy(() -> resolve("pub", "-t", "a", "-m", "x", "-V", "5", "-D", "publish", "bogus", "1"))
                .hasMessageContaining("bogus property not allowed for publish");
        assertThatThrownBy(() -> resolve("pub", "-t", "a", "-m", "x", "-V", "5", "-D", "connack", "x", "1"))
                .hasMessageContaining("Invalid command 'connack'");
        assertThatThrownBy(() -> resolve("pub", "-t", "a", "-m", "x", "-V", "5",
                "-D", "publish", "message-expiry-interval", "soon"))
                .hasMessageContaining("invalid value 'soon' for message-expiry-interval");
        assertThatThrownBy(() -> resolve("pub", "-t", "a", "-m", "x", "--insecure"))
                .hasMessageContaining("--insecure needs TLS");
        assertThatThrownBy(() -> resolve("pub", "-L", "mqtt://h/t", "-p", "1", "-m", "x"))
                .hasMessageContaining("-L cannot be used with -h or -p");
    }

    @Test
    void tlsDefaultsToPort8883() throws Exception {
        ClientSettings s = resolve("pub", "-t", "a", "-m", "x", "--cafile", "/ca.pem").settings();
        assertThat(s.port()).isEqualTo(8883);
        assertThat(s.tls().caFile()).hasToString("/ca.pem");
        assertThat(s.tls().insecure()).isFalse();
        ClientSettings url = resolve("pub", "-L", "mqtts://u:p@broker.example/t/x", "-m", "x").settings();
        assertThat(url.host()).isEqualTo("broker.example");
        assertThat(url.port()).isEqualTo(8883);
        assertThat(url.tls()).isNotNull();
        assertThat(url.connect().username()).isEqualTo("u");
    }

    @Test
    void urls() throws Exception {
        MqttUrl u = MqttUrl.parse("mqtt://user:pa:ss@host.example:1884/a/+/#");
        assertThat(u).isEqualTo(new MqttUrl(false, "user", "pa:ss", "host.example", 1884, "a/+/#"));
        assertThat(MqttUrl.parse("mqtt://[::1]/t")).isEqualTo(new MqttUrl(false, null, null, "::1", 1883, "t"));
        assertThat(MqttUrl.parse("mqtts://h/t").port()).isEqualTo(8883);
        assertThatThrownBy(() -> MqttUrl.parse("mqtt://h")).hasMessageContaining("has no topic");
        assertThatThrownBy(() -> MqttUrl.parse("http://h/t")).hasMessageContaining("unsupported URL scheme");
        assertThatThrownBy(() -> MqttUrl.parse("mqtt://h:99999/t")).hasMessageContaining("invalid port");
    }

    @Test
    void webSocketUrlsHaveTheTopicAsTheirPath() throws Exception {
        assertThat(MqttUrl.parse("ws://u:p@h.example:9001/a/b")).isEqualTo(
                new MqttUrl(false, true, "u", "p", "h.example", 9001, "a/b"));
        assertThat(MqttUrl.parse("ws://h/t").port()).isEqualTo(80);
        assertThat(MqttUrl.parse("wss://h/t")).isEqualTo(new MqttUrl(true, true, null, null, "h", 443, "t"));
        assertThatThrownBy(() -> MqttUrl.parse("ws://h:9001/mqtt?topic=a"))
                .hasMessageContaining("the path of a ws:// URL is the topic; give the WebSocket path with --ws-path");

        ClientSettings url = resolve("sub", "-L", "wss://broker.example/alerts").settings();
        assertThat(url.webSocketPath()).isEqualTo("/mqtt");
        assertThat(url.port()).isEqualTo(443);
        assertThat(url.tls()).isNotNull();
        ClientSettings flags = resolve("pub", "--ws", "-h", "b", "-t", "t", "-m", "x", "--ws-path", "/ws?k=v")
                .settings();
        assertThat(flags.port()).isEqualTo(80);
        assertThat(flags.tls()).isNull();
        assertThat(flags.webSocketPath()).isEqualTo("/ws?k=v");
        assertThat(resolve("pub", "--ws", "--cafile", "/ca.pem", "-t", "t", "-m", "x").settings().port())
                .isEqualTo(443);
        assertThat(resolve("pub", "-t", "t", "-m", "x").settings().webSocketPath()).isNull();
    }

    @Test
    void webSocketOptionsThatDoNotFit() {
        assertThatThrownBy(() -> resolve("pub", "--ws-path", "/mqtt", "-t", "t", "-m", "x"))
                .hasMessage("Error: --ws-path needs --ws (or a ws:// or wss:// URL).");
        assertThatThrownBy(() -> resolve("pub", "--ws", "-L", "mqtts://h/t", "-m", "x"))
                .hasMessage("Error: --ws cannot be used with an mqtts:// URL: write wss:// instead.");
        assertThatThrownBy(() -> resolve("pub", "--ws", "--ws-path", "mqtt", "-t", "t", "-m", "x"))
                .hasMessageContaining("Error: Invalid --ws-path 'mqtt': it must start with '/'");
        assertThatThrownBy(() -> resolve("pub", "--ws", "--ws-path", "/a b", "-t", "t", "-m", "x"))
                .hasMessageContaining("Error: Invalid --ws-path '/a b'");
    }
}
