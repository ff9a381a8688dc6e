package dev.tern.server.config;

/** The {@code auth:} section. Password and ACL files come with the security work. */
public record AuthConfig(boolean allowAnonymous) {
    public static AuthConfig defaults() {
        return new AuthConfig(true);
    }
}
