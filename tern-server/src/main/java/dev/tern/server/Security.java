package dev.tern.server;

import dev.tern.security.AclFile;
import dev.tern.security.FileAuthenticator;
import dev.tern.security.FileAuthorizer;
import dev.tern.security.PasswordFile;
import dev.tern.security.ReloadingFile;
import dev.tern.server.config.AuthConfig;
import dev.tern.spi.auth.AuthResult;
import dev.tern.spi.auth.Authenticator;
import dev.tern.spi.auth.Authorizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication and authorization as configured in {@code auth:}: the password and ACL files (Mosquitto's
 * formats), re-read when they change on disk and on {@link #reload()} (SIGHUP); a file that fails to parse is
 * refused with a log line and the one in force stays.
 */
final class Security implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Security.class);

    private final AnonymousPolicy anonymous;
    private final ReloadingFile<PasswordFile> passwords;
    private final ReloadingFile<AclFile> acl;
    private final Authenticator authenticator;
    private final Authorizer authorizer;
    private final List<ReloadingFile<?>.Watcher> watchers = new ArrayList<>();

    Security(AuthConfig config) {
        this.anonymous = new AnonymousPolicy(config.allowAnonymous());
        this.passwords = config.passwordFile() == null ? null : open(config.passwordFile(), "auth.password-file",
                ReloadingFile::passwordFile);
        this.acl = config.aclFile() == null ? null : open(config.aclFile(), "auth.acl-file", ReloadingFile::aclFile);
        this.authenticator = passwords != null ? new FileAuthenticator(passwords, anonymous)
                : request -> request.certificateAuthenticated() ? AuthResult.ALLOW // verified client certificate
                        : request.username() == null
                        ? (anonymous.test(request.listener()) ? AuthResult.ALLOW : AuthResult.NOT_AUTHORIZED)
                        // no password file: a username cannot be checked; where anonymous clients are welcome the
                        // name is taken as given (as Mosquitto does), elsewhere nobody gets in
                        : (anonymous.test(request.listener()) ? AuthResult.ALLOW : AuthResult.BAD_CREDENTIALS);
        this.authorizer = acl != null ? new FileAuthorizer(acl) : Authorizer.ALLOW_ALL;
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

    /** Re-reads both files now; returns the errors of files that were refused (the old ones stay). */
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
        List<ReloadingFile<?>> out = new ArrayList<>(2);
        if (passwords != null) {
            out.add(passwords);
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

    @Override
    public void close() {
        watchers.forEach(ReloadingFile.Watcher::close);
        watchers.clear();
    }
}
