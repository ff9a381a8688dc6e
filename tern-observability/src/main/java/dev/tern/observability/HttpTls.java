package dev.tern.observability;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslHandler;

/**
 * HTTPS on the HTTP listener ({@code http.tls}): the TLS handler of a new connection, made with the certificate in
 * force when it is accepted, so that a reloaded certificate applies to new connections and open ones keep theirs.
 * The server side keeps the files and their reload (the same as a TLS MQTT listener's); this module only asks for
 * handlers.
 */
public interface HttpTls {
    /** A handler for a new connection; its handshake must finish within the handshake timeout it carries. */
    SslHandler newHandler(ByteBufAllocator alloc);

    /** One line for the start log, e.g. "TLS via OpenSSL, TLSv1.3 TLSv1.2; certificate CN=... valid until ...". */
    String describe();

    /** Puts TLS first in a new connection's pipeline, when {@code tls} is not null. */
    static void addTo(io.netty.channel.Channel channel, HttpTls tls) {
        if (tls != null) {
            channel.pipeline().addLast("tls", tls.newHandler(channel.alloc()));
        }
    }
}
