package dev.tern.server.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One listener.
 *
 * @param type {@code tcp}, {@code tls}, {@code ws} (MQTT over WebSocket) or {@code wss} (over WebSocket and TLS)
 * @param host address to bind, e.g. 127.0.0.1 or 0.0.0.0
 * @param port 0 picks a free port
 * @param allowAnonymous null = inherit {@code auth.allow-anonymous}
 * @param tls the TLS settings of a {@code tls} or {@code wss} listener; null for {@code tcp} and {@code ws}
 * @param maxConnections connections open on this listener at once, 0 = no limit of its own
 * @param path the HTTP path of a {@code ws}/{@code wss} listener ({@link #DEFAULT_PATH} when null); must be null
 *     for {@code tcp} and {@code tls}
 * @param proxyProtocol every connection starts with a PROXY protocol (v1 or v2) header, whose client address
 *     becomes the connection's address
 * @param maxConnectionRate new connections a second accepted by this listener, 0 = no limit
 * @param maxConnectionRatePerAddress new connections a second from one client address (the PROXY header's when
 *     the listener has {@code proxy-protocol}), 0 = no limit
 * @param passwordFile this listener's own Mosquitto password file, used instead of {@code auth.password-file} for
 *     the clients of this listener; null = the global one
 * @param aclFile this listener's own Mosquitto ACL file, used instead of {@code auth.acl-file} for the clients of
 *     this listener; null = the global one
 */
public record ListenerConfig(String type, String host, int port, Boolean allowAnonymous, TlsConfig tls,
                             int maxConnections, String path, boolean proxyProtocol, int maxConnectionRate,
                             int maxConnectionRatePerAddress, Path passwordFile, Path aclFile) {
    /** The path of a WebSocket listener without a {@code path} key: what MQTT-over-WebSocket clients use. */
    public static final String DEFAULT_PATH = "/mqtt";

    public ListenerConfig {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        if (maxConnections < 0) {
            throw new IllegalArgumentException("max-connections must be >= 0, was " + maxConnections);
        }
        if (maxConnectionRate < 0 || maxConnectionRatePerAddress < 0) {
            throw new IllegalArgumentException("max-connection-rate and max-connection-rate-per-address must be "
                    + ">= 0");
        }
        if (isWebSocket(type)) {
            path = path == null ? DEFAULT_PATH : path;
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("path must start with '/', was '" + path + "'");
            }
        } else if (path != null) {
            throw new IllegalArgumentException("only ws and wss listeners have a path (this one is " + type + ")");
        }
    }

    /** A listener with the global password and ACL files. */
    public ListenerConfig(String type, String host, int port, Boolean allowAnonymous, TlsConfig tls,
                          int maxConnections, String path, boolean proxyProtocol, int maxConnectionRate,
                          int maxConnectionRatePerAddress) {
        this(type, host, port, allowAnonymous, tls, maxConnections, path, proxyProtocol, maxConnectionRate,
                maxConnectionRatePerAddress, null, null);
    }

    /** A listener without connection rate limits. */
    public ListenerConfig(String type, String host, int port, Boolean allowAnonymous, TlsConfig tls,
                          int maxConnections, String path, boolean proxyProtocol) {
        this(type, host, port, allowAnonymous, tls, maxConnections, path, proxyProtocol, 0, 0);
    }

    /** A listener without a connection limit of its own. */
    public ListenerConfig(String type, String host, int port, Boolean allowAnonymous, TlsConfig tls) {
        this(type, host, port, allowAnonymous, tls, 0);
    }

    /** A listener without a path of its own (the default for ws/wss) and without the PROXY protocol. */
    public ListenerConfig(String type, String host, int port, Boolean allowAnonymous, TlsConfig tls,
                          int maxConnections) {
        this(type, host, port, allowAnonymous, tls, maxConnections, null, false);
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

    /** A WebSocket listener on {@link #DEFAULT_PATH}. */
    public static ListenerConfig ws(String host, int port) {
        return new ListenerConfig("ws", host, port, null);
    }

    /** A WebSocket listener over TLS on {@link #DEFAULT_PATH}. */
    public static ListenerConfig wss(String host, int port, TlsConfig tls) {
        return new ListenerConfig("wss", host, port, null, Objects.requireNonNull(tls, "tls"));
    }

    /** Whether a listener of this type speaks WebSocket ({@code ws}, {@code wss}). */
    public static boolean isWebSocket(String type) {
        return type.equals("ws") || type.equals("wss");
    }

    /** The same listener on another address (e.g. from {@code --bind}/{@code -p}), keeping every other setting. */
    public ListenerConfig withAddress(String newHost, int newPort) {
        return new ListenerConfig(type, newHost, newPort, allowAnonymous, tls, maxConnections, path, proxyProtocol,
                maxConnectionRate, maxConnectionRatePerAddress, passwordFile, aclFile);
    }

    /** The same listener with another {@code allow-anonymous}. */
    public ListenerConfig withAllowAnonymous(Boolean newAllowAnonymous) {
        return new ListenerConfig(type, host, port, newAllowAnonymous, tls, maxConnections, path, proxyProtocol,
                maxConnectionRate, maxConnectionRatePerAddress, passwordFile, aclFile);
    }

    /** The same WebSocket listener on another path. */
    public ListenerConfig withPath(String newPath) {
        return new ListenerConfig(type, host, port, allowAnonymous, tls, maxConnections, newPath, proxyProtocol,
                maxConnectionRate, maxConnectionRatePerAddress, passwordFile, aclFile);
    }

    /** The same listener with or without the PROXY protocol. */
    public ListenerConfig withProxyProtocol(boolean newProxyProtocol) {
        return new ListenerConfig(type, host, port, allowAnonymous, tls, maxConnections, path, newProxyProtocol,
                maxConnectionRate, maxConnectionRatePerAddress, passwordFile, aclFile);
    }

    /** The same listener with other connection rate limits (0 = none). */
    public ListenerConfig withMaxConnections(int newMaxConnections) {
        return new ListenerConfig(type, host, port, allowAnonymous, tls, newMaxConnections, path, proxyProtocol,
                maxConnectionRate, maxConnectionRatePerAddress, passwordFile, aclFile);
    }

    public ListenerConfig withConnectionRates(int perSecond, int perAddress) {
        return new ListenerConfig(type, host, port, allowAnonymous, tls, maxConnections, path, proxyProtocol,
                perSecond, perAddress, passwordFile, aclFile);
    }

    /**
     * The same listener with its own password and ACL files (each null = the global {@code auth.password-file} /
     * {@code auth.acl-file}).
     */
    public ListenerConfig withAuthFiles(Path newPasswordFile, Path newAclFile) {
        return new ListenerConfig(type, host, port, allowAnonymous, tls, maxConnections, path, proxyProtocol,
                maxConnectionRate, maxConnectionRatePerAddress, newPasswordFile, newAclFile);
    }

    /** "tcp 127.0.0.1:1883" for logs. */
    public String describe() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return type + " " + h + ":" + port;
    }
}
