package dev.tern.transport.proxy;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;

/**
 * The address of the client at the other end of a connection: the one a PROXY protocol header named, or else the
 * socket's peer. This is what logs, authentication, ACLs, limits and the admin API see. Readable from any thread.
 */
public final class ClientAddress {
    private static final AttributeKey<InetSocketAddress> PROXIED = AttributeKey.valueOf("tern.proxiedClientAddress");

    private ClientAddress() {
    }

    /**
     * The client's address; the socket's peer when no PROXY header named another one. Null when the channel has
     * no IP peer address (closed before it connected, or not an IP socket).
     */
    public static InetSocketAddress of(Channel channel) {
        InetSocketAddress proxied = proxied(channel);
        if (proxied != null) {
            return proxied;
        }
        return channel.remoteAddress() instanceof InetSocketAddress socket ? socket : null;
    }

    /** Whether a PROXY protocol header named the client (rather than the socket's peer being the client). */
    public static boolean isProxied(Channel channel) {
        return proxied(channel) != null;
    }

    /**
     * Asks {@code hasAttr} first: {@code attr} alone would create the attribute (and the channel's attribute table)
     * on every connection that reads its address, proxied or not.
     */
    private static InetSocketAddress proxied(Channel channel) {
        return channel.hasAttr(PROXIED) ? channel.attr(PROXIED).get() : null;
    }

    static void setProxied(Channel channel, InetSocketAddress client) {
        channel.attr(PROXIED).set(client);
    }
}
