package dev.tern.transport;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.decode.DecodeFailure;
import dev.tern.codec.decode.MqttFrameDecoder;
import dev.tern.codec.encode.MqttEncoder;
import dev.tern.codec.packet.Connect;
import dev.tern.codec.packet.MqttPacket;
import dev.tern.core.Broker;
import dev.tern.core.ClientConnection;
import dev.tern.core.Connection;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of the pipeline: hands decoded packets to the core's {@link ClientConnection} and implements the
 * core's {@link Connection} port by encoding packets with the connection's protocol version.
 */
final class MqttChannelHandler extends ChannelDuplexHandler implements Connection {
    private static final Logger LOG = LoggerFactory.getLogger(MqttChannelHandler.class);

    private final Broker broker;
    private final ListenerSettings settings;
    private final MqttFrameDecoder decoder;
    private Channel channel;
    private ClientConnection client;
    private ScheduledFuture<?> connectTimeout;
    private volatile MqttVersion version = MqttVersion.V3_1_1;

    MqttChannelHandler(Broker broker, ListenerSettings settings, MqttFrameDecoder decoder) {
        this.broker = broker;
        this.settings = settings;
        this.decoder = decoder;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        client = broker.accept(this);
        long ms = settings.connectTimeout().toMillis();
        connectTimeout = ctx.executor().schedule(new CloseWithoutConnect(ctx), ms, TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    /** Closes a socket that did not send CONNECT in time. */
    private record CloseWithoutConnect(ChannelHandlerContext ctx) implements Runnable {
        @Override
        public void run() {
            LOG.info("closing {}: no CONNECT within the connect timeout", ctx.channel().remoteAddress());
            ctx.close();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof MqttPacket packet) {
            if (packet instanceof Connect && connectTimeout != null) {
                connectTimeout.cancel(false);
                connectTimeout = null;
            }
            client.onPacket(packet);
        } else if (msg instanceof DecodeFailure failure) {
            if (connectTimeout != null) {
                connectTimeout.cancel(false);
                connectTimeout = null;
            }
            client.onDecodeFailure(failure.cause().reasonCode(), failure.cause().getMessage(), failure.version(),
                    failure.inConnect());
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (connectTimeout != null) {
            connectTimeout.cancel(false);
        }
        if (client != null) {
            client.onClosed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && client != null) {
            client.onWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("I/O error on {}: {}", ctx.channel().remoteAddress(), cause.getMessage());
        } else {
            LOG.warn("unexpected error on {}, closing it", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof MqttPacket packet) {
            ctx.write(MqttEncoder.encode(ctx.alloc(), packet, version), promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    // ---- Connection port (any thread) ----

    @Override
    public void send(MqttPacket packet) {
        channel.writeAndFlush(packet, channel.voidPromise());
    }

    @Override
    public void sendAndClose(MqttPacket packet) {
        channel.writeAndFlush(packet).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void close() {
        channel.close();
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable();
    }

    @Override
    public void setVersion(MqttVersion newVersion) {
        this.version = newVersion;
        if (channel.eventLoop().inEventLoop()) {
            decoder.setVersion(newVersion);
        }
    }

    @Override
    public int encodedSize(MqttPacket packet) {
        return MqttEncoder.encodedSize(packet, version);
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) channel.remoteAddress();
    }

    @Override
    public String listener() {
        return settings.name();
    }
}
