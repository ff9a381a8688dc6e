package dev.tern.spi.auth;

/**
 * Decides whether a connecting client may in. Called once per CONNECT, off the I/O threads' critical path
 * where it may block (implementations backed by files answer from memory).
 */
@FunctionalInterface
public interface Authenticator {

    AuthResult authenticate(AuthRequest request);
}
