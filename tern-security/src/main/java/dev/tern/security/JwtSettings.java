package dev.tern.security;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link JwtAuthenticator} requires of a token besides a good signature.
 *
 * @param usernameClaim the claim whose value (a non-empty string) becomes the client's username; {@code sub} by
 *        default
 * @param issuer when not null, the {@code iss} the token must have
 * @param audiences when not empty, the token's {@code aud} must name at least one of them
 * @param clockSkew how far {@code exp} and {@code nbf} may be off the broker's clock (both ways)
 * @param requireExpiry refuse a token without {@code exp} (one that would be valid forever)
 */
public record JwtSettings(String usernameClaim, String issuer, List<String> audiences, Duration clockSkew,
                          boolean requireExpiry) {
    public static final String DEFAULT_USERNAME_CLAIM = "sub";
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);

    public JwtSettings {
        Objects.requireNonNull(usernameClaim, "usernameClaim");
        if (usernameClaim.isEmpty()) {
            throw new IllegalArgumentException("usernameClaim is empty");
        }
        audiences = List.copyOf(audiences);
        Objects.requireNonNull(clockSkew, "clockSkew");
        if (clockSkew.isNegative()) {
            throw new IllegalArgumentException("clockSkew is negative");
        }
    }

    /** {@code sub} as the username, no issuer or audience check, 30 s of clock skew, {@code exp} optional. */
    public static JwtSettings defaults() {
        return new JwtSettings(DEFAULT_USERNAME_CLAIM, null, List.of(), DEFAULT_CLOCK_SKEW, false);
    }

    public JwtSettings withIssuer(String newIssuer) {
        return new JwtSettings(usernameClaim, newIssuer, audiences, clockSkew, requireExpiry);
    }

    public JwtSettings withAudiences(List<String> newAudiences) {
        return new JwtSettings(usernameClaim, issuer, newAudiences, clockSkew, requireExpiry);
    }

    public JwtSettings withUsernameClaim(String newClaim) {
        return new JwtSettings(newClaim, issuer, audiences, clockSkew, requireExpiry);
    }

    public JwtSettings withClockSkew(Duration newSkew) {
        return new JwtSettings(usernameClaim, issuer, audiences, newSkew, requireExpiry);
    }

    public JwtSettings withRequireExpiry(boolean required) {
        return new JwtSettings(usernameClaim, issuer, audiences, clockSkew, required);
    }
}
