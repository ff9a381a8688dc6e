package dev.tern.spi.auth;

import java.time.Instant;
import java.util.Objects;

/**
 * The full answer of an {@link Authenticator}: the {@link AuthResult}, and, for a client that is let in, who it is
 * and until when its credentials hold.
 *
 * @param result whether the client may connect, and if not, which reason code it gets
 * @param username the client's username from now on, when the authenticator establishes it (e.g. the {@code sub}
 *        claim of a JWT, the user of a SCRAM exchange); null = the username the client sent (or none). The broker
 *        uses it for the ACL ({@code %u}), the logs and the client inspector. Always null unless {@code ALLOW}.
 * @param validUntil the instant the credentials stop being valid (a JWT's {@code exp}, plus the allowed clock skew);
 *        null = they do not expire. The broker disconnects the client then (MQTT 5: DISCONNECT 0xA0, maximum
 *        connect time). Always null unless {@code ALLOW}.
 * @param reason why the client was refused, for the broker's log (never credential material); null when allowed
 *        or when there is nothing to add to the result
 */
public record AuthDecision(AuthResult result, String username, Instant validUntil, String reason) {
    private static final AuthDecision ALLOW = new AuthDecision(AuthResult.ALLOW, null, null, null);
    private static final AuthDecision BAD_CREDENTIALS = new AuthDecision(AuthResult.BAD_CREDENTIALS, null, null, null);
    private static final AuthDecision NOT_AUTHORIZED = new AuthDecision(AuthResult.NOT_AUTHORIZED, null, null, null);

    public AuthDecision {
        Objects.requireNonNull(result, "result");
        if (result != AuthResult.ALLOW && (username != null || validUntil != null)) {
            throw new IllegalArgumentException("only an ALLOW decision carries a username or an expiry");
        }
    }

    /** The decision that says no more than {@code result}. */
    public static AuthDecision of(AuthResult result) {
        switch (Objects.requireNonNull(result, "result")) {
            case ALLOW:
                return ALLOW;
            case BAD_CREDENTIALS:
                return BAD_CREDENTIALS;
            default:
                return NOT_AUTHORIZED;
        }
    }

    /** Allowed in as {@code username} (null = as sent) until {@code validUntil} (null = no expiry). */
    public static AuthDecision allow(String username, Instant validUntil) {
        return new AuthDecision(AuthResult.ALLOW, username, validUntil, null);
    }

    /** Refused with {@link AuthResult#BAD_CREDENTIALS} (MQTT 5 0x86), saying why for the log. */
    public static AuthDecision badCredentials(String reason) {
        return new AuthDecision(AuthResult.BAD_CREDENTIALS, null, null, reason);
    }

    /** Refused with {@link AuthResult#NOT_AUTHORIZED} (MQTT 5 0x87), saying why for the log. */
    public static AuthDecision notAuthorized(String reason) {
        return new AuthDecision(AuthResult.NOT_AUTHORIZED, null, null, reason);
    }

    public boolean allowed() {
        return result == AuthResult.ALLOW;
    }
}
