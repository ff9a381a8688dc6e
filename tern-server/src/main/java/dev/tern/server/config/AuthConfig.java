package dev.tern.server.config;

import java.nio.file.Path;

/**
 * The {@code auth:} section.
 *
 * @param allowAnonymous whether clients without a username may connect, where a listener does not say
 * @param passwordFile a Mosquitto-format password file, or null for none
 * @param aclFile a Mosquitto-format ACL file, or null: every client may publish and subscribe to everything
 * @param jwt the {@code jwt:} section (clients with a JWT as password), or null for none
 * @param scramFile the SCRAM credential file ({@code scram-file}) for MQTT 5 enhanced authentication with
 *        SCRAM-SHA-256 and SCRAM-SHA-512, or null for none
 */
public record AuthConfig(boolean allowAnonymous, Path passwordFile, Path aclFile, JwtConfig jwt, Path scramFile) {

    /** Without JWT and SCRAM. */
    public AuthConfig(boolean allowAnonymous, Path passwordFile, Path aclFile) {
        this(allowAnonymous, passwordFile, aclFile, null, null);
    }

    /** Only the anonymous rule, no files. */
    public AuthConfig(boolean allowAnonymous) {
        this(allowAnonymous, null, null);
    }

    public static AuthConfig defaults() {
        return new AuthConfig(true);
    }

    public AuthConfig withJwt(JwtConfig newJwt) {
        return new AuthConfig(allowAnonymous, passwordFile, aclFile, newJwt, scramFile);
    }

    public AuthConfig withScramFile(Path newScramFile) {
        return new AuthConfig(allowAnonymous, passwordFile, aclFile, jwt, newScramFile);
    }
}
