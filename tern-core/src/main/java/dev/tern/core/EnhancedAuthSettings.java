package dev.tern.core;

import dev.tern.spi.auth.EnhancedAuthenticator;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * MQTT 5 enhanced authentication as the broker offers it: the methods, by Authentication Method name, and how long
 * a client gets to finish an exchange.
 *
 * @param methods by {@link EnhancedAuthenticator#method()}; empty = every Authentication Method gets CONNACK 0x8C
 * @param exchangeTimeout a client that leaves an exchange unanswered this long is closed: from CONNECT on for the
 *     authentication before CONNACK, from AUTH 0x19 on for a re-authentication (the broker uses the connect timeout)
 */
public record EnhancedAuthSettings(Map<String, EnhancedAuthenticator> methods, Duration exchangeTimeout) {

    public EnhancedAuthSettings {
        methods = Map.copyOf(methods);
        Objects.requireNonNull(exchangeTimeout, "exchangeTimeout");
        if (exchangeTimeout.isNegative() || exchangeTimeout.isZero()) {
            throw new IllegalArgumentException("exchangeTimeout must be positive");
        }
        methods.forEach((name, a) -> {
            if (!name.equals(a.method())) {
                throw new IllegalArgumentException("method '" + name + "' maps to an authenticator of '"
                        + a.method() + "'");
            }
        });
    }

    /** No enhanced authentication. */
    public static EnhancedAuthSettings none() {
        return new EnhancedAuthSettings(Map.of(), Duration.ofSeconds(10));
    }

    /** The authenticator of this Authentication Method, or null. */
    EnhancedAuthenticator method(String name) {
        return methods.get(name);
    }
}
