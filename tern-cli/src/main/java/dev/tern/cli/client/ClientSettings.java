package dev.tern.cli.client;

import dev.tern.codec.packet.Connect;
import dev.tern.codec.packet.Disconnect;
import java.util.Objects;

/**
 * Where and how a {@link MqttClient} connects: the broker's address, TLS (null for none), the WebSocket path (null
 * for MQTT straight over TCP or TLS; e.g. {@code /mqtt} for MQTT over WebSocket), the CONNECT packet to send and the
 * DISCONNECT to end with.
 */
public record ClientSettings(String host, int port, TlsSettings tls, String webSocketPath, Connect connect,
                             Disconnect disconnect) {
    public ClientSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(connect, "connect");
        Objects.requireNonNull(disconnect, "disconnect");
    }

    /** MQTT over TCP, or over TLS when {@code tls} is not null. */
    public ClientSettings(String host, int port, TlsSettings tls, Connect connect, Disconnect disconnect) {
        this(host, port, tls, null, connect, disconnect);
    }

    /** True for MQTT over WebSocket ({@code ws://}, or {@code wss://} with TLS). */
    public boolean webSocket() {
        return webSocketPath != null;
    }
}
