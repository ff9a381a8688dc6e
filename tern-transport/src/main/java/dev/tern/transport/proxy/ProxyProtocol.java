package dev.tern.transport.proxy;

import dev.tern.core.LogLimiter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import java.net.InetSocketAddress;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PROXY protocol (v1 text and v2 binary, as HAProxy, AWS NLB, nginx and Traefik send it) at the front of a
 * listener's pipeline: every connection must start with a header naming the real client, which then becomes the
 * connection's {@link ClientAddress}. The header comes before anything else, TLS handshake and WebSocket upgrade
 * included. A connection that does not start with a valid header is closed (and logged, rate-limited); a
 * {@code LOCAL} header (a load balancer's own health check) keeps the socket's address.
 */
public final class ProxyProtocol {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyProtocol.class);
    /** A port scan or a misconfigured balancer must not mean one log line per connection. */
    private static final LogLimiter REFUSED_LOG = new LogLimiter(10);

    private ProxyProtocol() {
    }

    /**
     * Adds the handlers that read the PROXY header to the end of {@code pipeline}; they remove themselves once the
     * header is read.
     *
     * @param listener the listener's name, for log lines
     */
    public static void addTo(ChannelPipeline pipeline, String listener) {
        addTo(pipeline, listener, client -> true);
    }

    /**
     * Adds the handlers, with a check of the client a {@code PROXY} header names (the per-address connection
     * rate): when {@code admit} says no, the connection is closed at once; {@code admit} logs why.
     */
    public static void addTo(ChannelPipeline pipeline, String listener, Predicate<InetSocketAddress> admit) {
        pipeline.addLast("proxy-start", new ProxyHeaderStart(listener))
                .addLast("proxy-decoder", new HAProxyMessageDecoder())
                .addLast("proxy-header", new ProxyHeaderReader(listener, admit));
    }

    /** Closes a connection whose PROXY header is missing or wrong, with one log line (rate-limited). */
    static void refuse(ChannelHandlerContext ctx, String listener, String why) {
        if (REFUSED_LOG.allow()) {
            LOG.warn("refused connection from {} on {}: {} (the listener has proxy-protocol: true){}",
                    ctx.channel().remoteAddress(), listener, why, REFUSED_LOG.suppressedNote());
        }
        ctx.close();
    }
}
