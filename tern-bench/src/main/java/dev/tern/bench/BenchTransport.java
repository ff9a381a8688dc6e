package dev.tern.bench;

import dev.tern.codec.MqttVersion;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * How bench connections reach the broker: plain TCP, TLS, and MQTT over WebSocket (ws or wss), so that TLS and
 * WebSocket listeners can be measured with the same scenarios.
 *
 * @param tls TLS over the connection (the broker's certificate checked against {@code caFile}, or the JDK's trusted
 *     CAs, and its host name, unless {@code insecure})
 * @param caFile PEM CA certificate(s); null = the JDK's
 * @param insecure TLS without any check of the broker's certificate (benchmarks against test certificates)
 * @param webSocket MQTT over WebSocket at {@code path}, subprotocol {@code mqtt} ({@code mqttv3.1} for MQTT 3.1)
 */
public record BenchTransport(boolean tls, Path caFile, boolean insecure, boolean webSocket, String path) {
    public static final BenchTransport PLAIN = new BenchTransport(false, null, false, false, "/mqtt");

    /** The largest WebSocket frame accepted from the broker: the bench's packets are small. */
    private static final int MAX_FRAME = 1 << 20;

    public BenchTransport {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("the WebSocket path must start with '/': " + path);
        }
    }

    /** "tcp", "tls", "ws" or "wss". */
    public String describe() {
        return webSocket ? (tls ? "wss" : "ws") : (tls ? "tls" : "tcp");
    }

    /** The client TLS context of a run (one for all its connections), or null without TLS. */
    SslContext sslContext() throws SSLException {
        if (!tls) {
            return null;
        }
        SslContextBuilder b = SslContextBuilder.forClient().endpointIdentificationAlgorithm(insecure ? null : "HTTPS");
        if (insecure) {
            b.trustManager(InsecureTrustManagerFactory.INSTANCE);
        } else if (caFile != null) {
            b.trustManager(caFile.toFile());
        }
        return b.build();
    }

    /**
     * Adds TLS and WebSocket handlers to a new connection's pipeline, in front of the MQTT decoder. With WebSocket
     * the connection is ready for CONNECT when {@link #isReady} says so of a user event.
     */
    void addTo(ChannelPipeline pipeline, SslContext ssl, String host, int port, MqttVersion version) {
        if (tls) {
            pipeline.addLast("tls", ssl.newHandler(pipeline.channel().alloc(), host, port));
        }
        if (webSocket) {
            String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
            WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                    .webSocketUri(URI.create((tls ? "wss" : "ws") + "://" + h + ":" + port + path))
                    .subprotocol(version == MqttVersion.V3_1 ? "mqttv3.1" : "mqtt")
                    .maxFramePayloadLength(MAX_FRAME)
                    .build();
            pipeline.addLast("http", new HttpClientCodec())
                    .addLast("http-aggregator", new HttpObjectAggregator(64 * 1024))
                    .addLast("ws", new WebSocketClientProtocolHandler(config))
                    .addLast("ws-bytes", new FrameBytes());
        }
    }

    /** True for the event after which a WebSocket connection may carry MQTT. */
    static boolean isReady(Object userEvent) {
        return userEvent == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE;
    }

    /** MQTT bytes in binary frames, one frame per write; frames read are one byte stream for the decoder. */
    private static final class FrameBytes extends MessageToMessageCodec<WebSocketFrame, ByteBuf> {
        @Override
        protected void encode(ChannelHandlerContext ctx, ByteBuf msg, List<Object> out) {
            out.add(new BinaryWebSocketFrame(msg.retain()));
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
            if (frame instanceof BinaryWebSocketFrame || frame instanceof ContinuationWebSocketFrame) {
                out.add(frame.content().retain());
            }
        }
    }
}
