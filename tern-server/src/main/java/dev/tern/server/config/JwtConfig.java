package dev.tern.server.config;

import dev.tern.security.JwtSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@code auth.jwt:} section: clients that send a JWT as their password. Exactly one key source is set.
 *
 * @param secret {@code secret}: the HMAC secret (UTF-8, at least 32 bytes) for HS256/384/512; null if not used
 * @param publicKeyFile {@code public-key-file}: a PEM public key or certificate (RSA or EC); null if not used
 * @param jwksFile {@code jwks-file}: a JWKS file, keys chosen by {@code kid}; null if not used
 * @param usernameClaim {@code username-claim}, default {@code sub}
 * @param issuer {@code issuer}: the required {@code iss}, or null for any
 * @param audiences {@code audience}: the token's {@code aud} must name one of them; empty for any
 * @param clockSkew {@code clock-skew}, default 30 s
 * @param requireExp {@code require-exp}: refuse tokens without {@code exp}; default false
 */
public record JwtConfig(String secret, Path publicKeyFile, Path jwksFile, String usernameClaim, String issuer,
                        List<String> audiences, Duration clockSkew, boolean requireExp) {
    public JwtConfig {
        int sources = (secret != null ? 1 : 0) + (publicKeyFile != null ? 1 : 0) + (jwksFile != null ? 1 : 0);
        if (sources != 1) {
            throw new IllegalArgumentException("exactly one of secret, publicKeyFile and jwksFile must be set");
        }
        Objects.requireNonNull(usernameClaim, "usernameClaim");
        audiences = List.copyOf(audiences);
        Objects.requireNonNull(clockSkew, "clockSkew");
    }

    /** HS256 with a shared secret, other settings at their defaults. */
    public static JwtConfig withSecret(String secret) {
        return new JwtConfig(secret, null, null, JwtSettings.DEFAULT_USERNAME_CLAIM, null, List.of(),
                JwtSettings.DEFAULT_CLOCK_SKEW, false);
    }

    /** RS256 etc. with a PEM public key, other settings at their defaults. */
    public static JwtConfig withPublicKeyFile(Path file) {
        return new JwtConfig(null, file, null, JwtSettings.DEFAULT_USERNAME_CLAIM, null, List.of(),
                JwtSettings.DEFAULT_CLOCK_SKEW, false);
    }

    /** Keys from a JWKS file, other settings at their defaults. */
    public static JwtConfig withJwksFile(Path file) {
        return new JwtConfig(null, null, file, JwtSettings.DEFAULT_USERNAME_CLAIM, null, List.of(),
                JwtSettings.DEFAULT_CLOCK_SKEW, false);
    }

    /** What the token must carry besides a good signature. */
    public JwtSettings settings() {
        return new JwtSettings(usernameClaim, issuer, audiences, clockSkew, requireExp);
    }

    @Override
    public String toString() {
        // never the secret
        return "JwtConfig[" + (secret != null ? "secret" : publicKeyFile != null ? "public-key-file " + publicKeyFile
                : "jwks-file " + jwksFile) + ", username-claim " + usernameClaim + ", issuer " + issuer
                + ", audience " + audiences + ", clock-skew " + clockSkew + ", require-exp " + requireExp + "]";
    }
}
