package dev.tern.spi.auth;

import java.net.InetSocketAddress;

/**
 * What a client presents when it connects.
 *
 * @param username null when the client sent none
 * @param password null when the client sent none
 * @param listener the name of the listener the client came in on
 */
public record AuthRequest(String clientId, String username, byte[] password, InetSocketAddress remoteAddress,
                          String listener) {
}
