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
import dev.tern.server.config.ListenerConfig;
import dev.tern.spi.auth.AuthDecision;
import dev.tern.spi.auth.AuthRequest;
import dev.tern.spi.auth.AuthResult;
import dev.tern.spi.auth.Authenticator;
import dev.tern.spi.auth.Authorizer;
import dev.tern.spi.auth.ClientIdentity;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication and authorization as configured in {@code auth:}: the password and ACL files (Mosquitto's
 * formats) and JWT ({@code auth.jwt}: a client whose password is a JWT is checked against the key, every other
 * client against the password file). The files (the JWT key or JWKS file included) are re-read when they change on
 * disk and on {@link #reload()} (SIGHUP); a file that fails to parse is refused with a log line and the one in force
 * stays. A listener may have a password file and an ACL file of its own ({@code listeners[].password-file},
 * {@code acl-file}), which replace the global one of the same kind for its clients (as Mosquitto's
 * {@code per_listener_settings}); JWT and SCRAM stay global.
 */
final class Security implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Security.class);

    private final AnonymousPolicy anonymous;
    private final ReloadingFile<PasswordFile> passwords;
    private final ReloadingFile<AclFile> acl;
    private final ReloadingFile<JwtKeys> jwtKeys;
    private final ReloadingFile<ScramCredentialFile> scram;
    private final Map<String, EnhancedAuthenticator> enhanced;
    /** What {@code auth:} says: for clients of listeners without files of their own. */
    private final Authenticator globalAuthenticator;
    private final Authorizer globalAuthorizer;
    /** Per listener index: its own files (null for a listener that has none). */
    private final List<ListenerFiles> ownFiles = new ArrayList<>();
    /** Bound listener name to its own files, or {@link #GLOBAL}. */
    private final Map<String, ListenerFiles> boundListeners = new ConcurrentHashMap<>();
    /** What the broker calls: the global ones, or routers by listener when a listener has files of its own. */
    private final Authenticator authenticator;
    private final Authorizer authorizer;
    private final List<ReloadingFile<?>.Watcher> watchers = new ArrayList<>();

    /**
     * A listener's own password file and ACL file ({@code listeners[i].password-file}, {@code acl-file}), either
     * may be null (the global one applies), with the authenticator and authorizer its clients get.
     */
    private record ListenerFiles(ReloadingFile<PasswordFile> passwords, ReloadingFile<AclFile> acl,
                                 Authenticator authenticator, Authorizer authorizer) {
    }

    /** Marks a bound listener that uses the global files. */
    private static final ListenerFiles GLOBAL = new ListenerFiles(null, null, null, null);

    Security(AuthConfig config) {
        this(config, Clock.systemUTC());
    }

    Security(AuthConfig config, Clock clock) {
        this(config, List.of(), clock);
    }

    /**
     * @param listeners the configured listeners, in order: those with their own {@code password-file} or
     *     {@code acl-file} get it opened here (errors name {@code listeners[i].password-file}); their clients are
     *     routed to it once {@link #bindListener} has told the listener's bound name
     */
    Security(AuthConfig config, List<ListenerConfig> listeners, Clock clock) {
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
        JwtAuthenticator byToken = null;
        if (jwt != null) {
            Supplier<JwtKeys> keys = jwtKeys != null ? jwtKeys
                    : constant(JwtKeys.secret(jwt.secret().getBytes(StandardCharsets.UTF_8)));
            byToken = new JwtAuthenticator(jwt.settings(), keys, clock);
        }
        this.globalAuthenticator = authenticator(passwords, jwt, byToken);
        this.globalAuthorizer = acl != null ? new FileAuthorizer(acl) : Authorizer.ALLOW_ALL;
        boolean routeAuthentication = false;
        boolean routeAuthorization = false;
        for (int i = 0; i < listeners.size(); i++) {
            ListenerConfig lc = listeners.get(i);
            if (lc.passwordFile() == null && lc.aclFile() == null) {
                ownFiles.add(null);
                continue;
            }
            String key = "listeners[" + i + "]";
            ReloadingFile<PasswordFile> ownPasswords = lc.passwordFile() == null ? null
                    : open(lc.passwordFile(), key + ".password-file", ReloadingFile::passwordFile);
            ReloadingFile<AclFile> ownAcl = lc.aclFile() == null ? null
                    : open(lc.aclFile(), key + ".acl-file", ReloadingFile::aclFile);
            ownFiles.add(new ListenerFiles(ownPasswords, ownAcl,
                    ownPasswords == null ? globalAuthenticator : authenticator(ownPasswords, jwt, byToken),
                    ownAcl == null ? globalAuthorizer : new FileAuthorizer(ownAcl)));
            routeAuthentication |= ownPasswords != null;
            routeAuthorization |= ownAcl != null;
        }
        this.authenticator = routeAuthentication ? new ByListenerAuthenticator() : globalAuthenticator;
        this.authorizer = routeAuthorization ? new ByListenerAuthorizer() : globalAuthorizer;
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

    /**
     * Who checks passwords: the password file when there is one; JWT first when configured (a client whose password
     * is a token is checked against the key, every other one against the file).
     */
    private Authenticator authenticator(ReloadingFile<PasswordFile> file, JwtConfig jwt, JwtAuthenticator byToken) {
        Authenticator byPassword = file != null ? new FileAuthenticator(file, anonymous)
                : request -> request.certificateAuthenticated() ? AuthResult.ALLOW // verified client certificate
                        : request.username() == null
                        ? (anonymous.test(request.listener()) ? AuthResult.ALLOW : AuthResult.NOT_AUTHORIZED)
                        // no password file: a username cannot be checked. Where JWT is configured it must come
                        // with a token; otherwise, where anonymous clients are welcome, the name is taken as given
                        // (as Mosquitto does), elsewhere nobody gets in
                        : (jwt == null && anonymous.test(request.listener()) ? AuthResult.ALLOW
                                : AuthResult.BAD_CREDENTIALS);
        return byToken != null ? new TokenOrPasswordAuthenticator(byToken, byPassword) : byPassword;
    }

    /**
     * Tells the bound name ({@code tcp 127.0.0.1:1883}, what connections carry as their listener) of the listener at
     * {@code index} of the list given to the constructor, so that its clients use its own files from now on.
     */
    void bindListener(int index, String name) {
        ListenerFiles own = index < ownFiles.size() ? ownFiles.get(index) : null;
        boundListeners.put(name, own != null ? own : GLOBAL);
    }

    /** The files that apply to clients of {@code listener}; null for a listener not bound yet. */
    private ListenerFiles filesOf(String listener) {
        ListenerFiles own = listener == null ? null : boundListeners.get(listener);
        return own == GLOBAL ? null : own;
    }

    /**
     * Routes each request to its listener's authenticator. A connection that names a listener this does not know
     * (accepted in the instant between the listener's bind and {@link #bindListener}) is refused: a listener with
     * a stricter password file must never fall back to the global one.
     */
    private final class ByListenerAuthenticator implements Authenticator {
        private Authenticator pick(AuthRequest request) {
            String listener = request.listener();
            if (listener == null || !boundListeners.containsKey(listener)) {
                return UNKNOWN_LISTENER;
            }
            ListenerFiles own = filesOf(listener);
            return own != null ? own.authenticator() : globalAuthenticator;
        }

        @Override
        public AuthResult authenticate(AuthRequest request) {
            return pick(request).authenticate(request);
        }

        @Override
        public AuthDecision decide(AuthRequest request) {
            return pick(request).decide(request);
        }

        @Override
        public boolean mayBlock(AuthRequest request) {
            return pick(request).mayBlock(request);
        }
    }

    /** Routes each question to the ACL of the client's listener (the subscriber's, for a delivery). */
    private final class ByListenerAuthorizer implements Authorizer {
        private Authorizer pick(ClientIdentity who) {
            // who is null for a session restored from the store that has not connected since the restart: which
            // listener it belongs to is not known, so like an unknown listener it is refused rather than risk
            // giving it what its listener's ACL would not
            String listener = who == null ? null : who.listener();
            if (listener == null || !boundListeners.containsKey(listener)) {
                return DENY_ALL;
            }
            ListenerFiles own = filesOf(listener);
            return own != null ? own.authorizer() : globalAuthorizer;
        }

        @Override
        public boolean canPublish(ClientIdentity who, String topic) {
            return pick(who).canPublish(who, topic);
        }

        @Override
        public boolean canRead(ClientIdentity who, String topic) {
            return pick(who).canRead(who, topic);
        }

        @Override
        public boolean canSubscribe(ClientIdentity who, String filter) {
            return pick(who).canSubscribe(who, filter);
        }
    }

    private static final Authenticator UNKNOWN_LISTENER = request -> AuthResult.NOT_AUTHORIZED;

    private static final Authorizer DENY_ALL = new Authorizer() {
        @Override
        public boolean canPublish(ClientIdentity who, String topic) {
            return false;
        }

        @Override
        public boolean canRead(ClientIdentity who, String topic) {
            return false;
        }

        @Override
        public boolean canSubscribe(ClientIdentity who, String filter) {
            return false;
        }
    };

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
        List<ReloadingFile<?>> out = new ArrayList<>(4);
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
        for (ListenerFiles own : ownFiles) {
            if (own != null && own.passwords() != null) {
                out.add(own.passwords());
            }
            if (own != null && own.acl() != null) {
                out.add(own.acl());
            }
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
