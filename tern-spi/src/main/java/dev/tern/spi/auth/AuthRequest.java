package dev.tern.spi.auth;

import java.net.InetSocketAddress;

/**
 * What a client presents when it connects.
 *
 * @param username null when the client sent none; on a TLS listener with {@code use-identity-as-username}, the
 *        identity (CN, or first SAN) of the client's verified certificate
 * @param password null when the client sent none (always null when {@code certificateAuthenticated})
 * @param listener the name of the listener the client came in on
 * @param certificateAuthenticated true when {@code username} is the identity of a client certificate that the TLS
 *        layer has already verified against the listener's CA (and CRL): the client proved who it is without a
 *        password, as with Mosquitto's {@code use_identity_as_username}
 */
public record AuthRequest(String clientId, String username, byte[] password, InetSocketAddress remoteAddress,
                          String listener, boolean certificateAuthenticated) {

    /** A request with a username and password as sent in CONNECT (not certificate-authenticated). */
    public AuthRequest(String clientId, String username, byte[] password, InetSocketAddress remoteAddress,
                       String listener) {
        this(clientId, username, password, remoteAddress, listener, false);
    }
}
