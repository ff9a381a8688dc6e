package dev.tern.transport.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the decoded PROXY header: a {@code PROXY} command over TCP (IPv4 or IPv6) makes its source the
 * connection's {@link ClientAddress}; {@code LOCAL} (health checks), {@code UNKNOWN} and non-TCP families keep the
 * socket's address, as the specification asks. Removes itself after the header; what follows it goes on to the
 * rest of the pipeline. A malformed header closes the connection.
 */
final class ProxyHeaderReader extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyHeaderReader.class);

    private final String listener;
    private final Predicate<InetSocketAddress> admit;
    /** Set when the client was refused: what came after the header in the same read is dropped. */
    private boolean refused;

    ProxyHeaderReader(String listener, Predicate<InetSocketAddress> admit) {
        this.listener = listener;
        this.admit = admit;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!(msg instanceof HAProxyMessage header)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (header.command() == HAProxyCommand.PROXY && isTcp(header.proxiedProtocol())) {
                // a literal address checked by the decoder: no name lookup happens here
                InetSocketAddress client = new InetSocketAddress(InetAddress.getByName(header.sourceAddress()),
                        header.sourcePort());
                ClientAddress.setProxied(ctx.channel(), client);
                if (!admit.test(client)) {
                    refused = true;
                    ctx.close();
                    return;
                }
                LOG.debug("PROXY {} header on {} from {}: client {}", header.protocolVersion(), listener,
                        ctx.channel().remoteAddress(), client);
            } else {
                LOG.debug("PROXY {} header on {} from {}: {} {}, keeping the socket's address",
                        header.protocolVersion(), listener, ctx.channel().remoteAddress(), header.command(),
                        header.proxiedProtocol());
            }
        } catch (UnknownHostException e) {
            ProxyProtocol.refuse(ctx, listener, "bad address in the PROXY header: " + header.sourceAddress());
            return;
        } finally {
            header.release();
        }
        ctx.pipeline().remove(this);
    }

    /** Netty wraps the reason in one or two exceptions whose messages repeat the class names. */
    private static String innermostMessage(Throwable cause) {
        String message = cause.getMessage();
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getCause() == null) {
                message = t.getMessage();
            }
        }
        return message;
    }

    private static boolean isTcp(HAProxyProxiedProtocol protocol) {
        return protocol == HAProxyProxiedProtocol.TCP4 || protocol == HAProxyProxiedProtocol.TCP6;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof HAProxyProtocolException) {
            ProxyProtocol.refuse(ctx, listener, "bad PROXY protocol header: " + innermostMessage(cause));
            return;
        }
        ctx.fireExceptionCaught(cause);
    }
}
