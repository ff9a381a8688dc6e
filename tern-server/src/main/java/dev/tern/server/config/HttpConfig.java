package dev.tern.server.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The HTTP listener of metrics and the admin API ({@code http:} in the configuration file).
 *
 * @param enabled {@code http.enabled}
 * @param host address part of {@code http.bind}
 * @param port port part of {@code http.bind}; 0 picks a free one
 * @param token {@code http.token}, a bearer token; null = none
 * @param admins {@code http.admins}, a Mosquitto password file of the users allowed in with HTTP Basic; null = none
 * @param allowAnonymous {@code http.allow-anonymous}; honoured only on a loopback address
 * @param explicit the file configured the listener: failing to bind stops the broker. A default listener that
 *     cannot bind (the port is taken) is only a warning.
 * @param tls {@code http.tls}: serve HTTPS with this certificate and key; null = plain HTTP
 */
public record HttpConfig(boolean enabled, String host, int port, String token, Path admins, boolean allowAnonymous,
                         boolean explicit, TlsConfig tls) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;

    public HttpConfig {
        Objects.requireNonNull(host, "host");
    }

    /** Plain HTTP. */
    public HttpConfig(boolean enabled, String host, int port, String token, Path admins, boolean allowAnonymous,
                      boolean explicit) {
        this(enabled, host, port, token, admins, allowAnonymous, explicit, null);
    }

    /** The same listener with HTTPS ({@code tls} not null) or plain HTTP. */
    public HttpConfig withTls(TlsConfig newTls) {
        return new HttpConfig(enabled, host, port, token, admins, allowAnonymous, explicit, newTls);
    }

    /** What a configuration file without an {@code http:} section (and {@code tern broker} without a file) gets. */
    public static HttpConfig defaults() {
        return new HttpConfig(true, DEFAULT_HOST, DEFAULT_PORT, null, null, false, false);
    }

    /** The embedded broker's default ({@link BrokerConfig#defaults()}): no HTTP listener. */
    public static HttpConfig disabled() {
        return new HttpConfig(false, DEFAULT_HOST, DEFAULT_PORT, null, null, false, false);
    }

    /** A listener on host:port (0 = any free port) with the given credentials, failing the start if it cannot bind. */
    public static HttpConfig on(String host, int port, String token, Path admins, boolean allowAnonymous) {
        return new HttpConfig(true, host, port, token, admins, allowAnonymous, true);
    }
}
