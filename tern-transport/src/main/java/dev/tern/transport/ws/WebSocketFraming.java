package dev.tern.transport.ws;

import dev.tern.core.LogLimiter;
import dev.tern.transport.proxy.ClientAddress;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Between the WebSocket frames and the MQTT frame decoder. Inbound, the payload of binary frames (and of their
 * continuation frames) is passed on as a plain byte stream: an MQTT packet may span frames and a frame may hold
 * several packets, and the decoder behind this handler sees no frame boundaries. Any other data frame (text)
 * closes the connection with status 1003 [MQTT-6.0.0-1]. Outbound, the bytes the broker writes are wrapped in
 * binary frames, one per write.
 */
final class WebSocketFraming extends ChannelDuplexHandler {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketFraming.class);
    private static final LogLimiter CLOSED_LOG = new LogLimiter(10);

    private final String listener;

    WebSocketFraming(String listener) {
        this.listener = listener;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
            // a continuation frame only follows a binary one: a text message is closed at its first frame
            ctx.fireChannelRead(((WebSocketFrame) msg).content());
        } else if (msg instanceof WebSocketFrame frame) {
            ReferenceCountUtil.release(frame);
            closeForTextFrame(ctx);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void closeForTextFrame(ChannelHandlerContext ctx) {
        if (CLOSED_LOG.allow()) {
            LOG.info("closing WebSocket connection from {} on {}: a text frame (MQTT is sent in binary frames){}",
                    ClientAddress.of(ctx.channel()), listener, CLOSED_LOG.suppressedNote());
        }
        ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_MESSAGE_TYPE))
                .addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf bytes) {
            ctx.write(new BinaryWebSocketFrame(bytes), promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete done) {
            LOG.debug("WebSocket connection from {} on {}: {} subprotocol {}", ClientAddress.of(ctx.channel()),
                    listener, done.requestUri(), done.selectedSubprotocol());
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException) {
            // Netty's decoder has sent the close frame with the status (1002, 1009 for a frame that is too large)
            LOG.debug("closing WebSocket connection from {} on {}: {}", ClientAddress.of(ctx.channel()), listener,
                    cause.getMessage());
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }
}
