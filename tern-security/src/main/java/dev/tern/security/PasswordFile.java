package dev.tern.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A Mosquitto password file, read unchanged: one {@code username:hash} per line, the hash in one of the encodings
 * of {@link PasswordHash} ({@code $7$}, {@code $6$}, {@code $argon2id$}). Blank lines and lines starting with
 * {@code #} are ignored; any other line that cannot be used fails the whole load with a {@link FileFormatException}
 * naming the file and line.
 *
 * <p>Immutable and thread-safe. {@link #verify} costs the same whether or not the user exists: an unknown user is
 * checked against a decoy hash with the parameters of the file's first entry.
 */
public final class PasswordFile {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String source;
    private final Map<String, PasswordHash> users;
    private final PasswordHash decoy;

    private PasswordFile(String source, Map<String, PasswordHash> users) {
        this.source = source;
        this.users = Collections.unmodifiableMap(users);
        PasswordHash model = users.isEmpty()
                ? PasswordHash.parse(hash(new byte[0], Algorithm.SHA512_PBKDF2))
                : users.values().iterator().next();
        this.decoy = model.decoy(RANDOM);
    }

    /** Reads and parses a password file. */
    public static PasswordFile load(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return parse(file.toString(), new String(bytes, StandardCharsets.UTF_8));
    }

    /**
     * Parses password-file text.
     *
     * @param source the name used in error messages, usually the file's path
     */
    public static PasswordFile parse(String source, String content) throws FileFormatException {
        Map<String, PasswordHash> users = new LinkedHashMap<>();
        Map<String, Integer> firstLine = new LinkedHashMap<>();
        String[] lines = content.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new FileFormatException(source, lineNo, "expected username:hash, found no ':'");
            }
            String user = line.substring(0, colon);
            String problem = usernameProblem(user);
            if (problem != null) {
                throw new FileFormatException(source, lineNo, problem);
            }
            Integer earlier = firstLine.putIfAbsent(user, lineNo);
            if (earlier != null) {
                throw new FileFormatException(source, lineNo, "user '" + user + "' is already defined at line "
                        + earlier);
            }
            try {
                users.put(user, PasswordHash.parse(line.substring(colon + 1)));
            } catch (IllegalArgumentException e) {
                throw new FileFormatException(source, lineNo, "user '" + user + "': " + e.getMessage());
            }
        }
        return new PasswordFile(source, users);
    }

    /**
     * What is wrong with a username for a password file, or null when it is fine: it must not be empty, contain
     * {@code :} (the separator) or a line break, nor start with {@code #} (a comment).
     */
    public static String usernameProblem(String user) {
        if (user.isEmpty()) {
            return "empty username";
        }
        if (user.indexOf(':') >= 0) {
            return "username contains ':'";
        }
        if (user.indexOf('\n') >= 0 || user.indexOf('\r') >= 0 || user.indexOf('\0') >= 0) {
            return "username contains a line break or NUL";
        }
        if (user.startsWith("#")) {
            return "username starts with '#', which would make the line a comment";
        }
        return null;
    }

    /**
     * Is {@code password} the password of {@code user}? Constant-time in the hash comparison, and as costly for an
     * unknown user as for a known one. A null password never matches.
     */
    public boolean verify(String user, byte[] password) {
        PasswordHash stored = user == null ? null : users.get(user);
        byte[] pw = password == null ? new byte[0] : password;
        boolean ok = (stored != null ? stored : decoy).matches(pw);
        return ok && stored != null && password != null;
    }

    public boolean contains(String user) {
        return users.containsKey(user);
    }

    /** The users, in file order. */
    public Set<String> usernames() {
        return users.keySet();
    }

    public int size() {
        return users.size();
    }

    /** Where this was read from, as given to {@link #parse}. */
    public String source() {
        return source;
    }

    /** The stored hash of a user, or null. */
    public PasswordHash hashOf(String user) {
        return users.get(user);
    }

    /** A new {@code $7$} hash with Mosquitto's defaults (101 iterations, 12-byte salt). */
    public static String hash(byte[] password) {
        return hash(password, Algorithm.SHA512_PBKDF2);
    }

    /** A new hash with the algorithm's default cost. */
    public static String hash(byte[] password, Algorithm algorithm) {
        return hash(password, algorithm, PasswordHash.defaultCost(algorithm));
    }

    /**
     * A new hash, as the text to put after {@code username:}.
     *
     * @param cost PBKDF2 iterations for {@code sha512-pbkdf2}, passes (t) for {@code argon2id}; ignored for
     *             {@code sha512}
     */
    public static String hash(byte[] password, Algorithm algorithm, int cost) {
        Objects.requireNonNull(password, "password");
        if (cost < 1) {
            throw new IllegalArgumentException("cost must be at least 1");
        }
        return PasswordHash.create(password, algorithm, cost, RANDOM).encoded();
    }

    @Override
    public String toString() {
        return "PasswordFile[" + source + ", " + users.size() + " users]";
    }
}
