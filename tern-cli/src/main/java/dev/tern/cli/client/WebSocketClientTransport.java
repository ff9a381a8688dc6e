package dev.tern.cli.client;

import dev.tern.codec.MqttVersion;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;

/**
 * MQTT over WebSocket for {@link MqttClient} (MQTT 5.0 chapter 6): the HTTP upgrade to {@code ws://host:port/path}
 * with the subprotocol {@code mqtt} ({@code mqttv3.1} for MQTT 3.1), then MQTT bytes in binary frames, one frame
 * per packet sent; the frames received are read as one byte stream (a packet may span frames). When the upgrade
 * is done, {@link #READY} is fired as a user event, and only then may the client send CONNECT. Failures reach the
 * handlers behind as a {@link Failure}, whose message is complete and meant for the user.
 */
final class WebSocketClientTransport {
    /** The user event fired once the upgrade has succeeded. */
    static final Object READY = new Object() {
        @Override
        public String toString() {
            return "WebSocket ready";
        }
    };

    /** Refused responses carry a short explanation at most; more is not read. */
    private static final int MAX_RESPONSE_BYTES = 64 * 1024;

    /** A failure of the upgrade or of the WebSocket connection, with the message to print. */
    static final class Failure extends Exception {
        Failure(String message) {
            super(message, null, false, false);
        }
    }

    private WebSocketClientTransport() {
    }

    /**
     * Adds the WebSocket handlers to the end of {@code pipeline} (after TLS, before the MQTT decoder).
     *
     * @param target where to connect, for the Host header and the messages: {@code ws://127.0.0.1:8083/mqtt}
     */
    static void addTo(ChannelPipeline pipeline, URI target, MqttVersion version, int maxFrameSize, PacketLog log) {
        String subprotocol = version == MqttVersion.V3_1 ? "mqttv3.1" : "mqtt";
        WebSocketClientHandshaker handshaker = WebSocketClientHandshakerFactory.newHandshaker(target,
                WebSocketVersion.V13, subprotocol, false, new DefaultHttpHeaders(), maxFrameSize);
        pipeline.addLast("http", new HttpClientCodec())
                .addLast("http-aggregator", new HttpObjectAggregator(MAX_RESPONSE_BYTES))
                .addLast("ws-upgrade", new Upgrade(handshaker, target, log))
                .addLast("ws-framing", new Framing());
    }

    /** The URI of the upgrade request; IPv6 literals get their brackets. */
    static URI target(boolean tls, String host, int port, String path) throws ClientException {
        String h = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        try {
            return new URI((tls ? "wss" : "ws") + "://" + h + ":" + port + path);
        } catch (URISyntaxException e) {
            throw ClientException.usage("Error: Invalid --ws-path '" + path + "': " + e.getMessage() + ".");
        }
    }

    /** Sends the upgrade request when the connection is up, checks the answer, then gets out of the way. */
    private static final class Upgrade extends ChannelInboundHandlerAdapter {
        private final WebSocketClientHandshaker handshaker;
        private final URI target;
        private final PacketLog log;

        Upgrade(WebSocketClientHandshaker handshaker, URI target, PacketLog log) {
            this.handshaker = handshaker;
            this.target = target;
            this.log = log;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            handshaker.handshake(ctx.channel()).addListener(f -> {
                if (!f.isSuccess()) {
                    fail(ctx, "Error: cannot send the WebSocket upgrade to " + target + ": "
                            + TlsSettings.rootMessage(f.cause()));
                }
            });
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof FullHttpResponse response)) {
                ctx.fireChannelRead(msg);
                return;
            }
            try {
                if (!response.decoderResult().isSuccess()) {
                    fail(ctx, "Error: " + target + " did not answer the WebSocket upgrade with HTTP: is it a "
                            + "WebSocket (ws/wss) listener?");
                    return;
                }
                if (!response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
                    fail(ctx, refusal(response));
                    return;
                }
                try {
                    handshaker.finishHandshake(ctx.channel(), response);
                } catch (WebSocketHandshakeException e) {
                    fail(ctx, "Error: the WebSocket upgrade at " + target + " failed: " + e.getMessage());
                    return;
                }
            } finally {
                response.release();
            }
            log.note("WebSocket connected to " + target + " (subprotocol " + handshaker.actualSubprotocol() + ")");
            ctx.pipeline().remove(this);
            ctx.fireUserEventTriggered(READY);
        }

        private String refusal(FullHttpResponse response) {
            String text = "Error: the WebSocket upgrade at " + target + " was refused: HTTP "
                    + response.status().code() + " " + response.status().reasonPhrase();
            String body = response.content().toString(StandardCharsets.UTF_8).strip();
            int eol = body.indexOf('\n');
            body = (eol >= 0 ? body.substring(0, eol) : body).replaceAll("\\p{Cntrl}", "?");
            if (!body.isEmpty()) {
                text += " (" + (body.length() > 200 ? body.substring(0, 200) + "..." : body) + ")";
            }
            if (response.status().equals(HttpResponseStatus.NOT_FOUND)) {
                text += ". Is the path right? Set it with --ws-path (default /mqtt).";
            }
            return text;
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!handshaker.isHandshakeComplete()) {
                ctx.fireExceptionCaught(new Failure("Error: " + hostPort() + " closed the connection during the "
                        + "WebSocket upgrade: is it a WebSocket (ws/wss) listener?"));
            }
            ctx.fireChannelInactive();
        }

        private String hostPort() {
            return target.getHost() + ":" + target.getPort();
        }

        private static void fail(ChannelHandlerContext ctx, String message) {
            ctx.fireExceptionCaught(new Failure(message));
        }
    }

    /** Binary frames in and out; answers pings; reports a close frame or a text frame. */
    private static final class Framing extends ChannelDuplexHandler {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
                ctx.fireChannelRead(((WebSocketFrame) msg).content());
            } else if (msg instanceof PingWebSocketFrame ping) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
            } else if (msg instanceof CloseWebSocketFrame close) {
                String reason = close.reasonText();
                int status = close.statusCode();
                close.release();
                ctx.fireExceptionCaught(new Failure("Error: the broker closed the WebSocket"
                        + (status >= 0 ? " with status " + status : "")
                        + (reason != null && !reason.isEmpty() ? " (" + reason + ")" : "") + "."));
            } else if (msg instanceof WebSocketFrame frame) {
                boolean pong = frame instanceof PongWebSocketFrame;
                ReferenceCountUtil.release(frame);
                if (!pong) {
                    ctx.fireExceptionCaught(new Failure("Error: the broker sent a text WebSocket frame "
                            + "(MQTT travels in binary frames)."));
                }
            } else {
                ctx.fireChannelRead(msg);
            }
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof ByteBuf bytes) {
                ctx.write(new BinaryWebSocketFrame(bytes), promise);
            } else {
                ctx.write(msg, promise);
            }
        }
    }
}
