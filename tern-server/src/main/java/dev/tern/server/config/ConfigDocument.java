package dev.tern.server.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a configuration file said: the {@link BrokerConfig} the broker runs with (which carries the
 * {@code http:} section and {@code sys-interval} too), and notes about keys that have no effect in this version
 * (for the operator's log).
 *
 * @param broker the broker configuration
 * @param httpBind {@code http.bind} as written, empty when not set (the listener then binds 127.0.0.1:8080)
 * @param sysInterval {@code sys-interval}; zero = off
 * @param notes one line each, e.g. {@code tern.yaml:20: http.bind is accepted but not served yet}
 */
public record ConfigDocument(BrokerConfig broker, Optional<HostPort> httpBind, Duration sysInterval,
                             List<String> notes) {
    /** Default of {@code sys-interval}, as Mosquitto's {@code sys_interval}. */
    public static final Duration DEFAULT_SYS_INTERVAL = Duration.ofSeconds(10);

    public ConfigDocument {
        Objects.requireNonNull(broker, "broker");
        Objects.requireNonNull(httpBind, "httpBind");
        Objects.requireNonNull(sysInterval, "sysInterval");
        notes = List.copyOf(notes);
    }

    /** What an empty file means. */
    public static ConfigDocument defaults() {
        return new ConfigDocument(BrokerConfig.defaults().withHttp(HttpConfig.defaults()).withStorage(StorageConfig.durable()), Optional.empty(),
                DEFAULT_SYS_INTERVAL, List.of());
    }
}
