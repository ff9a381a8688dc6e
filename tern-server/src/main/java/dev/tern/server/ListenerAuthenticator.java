package dev.tern.server;

import dev.tern.spi.auth.AuthRequest;
import dev.tern.spi.auth.AuthResult;
import dev.tern.spi.auth.Authenticator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authentication until password files land: anonymous clients are let in where the listener (or
 * {@code auth.allow-anonymous}) allows it; where it does not, nobody is, as no credentials can be checked yet
 * (Mosquitto refuses everyone in that case too).
 */
final class ListenerAuthenticator implements Authenticator {
    private final Map<String, Boolean> anonymousByListener = new ConcurrentHashMap<>();
    private final boolean defaultAnonymous;

    ListenerAuthenticator(boolean defaultAnonymous) {
        this.defaultAnonymous = defaultAnonymous;
    }

    /** Registers a bound listener by its name (see {@code TcpListener.name()}). */
    void allowAnonymous(String listener, boolean allowed) {
        anonymousByListener.put(listener, allowed);
    }

    @Override
    public AuthResult authenticate(AuthRequest request) {
        boolean anonymous = anonymousByListener.getOrDefault(request.listener(), defaultAnonymous);
        if (anonymous) {
            return AuthResult.ALLOW;
        }
        return request.username() == null ? AuthResult.NOT_AUTHORIZED : AuthResult.BAD_CREDENTIALS;
    }
}
