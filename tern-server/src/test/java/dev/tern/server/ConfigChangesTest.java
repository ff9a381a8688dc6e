package dev.tern.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.server.config.BrokerConfig;
import dev.tern.server.config.ConfigLoader;
import org.junit.jupiter.api.Test;

/** Which changed keys a reload applies and which need a restart, and what stays in force. */
class ConfigChangesTest {
    private static final String BASE = """
            listeners:
              - bind: 127.0.0.1:1883
                max-connections: 10
              - type: ws
                bind: 127.0.0.1:8083
            mqtt:
              max-packet-size: 1MB
            storage:
              engine: memory
            http:
              bind: 127.0.0.1:8080
              token: first-token-0123456789
            """;

    private static BrokerConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, "tern.yaml");
    }

    @Test
    void nothingChanged() {
        ConfigChanges c = ConfigChanges.between(parse(BASE), parse(BASE));
        assertThat(c.applied()).isEmpty();
        assertThat(c.needsRestart()).isEmpty();
        assertThat(c.changedLog()).isFalse();
        assertThat(c.inForce()).isEqualTo(parse(BASE));
    }

    @Test
    void runTimeSettingsAreAppliedTheRestIsKept() {
        BrokerConfig current = parse(BASE);
        BrokerConfig read = parse("""
                listeners:
                  - bind: 127.0.0.1:1884
                    max-connections: 20
                  - type: ws
                    bind: 127.0.0.1:8083
                    max-connection-rate: 50
                    allow-anonymous: false
                mqtt:
                  max-packet-size: 512KB
                  queue-overflow: drop-oldest
                limits:
                  max-connections: 100
                  publish-rate: 10
                auth:
                  allow-anonymous: false
                storage:
                  engine: rocksdb
                http:
                  bind: 127.0.0.1:8080
                  token: second-token-0123456789
                sys-interval: 0
                log:
                  levels: {dev.tern.core: debug}
                  format: json
                """);
        ConfigChanges c = ConfigChanges.between(current, read);
        assertThat(c.applied()).containsExactly(
                "listeners[1].allow-anonymous: (not set) -> false",
                "listeners[1].max-connection-rate: 0 -> 50",
                "mqtt.max-packet-size: 1048576 -> 524288",
                "mqtt.queue-overflow: drop-new -> drop-oldest",
                "auth.allow-anonymous: true -> false",
                "limits.max-connections: 0 -> 100",
                "limits.publish-rate: 0 -> 10",
                "log.format: text -> json",
                "log.levels.dev.tern.core: (not set) -> debug");
        assertThat(c.needsRestart()).containsExactly(
                "listeners[0].bind changed: needs a restart, kept 127.0.0.1:1883",
                "listeners[0].max-connections changed: needs a restart, kept 10",
                "storage.engine changed: needs a restart, kept memory",
                "http.token changed: needs a restart, kept (secret)",
                "sys-interval changed: needs a restart, kept 10s");
        assertThat(c.changedLog()).isTrue();

        BrokerConfig inForce = c.inForce();
        assertThat(inForce.listeners().get(0)).as("another address: kept whole").isEqualTo(current.listeners().get(0));
        assertThat(inForce.listeners().get(1).maxConnectionRate()).isEqualTo(50);
        assertThat(inForce.listeners().get(1).allowAnonymous()).isFalse();
        assertThat(inForce.mqtt()).isEqualTo(read.mqtt());
        assertThat(inForce.limits()).isEqualTo(read.limits());
        assertThat(inForce.auth().allowAnonymous()).isFalse();
        assertThat(inForce.storage()).isEqualTo(current.storage());
        assertThat(inForce.http()).isEqualTo(current.http());
        assertThat(inForce.sysInterval()).isEqualTo(current.sysInterval());
        assertThat(inForce.log()).isEqualTo(read.log());

        // reloading the same file again: the run-time settings are in force, the rest still needs a restart
        ConfigChanges again = ConfigChanges.between(inForce, read);
        assertThat(again.applied()).isEmpty();
        assertThat(again.needsRestart()).hasSize(5);
    }

    @Test
    void addingOrRemovingAListenerNeedsARestart() {
        ConfigChanges c = ConfigChanges.between(parse(BASE), parse("""
                listeners:
                  - bind: 127.0.0.1:1883
                    max-connections: 5
                mqtt:
                  max-packet-size: 1MB
                storage:
                  engine: memory
                http:
                  bind: 127.0.0.1:8080
                  token: first-token-0123456789
                """));
        assertThat(c.needsRestart()).containsExactly(
                "listeners: the file has 1, 2 are running: adding or removing a listener needs a restart");
        assertThat(c.applied()).containsExactly("listeners[0].max-connections: 10 -> 5");
        assertThat(c.inForce().listeners()).hasSize(2);
    }
}
