package dev.tern.server.config;

import dev.tern.core.MqttSettings;
import java.util.List;
import java.util.Objects;

/**
 * The whole broker configuration, as read from the YAML file and the command line. Immutable.
 *
 * @param log the {@code log:} section, applied by the {@code tern broker} command (not by the embedded broker)
 */
public record BrokerConfig(List<ListenerConfig> listeners, MqttSettings mqtt, AuthConfig auth, LimitsConfig limits,
                           StorageConfig storage, HttpConfig http, java.time.Duration sysInterval, LogConfig log) {
    /** Default of {@code sys-interval}, as Mosquitto's {@code sys_interval}. */
    public static final java.time.Duration DEFAULT_SYS_INTERVAL = java.time.Duration.ofSeconds(10);

    public BrokerConfig {
        listeners = List.copyOf(listeners);
        Objects.requireNonNull(mqtt, "mqtt");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(sysInterval, "sysInterval");
        Objects.requireNonNull(log, "log");
    }

    /** Without a {@code log:} section. */
    public BrokerConfig(List<ListenerConfig> listeners, MqttSettings mqtt, AuthConfig auth, LimitsConfig limits,
                        StorageConfig storage, HttpConfig http, java.time.Duration sysInterval) {
        this(listeners, mqtt, auth, limits, storage, http, sysInterval, LogConfig.defaults());
    }

    /** Without the observability settings: no HTTP listener, $SYS every 10 s. */
    public BrokerConfig(List<ListenerConfig> listeners, MqttSettings mqtt, AuthConfig auth, LimitsConfig limits,
                        StorageConfig storage) {
        this(listeners, mqtt, auth, limits, storage, HttpConfig.disabled(), DEFAULT_SYS_INTERVAL);
    }

    /** The embedded defaults: one tcp listener on 127.0.0.1:1883, anonymous allowed, in memory. */
    public static BrokerConfig defaults() {
        return new BrokerConfig(List.of(ListenerConfig.tcp("127.0.0.1", 1883)), MqttSettings.defaults(),
                AuthConfig.defaults(), LimitsConfig.defaults(), StorageConfig.defaults());
    }

    public BrokerConfig withListeners(List<ListenerConfig> newListeners) {
        return new BrokerConfig(newListeners, mqtt, auth, limits, storage, http, sysInterval, log);
    }

    public BrokerConfig withMqtt(MqttSettings newMqtt) {
        return new BrokerConfig(listeners, newMqtt, auth, limits, storage, http, sysInterval, log);
    }

    public BrokerConfig withAuth(AuthConfig newAuth) {
        return new BrokerConfig(listeners, mqtt, newAuth, limits, storage, http, sysInterval, log);
    }

    public BrokerConfig withLimits(LimitsConfig newLimits) {
        return new BrokerConfig(listeners, mqtt, auth, newLimits, storage, http, sysInterval, log);
    }

    public BrokerConfig withStorage(StorageConfig newStorage) {
        return new BrokerConfig(listeners, mqtt, auth, limits, newStorage, http, sysInterval, log);
    }

    public BrokerConfig withHttp(HttpConfig newHttp) {
        return new BrokerConfig(listeners, mqtt, auth, limits, storage, newHttp, sysInterval, log);
    }

    public BrokerConfig withLog(LogConfig newLog) {
        return new BrokerConfig(listeners, mqtt, auth, limits, storage, http, sysInterval, newLog);
    }

    /** {@code sys-interval}: how often $SYS topics are published; zero = never. */
    public BrokerConfig withSysInterval(java.time.Duration newSysInterval) {
        return new BrokerConfig(listeners, mqtt, auth, limits, storage, http, newSysInterval, log);
    }
}
