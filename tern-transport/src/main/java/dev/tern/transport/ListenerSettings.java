package dev.tern.transport;

import java.time.Duration;

/**
 * What a listener needs to know.
 *
 * @param type the listener type, also used in its name: {@code tcp}, {@code tls}, {@code ws} or {@code wss}
 * @param port 0 picks a free port
 * @param maxConnections open connections on this listener, 0 = no limit of its own (the global one still applies)
 * @param webSocketPath the HTTP path of a WebSocket listener, e.g. {@code /mqtt}; null for plain MQTT listeners
 * @param proxyProtocol connections start with a PROXY protocol header (v1 or v2) that names the real client
 * @param maxConnectionRate new connections a second on this listener, 0 = no limit
 * @param maxConnectionRatePerAddress new connections a second from one client address, 0 = no limit
 */
public record ListenerSettings(String type, String host, int port, int maxPacketSize, Duration connectTimeout,
                               int maxConnections, String webSocketPath, boolean proxyProtocol,
                               int maxConnectionRate, int maxConnectionRatePerAddress) {

    /** A listener without connection rate limits. */
    public ListenerSettings(String type, String host, int port, int maxPacketSize, Duration connectTimeout,
                            int maxConnections, String webSocketPath, boolean proxyProtocol) {
        this(type, host, port, maxPacketSize, connectTimeout, maxConnections, webSocketPath, proxyProtocol, 0, 0);
    }

    /** A plain MQTT listener (no WebSocket, no PROXY protocol). */
    public ListenerSettings(String type, String host, int port, int maxPacketSize, Duration connectTimeout,
                            int maxConnections) {
        this(type, host, port, maxPacketSize, connectTimeout, maxConnections, null, false);
    }

    public ListenerSettings {
        if (webSocketPath != null && !webSocketPath.startsWith("/")) {
            throw new IllegalArgumentException("webSocketPath must start with '/', was '" + webSocketPath + "'");
        }
        if (maxConnectionRate < 0 || maxConnectionRatePerAddress < 0) {
            throw new IllegalArgumentException("connection rates must be >= 0");
        }
    }

    /** The same listener with connection rate limits (0 = none). */
    public ListenerSettings withConnectionRates(int perSecond, int perAddress) {
        return new ListenerSettings(type, host, port, maxPacketSize, connectTimeout, maxConnections, webSocketPath,
                proxyProtocol, perSecond, perAddress);
    }

    /** Whether MQTT is carried in WebSocket frames on this listener. */
    public boolean webSocket() {
        return webSocketPath != null;
    }

    /** The name of a listener bound to a port: shown in logs and handed to authentication. */
    public String nameWithPort(int boundPort) {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return type + " " + h + ":" + boundPort;
    }
}
