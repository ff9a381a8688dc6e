package dev.tern.transport;

import dev.tern.codec.decode.MqttDecoder;
import dev.tern.codec.decode.MqttFrameDecoder;
import dev.tern.core.Broker;
import dev.tern.transport.proxy.ProxyProtocol;
import dev.tern.transport.tls.CertificateIdentity;
import dev.tern.transport.tls.ServerTls;
import dev.tern.transport.tls.TlsHandshakeHandler;
import dev.tern.transport.ws.WebSocketTransport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslHandler;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MQTT listener on TCP: plain, with TLS, over WebSocket, or both. The pipeline of a connection, each part only
 * where the listener has it:
 * <pre>
 * PROXY header (proxy-protocol) -> TLS (tls, wss) -> HTTP upgrade and WebSocket frames (ws, wss)
 *   -> flush consolidation -> MQTT frame decoder -> MQTT handler
 * </pre>
 * The PROXY header comes first because a load balancer sends it before the client's first byte. Everything after
 * TLS sees plain bytes, and everything after the WebSocket handlers a plain MQTT byte stream, so the decoder and
 * the MQTT handler are the same on every listener. The TLS handshake timeout, the WebSocket upgrade timeout and
 * the CONNECT timeout are all the connect timeout, counted from the accept: a client gets that long for the PROXY
 * header, the handshakes and CONNECT together.
 */
public final class TcpListener {
    private static final Logger LOG = LoggerFactory.getLogger(TcpListener.class);

    private final EventLoops loops;
    private final Broker broker;
    /** In force for connections accepted from now on; replaced by {@link #update}. */
    private volatile ListenerSettings settings;
    private final ServerTls tls;
    private final ConnectionBudget global;
    private final ConnectionBudget own;
    private volatile ConnectionRate rate;
    private static final dev.tern.core.LogLimiter REFUSED_LOG = new dev.tern.core.LogLimiter(10);
    /**
     * One per listener, and apart from the max-connections lines: a connection flood on one listener does not
     * hide the refusals of another.
     */
    private final dev.tern.core.LogLimiter rateLog = new dev.tern.core.LogLimiter(10);
    private Channel serverChannel;
    private volatile String name;
    /** One for every connection of this listener (a lambda per connection would be one more object each). */
    private final ChannelFutureListener releaseBudgets;
    /** Stateless (each channel gets its own handle from it), so one serves every connection. */
    private static final AdaptiveRecvByteBufAllocator RECEIVE_BUFFERS = new AdaptiveRecvByteBufAllocator();

    /** A plain TCP listener. */
    public TcpListener(EventLoops loops, Broker broker, ListenerSettings settings) {
        this(loops, broker, settings, null);
    }

    /**
     * A listener with TLS when {@code tls} is not null; each new connection uses the TLS context in force when it
     * is accepted (so a reloaded certificate applies to new connections only).
     */
    public TcpListener(EventLoops loops, Broker broker, ListenerSettings settings, ServerTls tls) {
        this(loops, broker, settings, tls, ConnectionBudget.unlimited());
    }

    /**
     * @param global the connection budget shared by all listeners ({@code limits.max-connections}); this listener
     *     also keeps to {@link ListenerSettings#maxConnections()} of its own
     */
    public TcpListener(EventLoops loops, Broker broker, ListenerSettings settings, ServerTls tls,
                       ConnectionBudget global) {
        this.global = global;
        this.own = new ConnectionBudget(settings.maxConnections());
        this.releaseBudgets = f -> {
            global.release();
            own.release();
        };
        this.rate = new ConnectionRate(settings.maxConnectionRate(), settings.maxConnectionRatePerAddress());
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
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, RECEIVE_BUFFERS)
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
        return own.open();
    }

    /**
     * New settings for the connections accepted from now on (a configuration reload): the packet size, connect
     * timeout, {@code max-connections} and connection rates. Open connections keep what they started with. The
     * address, type, WebSocket path and PROXY protocol of a bound listener cannot change.
     *
     * @throws IllegalArgumentException when {@code next} is another listener
     */
    public void update(ListenerSettings next) {
        ListenerSettings now = settings;
        if (!next.type().equals(now.type()) || !next.host().equals(now.host()) || next.port() != now.port()
                || !java.util.Objects.equals(next.webSocketPath(), now.webSocketPath())
                || next.proxyProtocol() != now.proxyProtocol()) {
            throw new IllegalArgumentException("listener " + name + ": only its limits can change without a restart");
        }
        own.max(next.maxConnections());
        if (next.maxConnectionRate() != now.maxConnectionRate()
                || next.maxConnectionRatePerAddress() != now.maxConnectionRatePerAddress()) {
            rate = new ConnectionRate(next.maxConnectionRate(), next.maxConnectionRatePerAddress());
        }
        settings = next;
    }

    private void refuse(SocketChannel ch, String limit) {
        if (REFUSED_LOG.allow()) {
            LOG.warn("refused connection from {} on {}: {} reached{}", ch.remoteAddress(), name, limit,
                    REFUSED_LOG.suppressedNote());
        }
        ch.close();
    }

    private void refuseForRate(Object address, String key, int perSecond) {
        if (rateLog.allow()) {
            LOG.warn("refused connection from {} on {}: listeners[].{} {}/s reached{}", address, name, key,
                    perSecond, rateLog.suppressedNote());
        }
    }

    /** The per-address rate for the client a PROXY header named; logs and returns false when it is over. */
    private boolean admitProxied(ConnectionRate rate, InetSocketAddress client) {
        if (rate.admitAddress(client.getAddress())) {
            return true;
        }
        refuseForRate(client, "max-connection-rate-per-address", rate.perAddress());
        return false;
    }

    /** The connection rate limits, before anything else is done for the connection; false = closed. */
    private boolean admitRate(SocketChannel ch, ListenerSettings settings, ConnectionRate rate) {
        InetSocketAddress peer = ch.remoteAddress();
        ConnectionRate.Verdict verdict;
        if (settings.proxyProtocol()) {
            // the socket's peer is the balancer: the per-address limit waits for the PROXY header
            verdict = rate.admitListener() ? ConnectionRate.Verdict.ADMITTED : ConnectionRate.Verdict.LISTENER_RATE;
        } else {
            verdict = rate.admit(peer == null ? null : peer.getAddress());
        }
        switch (verdict) {
            case ADMITTED:
                return true;
            case LISTENER_RATE:
                refuseForRate(peer, "max-connection-rate", rate.perSecond());
                break;
            default:
                refuseForRate(peer, "max-connection-rate-per-address", rate.perAddress());
                break;
        }
        ch.close();
        return false;
    }

    private final class Initializer extends ChannelInitializer<SocketChannel> {
        @Override
        protected void initChannel(SocketChannel ch) {
            ListenerSettings settings = TcpListener.this.settings;
            ConnectionRate rate = TcpListener.this.rate;
            if (!admitRate(ch, settings, rate)) {
                return;
            }
            if (!own.tryAcquire()) {
                refuse(ch, "listeners[].max-connections " + own.max());
                return;
            }
            if (!global.tryAcquire()) {
                own.release();
                refuse(ch, "limits.max-connections " + global.max());
                return;
            }
            ch.closeFuture().addListener(releaseBudgets);
            MqttFrameDecoder decoder = new MqttFrameDecoder(MqttDecoder.forServer(), settings.maxPacketSize());
            Supplier<String> identity = null;
            if (settings.proxyProtocol()) {
                ProxyProtocol.addTo(ch.pipeline(), name,
                        rate.limitsAddresses() ? client -> admitProxied(rate, client) : client -> true);
            }
            if (tls != null) {
                SslHandler ssl = tls.newHandler(ch.alloc(), settings.connectTimeout());
                ch.pipeline()
                        .addLast("tls", ssl)
                        .addLast("tls-handshake", new TlsHandshakeHandler(name));
                if (tls.settings().useIdentityAsUsername()) {
                    identity = () -> CertificateIdentity.of(ssl.engine().getSession());
                }
            }
            if (settings.webSocket()) {
                WebSocketTransport.addTo(ch.pipeline(), settings.webSocketPath(), settings.maxPacketSize(),
                        settings.connectTimeout(), name);
            }
            // the MQTT handler is the last: it consumes every message it reads, so nothing reaches Netty's tail
            ch.pipeline()
                    .addLast("flush", new FlushConsolidationHandler(256, true))
                    .addLast("decoder", decoder)
                    .addLast("mqtt", new MqttChannelHandler(broker, settings, name, decoder, identity));
        }
    }
}
