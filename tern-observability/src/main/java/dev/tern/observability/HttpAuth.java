package dev.tern.observability;

import dev.tern.security.PasswordFile;
import dev.tern.security.ReloadingFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

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

    /**
     * HTTP Basic credentials verified lately: the dashboard sends them with every call (its charts poll each second),
     * and a password file's hash (PBKDF2, argon2id) is meant to be slow, on the listener's event loop. Keyed by an
     * HMAC of user and password under a key made at start (no password or fast hash of one is kept), valid for the
     * password file they were checked against and for {@link #VERIFIED_FOR_NANOS}; at most {@link #VERIFIED_MAX}.
     */
    private final ConcurrentHashMap<String, Long> verified = new ConcurrentHashMap<>();
    private volatile PasswordFile verifiedAgainst;
    private final SecretKeySpec verifiedKey;
    private static final long VERIFIED_FOR_NANOS = TimeUnit.MINUTES.toNanos(5);
    private static final int VERIFIED_MAX = 64;

    HttpAuth(HttpSettings settings) throws IOException {
        this.token = settings.token() == null ? null : settings.token().getBytes(StandardCharsets.UTF_8);
        this.admins = settings.admins() == null ? null : ReloadingFile.passwordFile(settings.admins());
        this.watcher = admins == null ? null : admins.watch();
        this.anonymous = settings.anonymousAllowed();
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.verifiedKey = new SecretKeySpec(key, "HmacSHA256");
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
                if (colon > 0 && verifyBasic(pair.substring(0, colon), pair.substring(colon + 1))) {
                    return Optional.of(pair.substring(0, colon));
                }
            }
            return Optional.empty();
        }
        return anonymous ? Optional.of("anonymous") : Optional.empty();
    }

    private boolean verifyBasic(String user, String password) {
        PasswordFile file = admins.get();
        if (file != verifiedAgainst) { // the file changed: what it said before no longer counts
            verified.clear();
            verifiedAgainst = file;
        }
        String key = verifiedKey(user, password);
        long now = System.nanoTime();
        Long until = verified.get(key);
        if (until != null && now - until < 0) {
            return true;
        }
        if (!file.verify(user, password.getBytes(StandardCharsets.UTF_8))) {
            return false;
        }
        if (verified.size() >= VERIFIED_MAX) {
            verified.clear();
        }
        verified.put(key, now + VERIFIED_FOR_NANOS);
        return true;
    }

    private String verifiedKey(String user, String password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(verifiedKey);
            byte[] u = user.getBytes(StandardCharsets.UTF_8);
            // the user's length first: no other user and password give the same bytes
            mac.update(ByteBuffer.allocate(4).putInt(u.length).array());
            mac.update(u);
            return Base64.getEncoder().encodeToString(mac.doFinal(password.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
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
