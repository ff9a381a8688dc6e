package dev.tern.cli.client;

import dev.tern.codec.packet.Connect;
import dev.tern.codec.packet.Disconnect;
import java.util.Objects;

/**
 * Where and how a {@link MqttClient} connects: the broker's address, TLS (null for plain TCP), the CONNECT packet
 * to send and the DISCONNECT to end with.
 */
public record ClientSettings(String host, int port, TlsSettings tls, Connect connect, Disconnect disconnect) {
    public ClientSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(connect, "connect");
        Objects.requireNonNull(disconnect, "disconnect");
    }
}
