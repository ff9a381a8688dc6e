package dev.tern.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code limits:} section.
 *
 * @param maxConnections 0 = unlimited
 * @param connectTimeout a socket that has not sent CONNECT by then is closed
 */
public record LimitsConfig(int maxConnections, Duration connectTimeout) {
    public LimitsConfig {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (maxConnections < 0) {
            throw new IllegalArgumentException("max-connections must be >= 0");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connect-timeout must be positive");
        }
    }

    public static LimitsConfig defaults() {
        return new LimitsConfig(0, Duration.ofSeconds(10));
    }
}
