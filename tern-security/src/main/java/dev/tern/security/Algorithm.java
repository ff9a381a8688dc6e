package dev.tern.security;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The password hashes a password file can hold, named as {@code mosquitto_passwd -H} names them. */
public enum Algorithm {
    /** {@code $7$}: PBKDF2-HMAC-SHA512; Mosquitto 2.x's default and ours. */
    SHA512_PBKDF2("sha512-pbkdf2"),
    /** {@code $argon2id$}: a PHC string; read by Mosquitto 2.1 and later builds that have Argon2. */
    ARGON2ID("argon2id"),
    /** {@code $6$}: one round of SHA-512 over password then salt; only for Mosquitto 1.6 and earlier. */
    SHA512("sha512");

    private final String cliName;

    Algorithm(String cliName) {
        this.cliName = cliName;
    }

    /** The name {@code -H} takes. */
    public String cliName() {
        return cliName;
    }

    /** The algorithm {@code -H name} means, case-insensitively. */
    public static Optional<Algorithm> byName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(a -> a.cliName.equals(n)).findFirst();
    }

    @Override
    public String toString() {
        return cliName;
    }
}
