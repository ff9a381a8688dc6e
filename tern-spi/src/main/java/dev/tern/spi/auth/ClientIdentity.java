package dev.tern.spi.auth;

import java.net.InetSocketAddress;

/**
 * Who a connected client is, as authorization sees it.
 *
 * @param clientId the client identifier (assigned by the broker when the client sent none)
 * @param username null when the client connected without one (anonymous)
 * @param address the client's remote address; may be null where unknown (e.g. in tests)
 * @param listener the name of the listener the client came in on
 */
public record ClientIdentity(String clientId, String username, InetSocketAddress address, String listener) {
}
