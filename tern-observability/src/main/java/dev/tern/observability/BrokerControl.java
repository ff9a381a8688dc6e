package dev.tern.observability;

import java.util.List;

/** What the admin API needs from the running server beyond the core: identity, listeners, reload. */
public interface BrokerControl {
    /** e.g. "0.1.0". */
    String version();

    /** The bound MQTT listeners, e.g. "tcp 127.0.0.1:1883". */
    List<String> listeners();

    /**
     * The bound MQTT-over-WebSocket listeners (ws and wss), for the dashboard's topic explorer, which connects to
     * one from the browser. Empty by default.
     */
    default List<WebSocketEndpoint> webSocketEndpoints() {
        return List.of();
    }

    /** Re-reads what can change at run time: the configuration and the files it names. */
    ReloadReport reload();
}
