package dev.tern.server;

import dev.tern.security.AclFile;
import dev.tern.security.FileAuthenticator;
import dev.tern.security.FileAuthorizer;
import dev.tern.security.JwtAuthenticator;
import dev.tern.security.JwtKeys;
import dev.tern.security.PasswordFile;
import dev.tern.security.ReloadingFile;
import dev.tern.security.ScramAuthenticator;
import dev.tern.security.ScramCredentialFile;
import dev.tern.security.ScramMechanism;
import dev.tern.security.TokenOrPasswordAuthenticator;
import dev.tern.server.config.AuthConfig;
import dev.tern.server.config.JwtConfig;
import dev.tern.spi.auth.AuthResult;
import dev.tern.spi.auth.Authenticator;
import dev.tern.spi.auth.Authorizer;
import dev.tern.spi.auth.EnhancedAuthenticator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication and authorization as configured in {@code auth:}: the password and ACL files (Mosquitto's
 * formats) and JWT ({@code auth.jwt}: a client whose password is a JWT is checked against the key, every other
 * client against the password file). The files (the JWT key or JWKS file included) are re-read when they change on
 * disk and on {@link #reload()} (SIGHUP); a file that fails to parse is refused with a log line and the one in force
 * stays.
 */
final class Security implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Security.class);

    private final AnonymousPolicy anonymous;
    private final ReloadingFile<PasswordFile> passwords;
    private final ReloadingFile<AclFile> acl;
    private final ReloadingFile<JwtKeys> jwtKeys;
    private final ReloadingFile<ScramCredentialFile> scram;
    private final Map<String, EnhancedAuthenticator> enhanced;
    private final Authenticator authenticator;
    private final Authorizer authorizer;
    private final List<ReloadingFile<?>.Watcher> watchers = new ArrayList<>();

    Security(AuthConfig config) {
        this(config, Clock.systemUTC());
    }

    Security(AuthConfig config, Clock clock) {
        this.anonymous = new AnonymousPolicy(config.allowAnonymous());
        this.passwords = config.passwordFile() == null ? null : open(config.passwordFile(), "auth.password-file",
                ReloadingFile::passwordFile);
        this.acl = config.aclFile() == null ? null : open(config.aclFile(), "auth.acl-file", ReloadingFile::aclFile);
        JwtConfig jwt = config.jwt();
        this.jwtKeys = jwt == null || jwt.secret() != null ? null
                : jwt.publicKeyFile() != null
                        ? open(jwt.publicKeyFile(), "auth.jwt.public-key-file", f -> ReloadingFile.load(f,
                                JwtKeys::loadPem))
                        : open(jwt.jwksFile(), "auth.jwt.jwks-file", f -> ReloadingFile.load(f, JwtKeys::loadJwks));
        Authenticator byPassword = passwords != null ? new FileAuthenticator(passwords, anonymous)
                : request -> request.certificateAuthenticated() ? AuthResult.ALLOW // verified client certificate
                        : request.username() == null
                        ? (anonymous.test(request.listener()) ? AuthResult.ALLOW : AuthResult.NOT_AUTHORIZED)
                        // no password file: a username cannot be checked. Where JWT is configured it must come
                        // with a token; otherwise, where anonymous clients are welcome, the name is taken as given
                        // (as Mosquitto does), elsewhere nobody gets in
                        : (jwt == null && anonymous.test(request.listener()) ? AuthResult.ALLOW
                                : AuthResult.BAD_CREDENTIALS);
        if (jwt != null) {
            Supplier<JwtKeys> keys = jwtKeys != null ? jwtKeys
                    : constant(JwtKeys.secret(jwt.secret().getBytes(StandardCharsets.UTF_8)));
            this.authenticator = new TokenOrPasswordAuthenticator(new JwtAuthenticator(jwt.settings(), keys, clock),
                    byPassword);
        } else {
            this.authenticator = byPassword;
        }
        this.authorizer = acl != null ? new FileAuthorizer(acl) : Authorizer.ALLOW_ALL;
        this.scram = config.scramFile() == null ? null : open(config.scramFile(), "auth.scram-file",
                f -> ReloadingFile.load(f, ScramCredentialFile::load));
        Map<String, EnhancedAuthenticator> methods = new LinkedHashMap<>();
        if (scram != null) {
            for (ScramMechanism m : List.of(ScramMechanism.SHA_256, ScramMechanism.SHA_512)) {
                ScramAuthenticator a = new ScramAuthenticator(m, scram);
                methods.put(a.method(), a);
            }
        }
        this.enhanced = Collections.unmodifiableMap(methods);
    }

    private static <T> Supplier<T> constant(T value) {
        return () -> value;
    }

    private interface Opener<T> {
        ReloadingFile<T> open(Path path) throws IOException;
    }

    private static <T> ReloadingFile<T> open(Path path, String key, Opener<T> opener) {
        try {
            return opener.open(path);
        } catch (IOException e) {
            throw new UncheckedIOException(key + ": " + e.getMessage(), e);
        }
    }

    /** Starts polling the files for changes. */
    void watch() {
        for (ReloadingFile<?> f : files()) {
            watchers.add(f.watch(ReloadingFile.DEFAULT_POLL_INTERVAL, Security::logReload));
        }
    }

    private static void logReload(Path file, Optional<String> error) {
        if (error.isPresent()) {
            LOG.warn("{} changed but could not be used, keeping the previous version: {}", file, error.get());
        } else {
            LOG.info("reloaded {}", file);
        }
    }

    /** Re-reads the files now; returns the errors of files that were refused (the old ones stay). */
    List<String> reload() {
        List<String> errors = new ArrayList<>();
        for (ReloadingFile<?> f : files()) {
            Optional<String> error = f.reload();
            logReload(f.path(), error);
            error.ifPresent(e -> errors.add(f.path() + ": " + e));
        }
        return errors;
    }

    private List<ReloadingFile<?>> files() {
        List<ReloadingFile<?>> out = new ArrayList<>(3);
        if (passwords != null) {
            out.add(passwords);
        }
        if (jwtKeys != null) {
            out.add(jwtKeys);
        }
        if (scram != null) {
            out.add(scram);
        }
        if (acl != null) {
            out.add(acl);
        }
        return out;
    }

    AnonymousPolicy anonymous() {
        return anonymous;
    }

    Authenticator authenticator() {
        return authenticator;
    }

    Authorizer authorizer() {
        return authorizer;
    }

    /**
     * The MQTT 5 enhanced authentication methods, by Authentication Method name ({@code SCRAM-SHA-256},
     * {@code SCRAM-SHA-512} with {@code auth.scram-file}); empty when none is configured. The core answers any other
     * Authentication Method with CONNACK 0x8C.
     */
    Map<String, EnhancedAuthenticator> enhancedAuthenticators() {
        return enhanced;
    }

    @Override
    public void close() {
        watchers.forEach(ReloadingFile.Watcher::close);
        watchers.clear();
    }
}
