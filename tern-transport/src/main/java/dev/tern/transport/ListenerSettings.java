package dev.tern.transport;

import java.time.Duration;

/**
 * What a TCP listener needs to know.
 *
 * @param name shown in logs and handed to authentication, e.g. "tcp 127.0.0.1:1883"
 * @param maxConnections 0 = unlimited
 */
public record ListenerSettings(String name, String host, int port, int maxPacketSize, Duration connectTimeout,
                               int maxConnections) {
}
