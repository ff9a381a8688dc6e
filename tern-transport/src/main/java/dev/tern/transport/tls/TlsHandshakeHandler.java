package dev.tern.transport.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.nio.channels.ClosedChannelException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import dev.tern.core.LogLimiter;
import dev.tern.transport.proxy.ClientAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits right after the {@link SslHandler}: turns a failed handshake into one log line with the reason (no stack
 * trace per client: a port scanner or a client with a bad certificate must not flood the log), and keeps TLS
 * errors from reaching the MQTT handler.
 */
public final class TlsHandshakeHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(TlsHandshakeHandler.class);
    /** A scan or a crowd of misconfigured clients must not mean one log line each. */
    private static final LogLimiter FAILURE_LOG = new LogLimiter(20);

    private final String listener;
    private boolean failureLogged;

    /** @param listener the listener's name, for the log ("tls 0.0.0.0:8883") */
    public TlsHandshakeHandler(String listener) {
        this.listener = listener;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            if (done.isSuccess()) {
                if (LOG.isDebugEnabled()) {
                    SSLSession s = ctx.pipeline().get(SslHandler.class).engine().getSession();
                    LOG.debug("TLS handshake with {} on {}: {} {}", ClientAddress.of(ctx.channel()), listener,
                            s.getProtocol(), s.getCipherSuite());
                }
            } else {
                logFailure(ctx, done.cause());
                ctx.close();
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (isTls(cause)) {
            // the handshake failure event says it once; errors after the handshake are the client's business
            LOG.debug("TLS error on {} ({}): {}", ClientAddress.of(ctx.channel()), listener, reason(cause));
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    private void logFailure(ChannelHandlerContext ctx, Throwable cause) {
        if (failureLogged) {
            return;
        }
        failureLogged = true;
        if (cause instanceof ClosedChannelException) {
            LOG.debug("TLS handshake with {} on {}: the client closed the connection first",
                    ClientAddress.of(ctx.channel()), listener);
        } else {
            if (FAILURE_LOG.allow()) {
                LOG.info("TLS handshake with {} on {} failed: {}{}", ClientAddress.of(ctx.channel()), listener,
                        reason(cause), FAILURE_LOG.suppressedNote());
            }
        }
    }

    private static boolean isTls(Throwable cause) {
        return cause instanceof SSLException
                || (cause instanceof DecoderException && cause.getCause() instanceof SSLException);
    }

    /** A one-line reason: the innermost message, and a hint where one helps. */
    static String reason(Throwable cause) {
        if (cause instanceof SslHandshakeTimeoutException) {
            return "no handshake within " + cause.getMessage().replaceAll("[^0-9]", "") + " ms";
        }
        Throwable t = cause;
        while (t != null) {
            if (t instanceof NotSslRecordException) {
                return "not a TLS record (a plain MQTT client on the TLS port?)";
            }
            t = t.getCause();
        }
        String message = PemFiles.message(cause);
        String upper = message.toUpperCase(java.util.Locale.ROOT);
        if (upper.contains("PEER_DID_NOT_RETURN_A_CERTIFICATE") || upper.contains("EMPTY CLIENT CERTIFICATE CHAIN")
                || upper.contains("CERTIFICATE_REQUIRED")) {
            return "the client sent no certificate, and this listener requires one (" + message + ")";
        }
        if (upper.contains("UNKNOWN_CA") || upper.contains("BAD_CERTIFICATE") || upper.contains("CERTIFICATE_UNKNOWN")) {
            return message + " (the client did not accept the server's certificate, or the broker the client's)";
        }
        return message;
    }
}
