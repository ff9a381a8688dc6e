package dev.tern.transport;

import dev.tern.codec.decode.MqttDecoder;
import dev.tern.codec.decode.MqttFrameDecoder;
import dev.tern.core.Broker;
import dev.tern.transport.tls.CertificateIdentity;
import dev.tern.transport.tls.ServerTls;
import dev.tern.transport.tls.TlsHandshakeHandler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslHandler;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MQTT listener on TCP, plain or with TLS. With TLS the {@link SslHandler} comes first, so that everything
 * after it (flush consolidation, the frame decoder, the MQTT handler) sees plain bytes, and its handshake timeout is
 * the connect timeout: a client gets that long for the handshake and CONNECT together.
 */
public final class TcpListener {
    private static final Logger LOG = LoggerFactory.getLogger(TcpListener.class);

    private final EventLoops loops;
    private final Broker broker;
    private final ListenerSettings settings;
    private final ServerTls tls;
    private final AtomicInteger open = new AtomicInteger();
    private Channel serverChannel;
    private volatile String name;

    /** A plain TCP listener. */
    public TcpListener(EventLoops loops, Broker broker, ListenerSettings settings) {
        this(loops, broker, settings, null);
    }

    /**
     * A listener with TLS when {@code tls} is not null; each new connection uses the TLS context in force when it
     * is accepted (so a reloaded certificate applies to new connections only).
     */
    public TcpListener(EventLoops loops, Broker broker, ListenerSettings settings, ServerTls tls) {
        this.loops = loops;
        this.broker = broker;
        this.settings = settings;
        this.tls = tls;
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
            Supplier<String> identity = null;
            if (tls != null) {
                SslHandler ssl = tls.newHandler(ch.alloc(), settings.connectTimeout());
                ch.pipeline()
                        .addLast("tls", ssl)
                        .addLast("tls-handshake", new TlsHandshakeHandler(name));
                if (tls.settings().useIdentityAsUsername()) {
                    identity = () -> CertificateIdentity.of(ssl.engine().getSession());
                }
            }
            ch.pipeline()
                    .addLast("flush", new FlushConsolidationHandler(256, true))
                    .addLast("decoder", decoder)
                    .addLast("mqtt", new MqttChannelHandler(broker, settings, name, decoder, identity))
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
