package dev.tern.server.config;

import java.util.Objects;

/**
 * One listener.
 *
 * @param type only {@code tcp} for now; tls/ws/wss come later
 * @param host address to bind, e.g. 127.0.0.1 or 0.0.0.0
 * @param port 0 picks a free port
 * @param allowAnonymous null = inherit {@code auth.allow-anonymous}
 */
public record ListenerConfig(String type, String host, int port, Boolean allowAnonymous) {
    public ListenerConfig {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
    }

    public static ListenerConfig tcp(String host, int port) {
        return new ListenerConfig("tcp", host, port, null);
    }

    /** "tcp 127.0.0.1:1883" for logs. */
    public String describe() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return type + " " + h + ":" + port;
    }
}
