package dev.tern.transport;

import dev.tern.codec.decode.MqttDecoder;
import dev.tern.codec.decode.MqttFrameDecoder;
import dev.tern.core.Broker;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A plain TCP MQTT listener. */
public final class TcpListener {
    private static final Logger LOG = LoggerFactory.getLogger(TcpListener.class);

    private final EventLoops loops;
    private final Broker broker;
    private final ListenerSettings settings;
    private final AtomicInteger open = new AtomicInteger();
    private Channel serverChannel;
    private volatile String name;

    public TcpListener(EventLoops loops, Broker broker, ListenerSettings settings) {
        this.loops = loops;
        this.broker = broker;
        this.settings = settings;
    }

    /**
     * Binds and starts accepting. Returns the bound port.
     *
     * @throws BindException when the address is in use or cannot be bound
     */
    public int bind() throws BindException {
        ServerBootstrap b = new ServerBootstrap()
                .group(loops.acceptor(), loops.workers())
                .channel(loops.serverChannelClass())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new Initializer());
        try {
            serverChannel = b.bind(new InetSocketAddress(settings.host(), settings.port())).syncUninterruptibly()
                    .channel();
        } catch (Exception e) {
            BindException be = new BindException("cannot listen on " + settings.host() + ":" + settings.port()
                    + ": " + e.getMessage());
            be.initCause(e);
            throw be;
        }
        int bound = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        name = settings.nameWithPort(bound);
        return bound;
    }

    /** "tcp 127.0.0.1:1883", with the bound port; null before {@link #bind()}. */
    public String name() {
        return name;
    }

    /** Stops accepting new connections; open ones stay. */
    public void stopAccepting() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
    }

    public int openConnections() {
        return open.get();
    }

    private final class Initializer extends ChannelInitializer<SocketChannel> {
        @Override
        protected void initChannel(SocketChannel ch) {
            int max = settings.maxConnections();
            if (max > 0 && open.get() >= max) {
                LOG.warn("refused connection from {} on {}: max-connections {} reached", ch.remoteAddress(),
                        name, max);
                ch.close();
                return;
            }
            open.incrementAndGet();
            ch.closeFuture().addListener(f -> open.decrementAndGet());
            MqttFrameDecoder decoder = new MqttFrameDecoder(MqttDecoder.forServer(), settings.maxPacketSize());
            ch.pipeline()
                    .addLast("flush", new FlushConsolidationHandler(256, true))
                    .addLast("decoder", decoder)
                    .addLast("mqtt", new MqttChannelHandler(broker, settings, name, decoder))
                    .addLast("tail", new Tail());
        }
    }

    /** Swallows what reaches the end of the pipeline so Netty does not log it. */
    private static final class Tail extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            io.netty.util.ReferenceCountUtil.release(msg);
        }
    }
}
