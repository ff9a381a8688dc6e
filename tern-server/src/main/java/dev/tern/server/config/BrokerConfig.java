package dev.tern.server.config;

import dev.tern.core.MqttSettings;
import java.util.List;
import java.util.Objects;

/** The whole broker configuration, as read from the YAML file and the command line. Immutable. */
public record BrokerConfig(List<ListenerConfig> listeners, MqttSettings mqtt, AuthConfig auth, LimitsConfig limits,
                           StorageConfig storage) {

    public BrokerConfig {
        listeners = List.copyOf(listeners);
        Objects.requireNonNull(mqtt, "mqtt");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(storage, "storage");
    }

    /** The embedded defaults: one tcp listener on 127.0.0.1:1883, anonymous allowed, in memory. */
    public static BrokerConfig defaults() {
        return new BrokerConfig(List.of(ListenerConfig.tcp("127.0.0.1", 1883)), MqttSettings.defaults(),
                AuthConfig.defaults(), LimitsConfig.defaults(), StorageConfig.defaults());
    }

    public BrokerConfig withListeners(List<ListenerConfig> newListeners) {
        return new BrokerConfig(newListeners, mqtt, auth, limits, storage);
    }

    public BrokerConfig withMqtt(MqttSettings newMqtt) {
        return new BrokerConfig(listeners, newMqtt, auth, limits, storage);
    }

    public BrokerConfig withAuth(AuthConfig newAuth) {
        return new BrokerConfig(listeners, mqtt, newAuth, limits, storage);
    }

    public BrokerConfig withLimits(LimitsConfig newLimits) {
        return new BrokerConfig(listeners, mqtt, auth, newLimits, storage);
    }

    public BrokerConfig withStorage(StorageConfig newStorage) {
        return new BrokerConfig(listeners, mqtt, auth, limits, newStorage);
    }
}
