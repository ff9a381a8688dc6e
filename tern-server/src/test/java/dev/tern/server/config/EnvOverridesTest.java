package dev.tern.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** TERN_... environment variables over the configuration file, validated like the file. */
class EnvOverridesTest {

    private static ConfigDocument load(String yaml, Map<String, String> env) {
        return ConfigLoader.parseDocument(yaml, "tern.yaml", env);
    }

    @Test
    void overridesAKeyOfTheFileAndAddsMissingOnes() {
        BrokerConfig c = load("mqtt:\n  max-keepalive: 600\n", Map.of(
                "TERN_MQTT_MAX_KEEPALIVE", "30",
                "TERN_MQTT_QUEUE_QOS0", "true",
                "TERN_LIMITS_CONNECT_TIMEOUT", "2s",
                "TERN_AUTH_ALLOW_ANONYMOUS", "false")).broker();
        assertThat(c.mqtt().maxKeepAlive()).isEqualTo(30);
        assertThat(c.mqtt().queueQos0()).isTrue();
        assertThat(c.limits().connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.auth().allowAnonymous()).isFalse();
    }

    @Test
    void listenersByIndexReplacingOrAppending() {
        BrokerConfig c = load("listeners:\n  - bind: 127.0.0.1:1883\n", Map.of(
                "TERN_LISTENERS_0_BIND", "0.0.0.0:1884",
                "TERN_LISTENERS_1_BIND", "127.0.0.1:1885",
                "TERN_LISTENERS_1_ALLOW_ANONYMOUS", "true")).broker();
        assertThat(c.listeners()).hasSize(2);
        assertThat(c.listeners().get(0).host()).isEqualTo("0.0.0.0");
        assertThat(c.listeners().get(0).port()).isEqualTo(1884);
        assertThat(c.listeners().get(1).port()).isEqualTo(1885);
        assertThat(c.listeners().get(1).allowAnonymous()).isTrue();
    }

    @Test
    void webSocketListenerWithPathAndProxyProtocol() {
        BrokerConfig c = load("listeners:\n  - bind: 127.0.0.1:1883\n", Map.of(
                "TERN_LISTENERS_0_PROXY_PROTOCOL", "true",
                "TERN_LISTENERS_1_TYPE", "ws",
                "TERN_LISTENERS_1_BIND", "0.0.0.0:8083",
                "TERN_LISTENERS_1_PATH", "/ws")).broker();
        assertThat(c.listeners()).containsExactly(
                ListenerConfig.tcp("127.0.0.1", 1883).withProxyProtocol(true),
                ListenerConfig.ws("0.0.0.0", 8083).withPath("/ws"));
    }

    @Test
    void withoutAFileTheDefaultsAreOverridden() {
        BrokerConfig c = ConfigLoader.loadDocument(null, Map.of("TERN_LISTENERS_0_BIND", "0.0.0.0:2883")).broker();
        assertThat(c.listeners()).singleElement().satisfies(l -> {
            assertThat(l.host()).isEqualTo("0.0.0.0");
            assertThat(l.port()).isEqualTo(2883);
        });
    }

    @Test
    void nestedJwtKeys() {
        BrokerConfig c = load("", Map.of("TERN_AUTH_JWT_SECRET", "0123456789abcdef0123456789abcdef",
                "TERN_AUTH_JWT_USERNAME_CLAIM", "client_id", "TERN_AUTH_JWT_AUDIENCE", "[mqtt, tern]")).broker();
        assertThat(c.auth().jwt().secret()).isEqualTo("0123456789abcdef0123456789abcdef");
        assertThat(c.auth().jwt().usernameClaim()).isEqualTo("client_id");
        assertThat(c.auth().jwt().audiences()).containsExactly("mqtt", "tern");
        assertThatThrownBy(() -> load("", Map.of("TERN_AUTH_JWT_SECRT", "x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("environment TERN_AUTH_JWT_SECRT: not a "
                        + "Tern setting");
    }

    @Test
    void aBadValueNamesTheVariable() {
        assertThatThrownBy(() -> load("", Map.of("TERN_MQTT_RECEIVE_MAXIMUM", "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("environment TERN_MQTT_RECEIVE_MAXIMUM: mqtt.receive-maximum: expected a whole "
                        + "number 1..65535, got 0");
    }

    @Test
    void aVariableThatNamesNoSettingIsAnError() {
        assertThatThrownBy(() -> load("", Map.of("TERN_MQTT_MAX_KEEPALVE", "30")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("environment TERN_MQTT_MAX_KEEPALVE: not a Tern setting");
        assertThatThrownBy(() -> load("", Map.of("TERN_LISTENERS_BIND", "0.0.0.0:1883")))
                .hasMessageContaining("listeners need an index");
        assertThatThrownBy(() -> load("", Map.of("TERN_LISTENERS_3_BIND", "0.0.0.0:1883")))
                .hasMessageContaining("listener 3 does not exist");
    }

    @Test
    void theLaunchersOwnVariableIsNotASetting() {
        assertThat(EnvOverrides.settings(Map.of("TERN_JAVA_OPTS", "-Xmx1g", "HOME", "/root"))).isEmpty();
        assertThat(load("", Map.of("TERN_JAVA_OPTS", "-Xmx1g")).broker().mqtt().maxKeepAlive()).isEqualTo(65535);
    }

    @Test
    void sysIntervalAndFlowLists() {
        ConfigDocument d = load("", Map.of("TERN_SYS_INTERVAL", "0", "TERN_STORAGE_SYNC", "batch"));
        assertThat(d.broker().storage().sync()).isEqualTo("batch");
        assertThat(d.broker().sysInterval()).isZero();
    }
}
