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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
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
    /**
     * Password hashes are checked on this one thread, not on the listener's event loop (tens of milliseconds each
     * with argon2id: the loop would stall every other request meanwhile). At most {@link #VERIFY_QUEUE} logins wait;
     * past that a login is answered 429 at once, so a flood of wrong passwords costs one thread, not the listener.
     */
    private final ThreadPoolExecutor verifier;
    static final int VERIFY_QUEUE = 16;

    /** A login that could not be checked now: too many are waiting (429). */
    static final class Busy extends RuntimeException {
        Busy() {
            super("too many logins being checked", null, false, false);
        }
    }

    HttpAuth(HttpSettings settings) throws IOException {
        this.token = settings.token() == null ? null : settings.token().getBytes(StandardCharsets.UTF_8);
        this.admins = settings.admins() == null ? null : ReloadingFile.passwordFile(settings.admins());
        this.watcher = admins == null ? null : admins.watch();
        this.anonymous = settings.anonymousAllowed();
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.verifiedKey = new SecretKeySpec(key, "HmacSHA256");
        this.verifier = admins == null ? null : new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(VERIFY_QUEUE), r -> {
                    Thread t = new Thread(r, "tern-http-auth");
                    t.setDaemon(true);
                    return t;
                });
    }

    /** True when nobody at all can get in (no token, no admins, no anonymous access). */
    boolean locked() {
        return token == null && admins == null && !anonymous;
    }

    /**
     * The principal the request authenticates as ("token", the user name, "anonymous"), or empty: 401. Complete at
     * once but for an HTTP Basic login not verified lately, whose password hash is checked on another thread; that
     * one fails with {@link Busy} when too many wait.
     */
    CompletableFuture<Optional<String>> authenticate(String authorization) {
        if (authorization != null) {
            int space = authorization.indexOf(' ');
            String scheme = space < 0 ? authorization : authorization.substring(0, space);
            String value = space < 0 ? "" : authorization.substring(space + 1).trim();
            if (scheme.equalsIgnoreCase("Bearer") && token != null
                    && MessageDigest.isEqual(token, value.getBytes(StandardCharsets.UTF_8))) {
                return CompletableFuture.completedFuture(Optional.of("token"));
            }
            if (scheme.equalsIgnoreCase("Basic") && admins != null) {
                String pair;
                try {
                    pair = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    return CompletableFuture.completedFuture(Optional.empty());
                }
                int colon = pair.indexOf(':');
                if (colon > 0) {
                    return verifyBasic(pair.substring(0, colon), pair.substring(colon + 1));
                }
            }
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return CompletableFuture.completedFuture(anonymous ? Optional.of("anonymous") : Optional.empty());
    }

    private CompletableFuture<Optional<String>> verifyBasic(String user, String password) {
        PasswordFile file = admins.get();
        if (file != verifiedAgainst) { // the file changed: what it said before no longer counts
            verified.clear();
            verifiedAgainst = file;
        }
        String key = verifiedKey(user, password);
        Long until = verified.get(key);
        if (until != null && System.nanoTime() - until < 0) {
            return CompletableFuture.completedFuture(Optional.of(user));
        }
        try {
            return CompletableFuture.supplyAsync(() -> {
                if (!file.verify(user, password.getBytes(StandardCharsets.UTF_8))) {
                    return Optional.empty();
                }
                if (verified.size() >= VERIFIED_MAX) {
                    verified.clear();
                }
                if (admins.get() == file) { // not re-read meanwhile
                    verified.put(key, System.nanoTime() + VERIFIED_FOR_NANOS);
                }
                return Optional.of(user);
            }, verifier);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new Busy());
        }
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
        if (verifier != null) {
            verifier.shutdownNow();
        }
    }
}
