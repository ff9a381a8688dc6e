package dev.tern.security;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * What the server keeps of a SCRAM password (RFC 5802 section 3): the salt, the iteration count, StoredKey =
 * H(HMAC(SaltedPassword, "Client Key")) and ServerKey = HMAC(SaltedPassword, "Server Key"). Neither key lets anyone
 * log in as the user; StoredKey verifies the client's proof, ServerKey signs the server's answer. Immutable.
 */
public final class ScramCredential {
    /** Salt bytes of new credentials. */
    public static final int SALT_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ScramMechanism mechanism;
    private final int iterations;
    private final byte[] salt;
    private final byte[] storedKey;
    private final byte[] serverKey;

    public ScramCredential(ScramMechanism mechanism, int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {
        this.mechanism = Objects.requireNonNull(mechanism, "mechanism");
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be at least 1");
        }
        if (storedKey.length != mechanism.hashLength() || serverKey.length != mechanism.hashLength()) {
            throw new IllegalArgumentException(mechanism + " keys must be " + mechanism.hashLength() + " bytes");
        }
        if (salt.length == 0) {
            throw new IllegalArgumentException("empty salt");
        }
        this.iterations = iterations;
        this.salt = salt.clone();
        this.storedKey = storedKey.clone();
        this.serverKey = serverKey.clone();
    }

    /**
     * The credential of {@code password} (already SASLprep'd: see {@link SaslPrep}) with this salt and count.
     */
    public static ScramCredential derive(ScramMechanism mechanism, String password, byte[] salt, int iterations) {
        byte[] pw = password.getBytes(StandardCharsets.UTF_8);
        byte[] salted = mechanism.saltedPassword(pw, salt, iterations);
        try {
            byte[] clientKey = mechanism.hmac(salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
            byte[] serverKey = mechanism.hmac(salted, "Server Key".getBytes(StandardCharsets.US_ASCII));
            return new ScramCredential(mechanism, iterations, salt, mechanism.hash(clientKey), serverKey);
        } finally {
            Arrays.fill(pw, (byte) 0);
            Arrays.fill(salted, (byte) 0);
        }
    }

    /** A new credential with a random salt; the password is SASLprep'd here ({@link SaslPrep#prepare}). */
    public static ScramCredential create(ScramMechanism mechanism, String password, int iterations) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return derive(mechanism, SaslPrep.prepare(password), salt, iterations);
    }

    /**
     * Parses {@code MECHANISM:iterations:salt:storedkey:serverkey} (standard base64), the part of a credential file
     * line after {@code user:}.
     *
     * @throws IllegalArgumentException saying what is wrong, quoting no key material
     */
    public static ScramCredential parse(String encoded) {
        String[] f = encoded.split(":", -1);
        if (f.length != 5) {
            throw new IllegalArgumentException("expected SCRAM-SHA-256:iterations:salt:storedkey:serverkey "
                    + "(5 fields after the user), found " + f.length);
        }
        ScramMechanism mechanism = switch (f[0]) {
            case "SCRAM-SHA-256" -> ScramMechanism.SHA_256;
            case "SCRAM-SHA-512" -> ScramMechanism.SHA_512;
            default -> throw new IllegalArgumentException("unknown mechanism '" + f[0]
                    + "' (expected SCRAM-SHA-256 or SCRAM-SHA-512)");
        };
        if (f[1].isEmpty() || f[1].length() > 9 || !f[1].chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("the iteration count is not a number");
        }
        int iterations = Integer.parseInt(f[1]);
        if (iterations < ScramMechanism.MIN_ITERATIONS) {
            throw new IllegalArgumentException("the iteration count must be at least " + ScramMechanism.MIN_ITERATIONS
                    + " (RFC 7677), is " + iterations);
        }
        byte[] salt = base64(f[2], "salt");
        if (salt.length < 8) {
            throw new IllegalArgumentException("the salt must be at least 8 bytes");
        }
        byte[] stored = base64(f[3], "StoredKey");
        byte[] server = base64(f[4], "ServerKey");
        if (stored.length != mechanism.hashLength() || server.length != mechanism.hashLength()) {
            throw new IllegalArgumentException(mechanism + " StoredKey and ServerKey must be "
                    + mechanism.hashLength() + " bytes each");
        }
        return new ScramCredential(mechanism, iterations, salt, stored, server);
    }

    private static byte[] base64(String s, String what) {
        if (s.isEmpty()) {
            throw new IllegalArgumentException("the " + what + " is empty");
        }
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the " + what + " is not valid base64");
        }
    }

    /** The text after {@code user:} in a credential file. */
    public String encoded() {
        Base64.Encoder b = Base64.getEncoder();
        return mechanism.mechanismName() + ":" + iterations + ":" + b.encodeToString(salt) + ":"
                + b.encodeToString(storedKey) + ":" + b.encodeToString(serverKey);
    }

    public ScramMechanism mechanism() {
        return mechanism;
    }

    public int iterations() {
        return iterations;
    }

    public byte[] salt() {
        return salt.clone();
    }

    byte[] storedKey() {
        return storedKey.clone();
    }

    byte[] serverKey() {
        return serverKey.clone();
    }

    @Override
    public String toString() {
        return mechanism + " (" + iterations + " iterations)";
    }
}
