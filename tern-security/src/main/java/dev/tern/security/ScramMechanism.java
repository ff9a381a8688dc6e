package dev.tern.security;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SCRAM hash functions (RFC 5802, RFC 7677): the names a client asks for and the primitives of the exchange.
 * {@link #SHA_256} and {@link #SHA_512} are what Tern offers and stores; {@link #SHA_1} exists only so the
 * mechanism can be checked against RFC 5802's own example, and is never offered to clients nor written to a file.
 */
public enum ScramMechanism {
    SHA_1("SCRAM-SHA-1", "SHA-1", "HmacSHA1", 20),
    SHA_256("SCRAM-SHA-256", "SHA-256", "HmacSHA256", 32),
    SHA_512("SCRAM-SHA-512", "SHA-512", "HmacSHA512", 64);

    /** RFC 7677's minimum iteration count, and the default of new credentials. */
    public static final int MIN_ITERATIONS = 4096;

    private final String mechanismName;
    private final String digest;
    private final String hmac;
    private final int length;

    ScramMechanism(String mechanismName, String digest, String hmac, int length) {
        this.mechanismName = mechanismName;
        this.digest = digest;
        this.hmac = hmac;
        this.length = length;
    }

    /** The SASL (and MQTT Authentication Method) name, e.g. {@code SCRAM-SHA-256}. */
    public String mechanismName() {
        return mechanismName;
    }

    /** The hash's output length in bytes: the length of keys, proofs and signatures. */
    public int hashLength() {
        return length;
    }

    /** Whether Tern offers it to clients and stores it (all but SHA-1). */
    public boolean offered() {
        return this != SHA_1;
    }

    /**
     * The mechanism a name means: {@code SCRAM-SHA-256}, {@code sha-256}, {@code sha256} (any case), and the same for
     * 512. SHA-1 is never returned.
     */
    public static Optional<ScramMechanism> byName(String name) {
        String n = name.toUpperCase(Locale.ROOT).replace("SCRAM-", "").replace("-", "");
        return Arrays.stream(values()).filter(ScramMechanism::offered)
                .filter(m -> m.digest.replace("-", "").equals(n)).findFirst();
    }

    byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(hmac);
            mac.init(new SecretKeySpec(key, hmac));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(hmac + " is missing from this JDK", e);
        }
    }

    byte[] hash(byte[] data) {
        try {
            return MessageDigest.getInstance(digest).digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(digest + " is missing from this JDK", e);
        }
    }

    /** Hi(password, salt, i) of RFC 5802: PBKDF2 with this HMAC, one block. The password must not be empty. */
    byte[] saltedPassword(byte[] password, byte[] salt, int iterations) {
        if (password.length == 0) {
            throw new IllegalArgumentException("empty password");
        }
        try {
            Mac mac = Mac.getInstance(hmac);
            mac.init(new SecretKeySpec(password, hmac));
            mac.update(salt);
            byte[] u = mac.doFinal(new byte[] {0, 0, 0, 1});
            byte[] result = u.clone();
            for (int i = 1; i < iterations; i++) {
                u = mac.doFinal(u);
                for (int j = 0; j < result.length; j++) {
                    result[j] ^= u[j];
                }
            }
            return result;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(hmac + " is missing from this JDK", e);
        }
    }

    @Override
    public String toString() {
        return mechanismName;
    }
}
