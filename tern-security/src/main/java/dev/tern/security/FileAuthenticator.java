package dev.tern.security;

import dev.tern.spi.auth.AuthRequest;
import dev.tern.spi.auth.AuthResult;
import dev.tern.spi.auth.Authenticator;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Username and password checked against a {@link PasswordFile}, as Mosquitto's {@code password_file} does.
 *
 * <ul>
 *   <li>no username: {@link AuthResult#ALLOW} where anonymous clients are allowed on the client's listener,
 *       {@link AuthResult#NOT_AUTHORIZED} elsewhere;</li>
 *   <li>a username: {@link AuthResult#ALLOW} when the password matches, else {@link AuthResult#BAD_CREDENTIALS}
 *       (unknown users and missing passwords included; the time taken does not tell which);</li>
 *   <li>a username taken from a client certificate the TLS layer verified
 *       ({@link AuthRequest#certificateAuthenticated()}, {@code use-identity-as-username}): {@link AuthResult#ALLOW}
 *       without a password and without looking the user up, as Mosquitto's {@code use_identity_as_username} does;
 *       what that user may do is then up to the ACL.</li>
 * </ul>
 * The password file comes from a supplier, so that a {@link ReloadingFile} can swap it while clients connect.
 */
public final class FileAuthenticator implements Authenticator {
    private final Supplier<PasswordFile> passwords;
    private final Predicate<String> anonymousAllowedOn;

    /**
     * @param passwords the current password file (e.g. a {@link ReloadingFile}); null from it means no user
     * @param anonymousAllowedOn given a listener name, whether clients without a username may connect there
     */
    public FileAuthenticator(Supplier<PasswordFile> passwords, Predicate<String> anonymousAllowedOn) {
        this.passwords = Objects.requireNonNull(passwords, "passwords");
        this.anonymousAllowedOn = Objects.requireNonNull(anonymousAllowedOn, "anonymousAllowedOn");
    }

    public FileAuthenticator(Supplier<PasswordFile> passwords, boolean allowAnonymous) {
        this(passwords, listener -> allowAnonymous);
    }

    public FileAuthenticator(PasswordFile passwords, boolean allowAnonymous) {
        this(constant(Objects.requireNonNull(passwords, "passwords")), allowAnonymous);
    }

    private static Supplier<PasswordFile> constant(PasswordFile file) {
        return () -> file;
    }

    /** Checking a password means computing its hash (PBKDF2, argon2id: slow by design). */
    @Override
    public boolean mayBlock(AuthRequest request) {
        return request.username() != null && !request.certificateAuthenticated() && request.password() != null;
    }

    @Override
    public AuthResult authenticate(AuthRequest request) {
        if (request.username() == null) {
            return anonymousAllowedOn.test(request.listener()) ? AuthResult.ALLOW : AuthResult.NOT_AUTHORIZED;
        }
        if (request.certificateAuthenticated()) {
            return AuthResult.ALLOW;
        }
        PasswordFile file = passwords.get();
        if (file == null) {
            return AuthResult.BAD_CREDENTIALS;
        }
        return file.verify(request.username(), request.password()) ? AuthResult.ALLOW : AuthResult.BAD_CREDENTIALS;
    }
}
