package dev.tern.transport;

import java.time.Duration;

/**
 * What a TCP listener needs to know.
 *
 * @param type the listener type for its name, e.g. "tcp"
 * @param port 0 picks a free port
 * @param maxConnections open connections on this listener, 0 = no limit of its own (the global one still applies)
 */
public record ListenerSettings(String type, String host, int port, int maxPacketSize, Duration connectTimeout,
                               int maxConnections) {

    /** The name of a listener bound to a port: shown in logs and handed to authentication. */
    public String nameWithPort(int boundPort) {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return type + " " + h + ":" + boundPort;
    }
}
