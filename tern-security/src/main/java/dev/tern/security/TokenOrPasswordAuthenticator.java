package dev.tern.security;

import dev.tern.spi.auth.AuthDecision;
import dev.tern.spi.auth.AuthRequest;
import dev.tern.spi.auth.AuthResult;
import dev.tern.spi.auth.Authenticator;
import java.util.Objects;

/**
 * JWT and passwords side by side: a client whose password is a JWT ({@link JwtAuthenticator#looksLikeJwt}) is
 * decided by the {@link JwtAuthenticator} alone (a bad token is refused, never tried as a password), every other
 * client by the password authenticator (usually a {@link FileAuthenticator}: password file, anonymous rule, client
 * certificates).
 */
public final class TokenOrPasswordAuthenticator implements Authenticator {
    private final JwtAuthenticator tokens;
    private final Authenticator passwords;

    public TokenOrPasswordAuthenticator(JwtAuthenticator tokens, Authenticator passwords) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.passwords = Objects.requireNonNull(passwords, "passwords");
    }

    private boolean isToken(AuthRequest request) {
        return !request.certificateAuthenticated() && JwtAuthenticator.looksLikeJwt(request.password());
    }

    @Override
    public AuthResult authenticate(AuthRequest request) {
        return isToken(request) ? tokens.authenticate(request) : passwords.authenticate(request);
    }

    @Override
    public boolean mayBlock(AuthRequest request) {
        return isToken(request) ? tokens.mayBlock(request) : passwords.mayBlock(request);
    }

    @Override
    public AuthDecision decide(AuthRequest request) {
        return isToken(request) ? tokens.decide(request) : passwords.decide(request);
    }
}
