package dev.tern.transport.ws;

import dev.tern.core.LogLimiter;
import dev.tern.transport.proxy.ClientAddress;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks at the HTTP request before the WebSocket handshake and refuses, with an HTTP answer and one log line
 * (rate-limited), what Netty's handshaker would let through or answer without a reason: another path (404), and a
 * client that offers only subprotocols other than {@code mqtt} and {@code mqttv3.1} (400; RFC 6455 would let the
 * server answer without one and leave it to the client to give up, which hides the mistake). A request that passes
 * goes on to the handshaker, and this handler removes itself.
 */
final class WebSocketUpgradeCheck extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketUpgradeCheck.class);
    private static final LogLimiter REFUSED_LOG = new LogLimiter(10);

    private final String path;
    private final String listener;

    WebSocketUpgradeCheck(String path, String listener) {
        this.path = path;
        this.listener = listener;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (!request.decoderResult().isSuccess()) {
            refuse(ctx, request, HttpResponseStatus.BAD_REQUEST, "not a valid HTTP request");
            return;
        }
        String uri = request.uri();
        int query = uri.indexOf('?');
        String requestPath = query >= 0 ? uri.substring(0, query) : uri;
        if (!requestPath.equals(path)) {
            refuse(ctx, request, HttpResponseStatus.NOT_FOUND, "path " + clip(requestPath) + " (MQTT is served on "
                    + path + ")");
            return;
        }
        String offered = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
        if (offered != null && !offersMqtt(offered)) {
            refuse(ctx, request, HttpResponseStatus.BAD_REQUEST, "subprotocol " + clip(offered) + " (accepted: "
                    + String.join(", ", WebSocketTransport.SUBPROTOCOLS) + ")");
            return;
        }
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(request);
    }

    private static boolean offersMqtt(String offered) {
        for (String p : offered.split(",")) {
            if (WebSocketTransport.SUBPROTOCOLS.contains(p.trim().toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    private void refuse(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status, String why) {
        ReferenceCountUtil.release(request);
        if (REFUSED_LOG.allow()) {
            LOG.info("refused WebSocket connection from {} on {}: {}{}", ClientAddress.of(ctx.channel()), listener,
                    why, REFUSED_LOG.suppressedNote());
        }
        byte[] body = (status.code() + " " + status.reasonPhrase() + ": " + why + "\n")
                .getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN + "; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    /** What a client sent, shortened for a log line. */
    private static String clip(String s) {
        String oneLine = s.replaceAll("[\\p{Cntrl}]", "?");
        return "'" + (oneLine.length() > 100 ? oneLine.substring(0, 100) + "..." : oneLine) + "'";
    }
}
