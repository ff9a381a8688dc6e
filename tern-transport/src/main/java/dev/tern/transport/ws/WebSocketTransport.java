package dev.tern.transport.ws;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.time.Duration;
import java.util.List;

/**
 * MQTT over WebSocket (MQTT 5.0 chapter 6, MQTT 3.1.1 section 6): the HTTP upgrade on one path, then MQTT bytes
 * in binary frames. The handlers added here turn the connection into a plain byte stream for the MQTT frame
 * decoder behind them, and wrap what the broker writes into binary frames.
 */
public final class WebSocketTransport {
    /**
     * The subprotocols a client may ask for, in the server's order of preference: {@code mqtt} (MQTT 3.1.1 and 5)
     * and {@code mqttv3.1} (what MQTT 3.1 clients send). A client that asks for none is accepted too.
     */
    public static final List<String> SUBPROTOCOLS = List.of("mqtt", "mqttv3.1");

    /** The upgrade request is a GET without a body: headers only. */
    private static final int MAX_REQUEST_BYTES = 8192;

    private WebSocketTransport() {
    }

    /**
     * Adds the WebSocket handlers to the end of {@code pipeline}.
     *
     * @param path the HTTP path clients connect to, e.g. {@code /mqtt}
     * @param maxFrameSize the largest WebSocket frame payload accepted (the broker's maximum packet size)
     * @param handshakeTimeout how long the upgrade may take (the connect timeout also applies)
     * @param listener the listener's name, for log lines
     */
    public static void addTo(ChannelPipeline pipeline, String path, int maxFrameSize, Duration handshakeTimeout,
                             String listener) {
        WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(path)
                .subprotocols(String.join(",", SUBPROTOCOLS))
                .checkStartsWith(true) // "/mqtt?token=..." too; WebSocketUpgradeCheck refuses other paths
                .handshakeTimeoutMillis(handshakeTimeout.toMillis())
                .decoderConfig(WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(maxFrameSize)
                        .allowExtensions(false)
                        .build())
                .build();
        pipeline.addLast("http", new HttpServerCodec())
                .addLast("http-aggregator", new HttpObjectAggregator(MAX_REQUEST_BYTES))
                .addLast("ws-upgrade-check", new WebSocketUpgradeCheck(path, listener))
                .addLast("ws-protocol", new WebSocketServerProtocolHandler(config))
                .addLast("ws-framing", new WebSocketFraming(listener));
    }
}
