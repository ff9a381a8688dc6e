package dev.tern.observability;

/**
 * A bound MQTT-over-WebSocket listener as a browser sees it.
 *
 * @param scheme {@code ws} or {@code wss}
 * @param host the bind address ({@code 0.0.0.0} and {@code ::} mean every address of the machine)
 * @param port the bound port
 * @param path the HTTP path of the upgrade, e.g. {@code /mqtt}
 * @param proxyProtocol the listener expects a PROXY protocol header, so a browser cannot connect to it directly
 */
public record WebSocketEndpoint(String scheme, String host, int port, String path, boolean proxyProtocol) {
}
