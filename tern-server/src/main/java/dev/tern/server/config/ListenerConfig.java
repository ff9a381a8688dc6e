package dev.tern.server.config;

import java.util.Objects;

/**
 * One listener.
 *
 * @param type {@code tcp} or {@code tls}; ws/wss come later
 * @param host address to bind, e.g. 127.0.0.1 or 0.0.0.0
 * @param port 0 picks a free port
 * @param allowAnonymous null = inherit {@code auth.allow-anonymous}
 * @param tls the TLS settings of a {@code tls} listener; null for {@code tcp}
 * @param maxConnections connections open on this listener at once, 0 = no limit of its own
 */
public record ListenerConfig(String type, String host, int port, Boolean allowAnonymous, TlsConfig tls,
                             int maxConnections) {
    public ListenerConfig {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        if (maxConnections < 0) {
            throw new IllegalArgumentException("max-connections must be >= 0, was " + maxConnections);
        }
    }

    /** A listener without a connection limit of its own. */
    public ListenerConfig(String type, String host, int port, Boolean allowAnonymous, TlsConfig tls) {
        this(type, host, port, allowAnonymous, tls, 0);
    }

    /** A listener without TLS settings. */
    public ListenerConfig(String type, String host, int port, Boolean allowAnonymous) {
        this(type, host, port, allowAnonymous, null);
    }

    public static ListenerConfig tcp(String host, int port) {
        return new ListenerConfig("tcp", host, port, null);
    }

    /** A TLS listener with the given certificate settings. */
    public static ListenerConfig tls(String host, int port, TlsConfig tls) {
        return new ListenerConfig("tls", host, port, null, Objects.requireNonNull(tls, "tls"));
    }

    /** The same listener on another address (e.g. from {@code --bind}/{@code -p}), keeping every other setting. */
    public ListenerConfig withAddress(String newHost, int newPort) {
        return new ListenerConfig(type, newHost, newPort, allowAnonymous, tls, maxConnections);
    }

    /** The same listener with another {@code allow-anonymous}. */
    public ListenerConfig withAllowAnonymous(Boolean newAllowAnonymous) {
        return new ListenerConfig(type, host, port, newAllowAnonymous, tls, maxConnections);
    }

    /** "tcp 127.0.0.1:1883" for logs. */
    public String describe() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return type + " " + h + ":" + port;
    }
}
