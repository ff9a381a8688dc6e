package dev.tern.server;

import dev.tern.server.config.BrokerConfig;
import dev.tern.server.config.ListenerConfig;
import dev.tern.spi.auth.AuthRequest;
import dev.tern.spi.auth.AuthResult;
import dev.tern.spi.auth.Authenticator;
import java.util.HashMap;
import java.util.Map;

/**
 * Authentication until password files land: anonymous clients are let in where the listener (or
 * {@code auth.allow-anonymous}) allows it; where it does not, nobody is, as no credentials can be checked yet
 * (Mosquitto refuses everyone in that case too).
 */
final class ListenerAuthenticator implements Authenticator {
    private final Map<String, Boolean> anonymousByListener = new HashMap<>();
    private final boolean defaultAnonymous;

    ListenerAuthenticator(BrokerConfig config) {
        this.defaultAnonymous = config.auth().allowAnonymous();
        for (ListenerConfig lc : config.listeners()) {
            if (lc.allowAnonymous() != null) {
                anonymousByListener.put(lc.describe(), lc.allowAnonymous());
            }
        }
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
