package dev.tern.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * One stored password hash, in one of the encodings Mosquitto's password file uses. Immutable.
 *
 * <ul>
 *   <li>{@code $7$<iterations>$<base64 salt>$<base64 hash>}: PBKDF2-HMAC-SHA512, a 64-byte hash. Mosquitto 2.0's
 *       {@code mosquitto_passwd} writes 101 iterations and a 12-byte salt; any salt length is read.</li>
 *   <li>{@code $6$<base64 salt>$<base64 hash>}: SHA-512 of the password bytes followed by the salt bytes.</li>
 *   <li>{@code $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>}: a PHC string (base64 without
 *       padding).</li>
 * </ul>
 * Comparisons are constant-time ({@link MessageDigest#isEqual}). Error messages never quote the hash or salt.
 */
public sealed interface PasswordHash permits PasswordHash.Pbkdf2Sha512, PasswordHash.Sha512, PasswordHash.Argon2id {

    /** Iterations {@code mosquitto_passwd} 2.0 writes into a {@code $7$} hash. */
    int PBKDF2_DEFAULT_ITERATIONS = 101;
    /** Salt bytes {@code mosquitto_passwd} 2.0 writes ({@code $7$} and {@code $6$}). */
    int MOSQUITTO_SALT_BYTES = 12;
    /** SHA-512's output, the hash length of {@code $6$} and {@code $7$}. */
    int SHA512_BYTES = 64;
    /** Argon2id defaults for new hashes: 19 MiB, 2 passes, 1 lane (the OWASP minimum), 16-byte salt, 32-byte hash. */
    int ARGON2_DEFAULT_MEMORY_KIB = 19_456;
    int ARGON2_DEFAULT_PASSES = 2;
    int ARGON2_DEFAULT_LANES = 1;
    int ARGON2_SALT_BYTES = 16;
    int ARGON2_HASH_BYTES = 32;
    /** The largest Argon2 memory cost a file may ask for (1 GiB), so that one line cannot exhaust the heap. */
    int ARGON2_MAX_MEMORY_KIB = 1 << 20;

    /** Does {@code password} hash to this? Takes the same time whatever the answer. */
    boolean matches(byte[] password);

    /** The text stored after {@code username:}. */
    String encoded();

    Algorithm algorithm();

    /** A hash with the same parameters (so the same cost) and random salt and value, matching no password. */
    PasswordHash decoy(SecureRandom random);

    /**
     * Parses the part of a password-file line after the colon.
     *
     * @throws IllegalArgumentException with a message that says what is wrong and quotes no hash material
     */
    static PasswordHash parse(String encoded) {
        if (encoded.startsWith("$7$")) {
            String[] f = encoded.substring(3).split("\\$", -1);
            if (f.length != 3) {
                throw new IllegalArgumentException("$7$ hash must be $7$iterations$salt$hash");
            }
            int iterations = positiveInt(f[0], "$7$ iteration count");
            return new Pbkdf2Sha512(iterations, base64(f[1], "$7$ salt", false),
                    sha512Sized(base64(f[2], "$7$ hash", false), "$7$"));
        }
        if (encoded.startsWith("$6$")) {
            String[] f = encoded.substring(3).split("\\$", -1);
            if (f.length != 2) {
                throw new IllegalArgumentException("$6$ hash must be $6$salt$hash");
            }
            return new Sha512(base64(f[0], "$6$ salt", false), sha512Sized(base64(f[1], "$6$ hash", false), "$6$"));
        }
        if (encoded.startsWith("$argon2id$")) {
            return Argon2id.parsePhc(encoded);
        }
        if (encoded.startsWith("$argon2")) {
            throw new IllegalArgumentException("only the argon2id variant of Argon2 is supported");
        }
        throw new IllegalArgumentException("not a supported password hash (expected $7$, $6$ or $argon2id$; "
                + "a plain-text password file must first be hashed with 'tern passwd -U')");
    }

    /** A new hash of {@code password} with a random salt. {@code cost}: PBKDF2 iterations, or Argon2 passes. */
    static PasswordHash create(byte[] password, Algorithm algorithm, int cost, SecureRandom random) {
        switch (algorithm) {
            case SHA512_PBKDF2: {
                byte[] salt = randomBytes(random, MOSQUITTO_SALT_BYTES);
                return new Pbkdf2Sha512(cost, salt, Pbkdf2Sha512.derive(password, salt, cost, SHA512_BYTES));
            }
            case SHA512: {
                byte[] salt = randomBytes(random, MOSQUITTO_SALT_BYTES);
                return new Sha512(salt, Sha512.digest(password, salt));
            }
            case ARGON2ID: {
                byte[] salt = randomBytes(random, ARGON2_SALT_BYTES);
                Argon2id params = new Argon2id(Argon2Parameters.ARGON2_VERSION_13, ARGON2_DEFAULT_MEMORY_KIB, cost,
                        ARGON2_DEFAULT_LANES, salt, new byte[ARGON2_HASH_BYTES]);
                return params.withHash(params.derive(password));
            }
            default:
                throw new IllegalArgumentException("unknown algorithm " + algorithm);
        }
    }

    /** The default cost of {@link #create} for an algorithm. */
    static int defaultCost(Algorithm algorithm) {
        return algorithm == Algorithm.ARGON2ID ? ARGON2_DEFAULT_PASSES : PBKDF2_DEFAULT_ITERATIONS;
    }

    /** PBKDF2-HMAC-SHA512, {@code $7$}. */
    final class Pbkdf2Sha512 implements PasswordHash {
        private final int iterations;
        private final byte[] salt;
        private final byte[] hash;

        Pbkdf2Sha512(int iterations, byte[] salt, byte[] hash) {
            this.iterations = iterations;
            this.salt = salt.clone();
            this.hash = hash.clone();
        }

        public int iterations() {
            return iterations;
        }

        public int saltLength() {
            return salt.length;
        }

        static byte[] derive(byte[] password, byte[] salt, int iterations, int length) {
            // Bouncy Castle's HMAC takes any key, including the empty password, which the JDK's SecretKeySpec refuses
            PKCS5S2ParametersGenerator gen = new PKCS5S2ParametersGenerator(new SHA512Digest());
            gen.init(password, salt, iterations);
            return ((KeyParameter) gen.generateDerivedParameters(length * 8)).getKey();
        }

        @Override
        public boolean matches(byte[] password) {
            return MessageDigest.isEqual(hash, derive(password, salt, iterations, hash.length));
        }

        @Override
        public String encoded() {
            Base64.Encoder b64 = Base64.getEncoder();
            return "$7$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
        }

        @Override
        public Algorithm algorithm() {
            return Algorithm.SHA512_PBKDF2;
        }

        @Override
        public PasswordHash decoy(SecureRandom random) {
            return new Pbkdf2Sha512(iterations, randomBytes(random, salt.length), randomBytes(random, hash.length));
        }

        @Override
        public String toString() {
            return "$7$ (PBKDF2-HMAC-SHA512, " + iterations + " iterations)";
        }
    }

    /** Salted SHA-512, {@code $6$}. */
    final class Sha512 implements PasswordHash {
        private final byte[] salt;
        private final byte[] hash;

        Sha512(byte[] salt, byte[] hash) {
            this.salt = salt.clone();
            this.hash = hash.clone();
        }

        static byte[] digest(byte[] password, byte[] salt) {
            try {
                MessageDigest md = MessageDigest.getInstance("SHA-512");
                md.update(password);
                md.update(salt);
                return md.digest();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-512 is missing from this JDK", e);
            }
        }

        @Override
        public boolean matches(byte[] password) {
            return MessageDigest.isEqual(hash, digest(password, salt));
        }

        @Override
        public String encoded() {
            Base64.Encoder b64 = Base64.getEncoder();
            return "$6$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
        }

        @Override
        public Algorithm algorithm() {
            return Algorithm.SHA512;
        }

        @Override
        public PasswordHash decoy(SecureRandom random) {
            return new Sha512(randomBytes(random, salt.length), randomBytes(random, hash.length));
        }

        @Override
        public String toString() {
            return "$6$ (salted SHA-512)";
        }
    }

    /** Argon2id, a PHC string. */
    final class Argon2id implements PasswordHash {
        private final int version;
        private final int memoryKib;
        private final int passes;
        private final int lanes;
        private final byte[] salt;
        private final byte[] hash;

        Argon2id(int version, int memoryKib, int passes, int lanes, byte[] salt, byte[] hash) {
            this.version = version;
            this.memoryKib = memoryKib;
            this.passes = passes;
            this.lanes = lanes;
            this.salt = salt.clone();
            this.hash = hash.clone();
        }

        Argon2id withHash(byte[] newHash) {
            return new Argon2id(version, memoryKib, passes, lanes, salt, newHash);
        }

        public int memoryKib() {
            return memoryKib;
        }

        public int passes() {
            return passes;
        }

        public int lanes() {
            return lanes;
        }

        static Argon2id parsePhc(String encoded) {
            // $argon2id$v=19$m=..,t=..,p=..$salt$hash ; the v= field may be absent (then version 0x10)
            String[] f = encoded.substring("$argon2id$".length()).split("\\$", -1);
            int i = 0;
            int version = Argon2Parameters.ARGON2_VERSION_10;
            if (f.length == 4) {
                if (!f[0].startsWith("v=")) {
                    throw new IllegalArgumentException("$argon2id$ hash: expected v=19 as the first field");
                }
                version = positiveInt(f[0].substring(2), "$argon2id$ version");
                if (version != Argon2Parameters.ARGON2_VERSION_13 && version != Argon2Parameters.ARGON2_VERSION_10) {
                    throw new IllegalArgumentException("$argon2id$ hash: unsupported version " + version
                            + " (expected 19)");
                }
                i = 1;
            } else if (f.length != 3) {
                throw new IllegalArgumentException("$argon2id$ hash must be $argon2id$v=19$m=M,t=T,p=P$salt$hash");
            }
            String[] params = f[i].split(",", -1);
            if (params.length != 3 || !params[0].startsWith("m=") || !params[1].startsWith("t=")
                    || !params[2].startsWith("p=")) {
                throw new IllegalArgumentException("$argon2id$ hash: parameters must be m=M,t=T,p=P");
            }
            int m = positiveInt(params[0].substring(2), "$argon2id$ memory cost m");
            int t = positiveInt(params[1].substring(2), "$argon2id$ time cost t");
            int p = positiveInt(params[2].substring(2), "$argon2id$ parallelism p");
            if (p > 255) {
                throw new IllegalArgumentException("$argon2id$ hash: parallelism p must be at most 255");
            }
            if (m < 8 * p) {
                throw new IllegalArgumentException("$argon2id$ hash: memory cost m must be at least 8 * p");
            }
            if (m > ARGON2_MAX_MEMORY_KIB) {
                throw new IllegalArgumentException("$argon2id$ hash: memory cost m above " + ARGON2_MAX_MEMORY_KIB
                        + " KiB is refused");
            }
            byte[] salt = base64(f[i + 1], "$argon2id$ salt", true);
            byte[] hash = base64(f[i + 2], "$argon2id$ hash", true);
            if (salt.length < 8) {
                throw new IllegalArgumentException("$argon2id$ salt must be at least 8 bytes");
            }
            if (hash.length < 4) {
                throw new IllegalArgumentException("$argon2id$ hash must be at least 4 bytes");
            }
            return new Argon2id(version, m, t, p, salt, hash);
        }

        byte[] derive(byte[] password) {
            Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                    .withVersion(version)
                    .withMemoryAsKB(memoryKib)
                    .withIterations(passes)
                    .withParallelism(lanes)
                    .withSalt(salt)
                    .build();
            Argon2BytesGenerator gen = new Argon2BytesGenerator();
            gen.init(params);
            byte[] out = new byte[hash.length];
            gen.generateBytes(password, out);
            return out;
        }

        @Override
        public boolean matches(byte[] password) {
            return MessageDigest.isEqual(hash, derive(password));
        }

        @Override
        public String encoded() {
            Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
            return "$argon2id$v=" + version + "$m=" + memoryKib + ",t=" + passes + ",p=" + lanes + "$"
                    + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
        }

        @Override
        public Algorithm algorithm() {
            return Algorithm.ARGON2ID;
        }

        @Override
        public PasswordHash decoy(SecureRandom random) {
            return new Argon2id(version, memoryKib, passes, lanes, randomBytes(random, salt.length),
                    randomBytes(random, hash.length));
        }

        @Override
        public String toString() {
            return "$argon2id$ (m=" + memoryKib + ",t=" + passes + ",p=" + lanes + ")";
        }
    }

    private static byte[] randomBytes(SecureRandom random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static int positiveInt(String s, String what) {
        if (s.isEmpty() || s.length() > 10 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(what + " is not a number");
        }
        long v = Long.parseLong(s);
        if (v < 1 || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + " must be between 1 and " + Integer.MAX_VALUE);
        }
        return (int) v;
    }

    private static byte[] base64(String s, String what, boolean phc) {
        if (s.isEmpty()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        if (phc && s.indexOf('=') >= 0) {
            throw new IllegalArgumentException(what + " must be base64 without padding");
        }
        try {
            return Base64.getDecoder().decode(s.getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not valid base64");
        }
    }

    private static byte[] sha512Sized(byte[] hash, String what) {
        if (hash.length != SHA512_BYTES) {
            throw new IllegalArgumentException(what + " hash must be " + SHA512_BYTES + " bytes, is " + hash.length);
        }
        return hash;
    }
}
