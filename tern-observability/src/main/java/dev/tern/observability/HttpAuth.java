package dev.tern.observability;

import dev.tern.security.PasswordFile;
import dev.tern.security.ReloadingFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;

/**
 * Who may use the HTTP listener: a bearer token ({@code http.token}), HTTP Basic users of a Mosquitto password file
 * ({@code http.admins}), or anyone when {@code http.allow-anonymous} is set and the listener is on loopback.
 */
final class HttpAuth implements AutoCloseable {
    /** The challenges sent with a 401. */
    static final String[] CHALLENGES = {"Bearer realm=\"tern\"", "Basic realm=\"tern\", charset=\"UTF-8\""};

    private final byte[] token;
    private final ReloadingFile<PasswordFile> admins;
    private final ReloadingFile<PasswordFile>.Watcher watcher;
    private final boolean anonymous;

    HttpAuth(HttpSettings settings) throws IOException {
        this.token = settings.token() == null ? null : settings.token().getBytes(StandardCharsets.UTF_8);
        this.admins = settings.admins() == null ? null : ReloadingFile.passwordFile(settings.admins());
        this.watcher = admins == null ? null : admins.watch();
        this.anonymous = settings.anonymousAllowed();
    }

    /** True when nobody at all can get in (no token, no admins, no anonymous access). */
    boolean locked() {
        return token == null && admins == null && !anonymous;
    }

    /** The principal the request authenticates as ("token", the user name, "anonymous"), or empty: 401. */
    Optional<String> authenticate(String authorization) {
        if (authorization != null) {
            int space = authorization.indexOf(' ');
            String scheme = space < 0 ? authorization : authorization.substring(0, space);
            String value = space < 0 ? "" : authorization.substring(space + 1).trim();
            if (scheme.equalsIgnoreCase("Bearer") && token != null
                    && MessageDigest.isEqual(token, value.getBytes(StandardCharsets.UTF_8))) {
                return Optional.of("token");
            }
            if (scheme.equalsIgnoreCase("Basic") && admins != null) {
                String pair;
                try {
                    pair = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
                int colon = pair.indexOf(':');
                if (colon > 0) {
                    String user = pair.substring(0, colon);
                    byte[] password = pair.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
                    if (admins.get().verify(user, password)) {
                        return Optional.of(user);
                    }
                }
            }
            return Optional.empty();
        }
        return anonymous ? Optional.of("anonymous") : Optional.empty();
    }

    /** Re-reads the admins file now; the error when it does not parse (the previous one stays). */
    Optional<String> reload() {
        return admins == null ? Optional.empty() : admins.reload();
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
    }
}
