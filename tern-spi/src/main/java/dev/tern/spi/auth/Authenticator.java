package dev.tern.spi.auth;

/**
 * Decides whether a connecting client may in. Called once per CONNECT, off the I/O threads' critical path
 * where it may block (implementations backed by files answer from memory).
 *
 * <p>A simple authenticator implements {@link #authenticate} only (it is a functional interface). One that knows
 * more, such as who the client really is or when its credentials expire, also overrides {@link #decide}; the
 * broker calls {@link #decide}.
 */
@FunctionalInterface
public interface Authenticator {

    AuthResult authenticate(AuthRequest request);

    /**
     * The full decision: the result, and for an allowed client the username to use from now on and the instant its
     * credentials expire. By default {@link #authenticate}'s result with nothing more (username as sent, no expiry).
     * An implementation that overrides this keeps {@link #authenticate} consistent with it: the same result, or a
     * stricter one where {@link #authenticate}'s caller cannot learn what the decision adds (e.g. a username that
     * differs from the one the client sent).
     */
    default AuthDecision decide(AuthRequest request) {
        return AuthDecision.of(authenticate(request));
    }

    /**
     * Whether {@link #decide} may take long for this request (a password hash deliberately slow to compute, a call to
     * another system): the broker then runs it on a thread of its own, not on the I/O thread that serves many other
     * clients. By default false.
     */
    default boolean mayBlock(AuthRequest request) {
        return false;
    }
}
