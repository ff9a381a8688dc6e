package dev.tern.server.config;

import dev.tern.core.ClientLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * The {@code limits:} section.
 *
 * @param maxConnections open connections per listener, 0 = unlimited
 * @param connectTimeout a socket that has not sent CONNECT by then is closed
 * @param client the per-client limits (topic sizes, subscriptions, publish rates, failed-login delay)
 */
public record LimitsConfig(int maxConnections, Duration connectTimeout, ClientLimits client) {
    public LimitsConfig {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(client, "client");
        if (maxConnections < 0) {
            throw new IllegalArgumentException("max-connections must be >= 0");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connect-timeout must be positive");
        }
    }

    /** Connection limits with the default per-client limits. */
    public LimitsConfig(int maxConnections, Duration connectTimeout) {
        this(maxConnections, connectTimeout, ClientLimits.defaults());
    }

    public static LimitsConfig defaults() {
        return new LimitsConfig(0, Duration.ofSeconds(10));
    }

    public LimitsConfig withClient(ClientLimits newClient) {
        return new LimitsConfig(maxConnections, connectTimeout, newClient);
    }
}
