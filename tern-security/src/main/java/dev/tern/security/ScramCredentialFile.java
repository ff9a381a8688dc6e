package dev.tern.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The SCRAM credential file ({@code auth.scram-file}): one line per user and mechanism,
 * {@code user:SCRAM-SHA-256:iterations:salt:storedkey:serverkey} (base64 fields), written by
 * {@code tern passwd --scram}. A user may have a SCRAM-SHA-256 line, a SCRAM-SHA-512 line, or both. Blank lines and
 * {@code #} comments are ignored; any other line that cannot be used fails the load with a
 * {@link FileFormatException} naming the file and line. It is a file of its own because Mosquitto's password file
 * format has no place for it.
 *
 * <p>User names are stored as SASLprep ({@link SaslPrep}) prepares them, since that is how a client sends them.
 * Immutable and thread-safe.
 */
public final class ScramCredentialFile {
    private record Key(String user, ScramMechanism mechanism) {
    }

    private final String source;
    private final Map<Key, ScramCredential> credentials;
    private final Set<String> users;

    private ScramCredentialFile(String source, Map<Key, ScramCredential> credentials, Set<String> users) {
        this.source = source;
        this.credentials = Collections.unmodifiableMap(credentials);
        this.users = Collections.unmodifiableSet(users);
    }

    public static ScramCredentialFile load(Path file) throws IOException {
        return parse(file.toString(), new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
    }

    public static ScramCredentialFile parse(String source, String content) throws FileFormatException {
        Map<Key, ScramCredential> credentials = new LinkedHashMap<>();
        Map<Key, Integer> firstLine = new LinkedHashMap<>();
        Set<String> users = new LinkedHashSet<>();
        String[] lines = content.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new FileFormatException(source, lineNo, "expected user:SCRAM-SHA-256:iterations:salt:storedkey:"
                        + "serverkey, found no ':'");
            }
            String user = line.substring(0, colon);
            String problem = usernameProblem(user);
            if (problem != null) {
                throw new FileFormatException(source, lineNo, problem);
            }
            ScramCredential credential;
            try {
                credential = ScramCredential.parse(line.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                throw new FileFormatException(source, lineNo, "user '" + user + "': " + e.getMessage());
            }
            Key key = new Key(user, credential.mechanism());
            Integer earlier = firstLine.putIfAbsent(key, lineNo);
            if (earlier != null) {
                throw new FileFormatException(source, lineNo, "user '" + user + "' already has a "
                        + credential.mechanism() + " line at line " + earlier);
            }
            credentials.put(key, credential);
            users.add(user);
        }
        return new ScramCredentialFile(source, credentials, users);
    }

    /**
     * What is wrong with a user name for this file, or null: the password file's rules, and it must be as SASLprep
     * leaves it (a client sends it prepared, so another form could never log in).
     */
    public static String usernameProblem(String user) {
        String problem = PasswordFile.usernameProblem(user);
        if (problem != null) {
            return problem;
        }
        if (!SaslPrep.isPrepared(user)) {
            return "username '" + user + "' is not in SASLprep form (control characters, or text that "
                    + "normalizes differently)";
        }
        return null;
    }

    /** The user's credential for that mechanism, or null. */
    public ScramCredential find(String user, ScramMechanism mechanism) {
        return credentials.get(new Key(user, mechanism));
    }

    /** The users, in file order. */
    public Set<String> usernames() {
        return users;
    }

    /** Number of lines (user and mechanism pairs). */
    public int size() {
        return credentials.size();
    }

    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "ScramCredentialFile[" + source + ", " + credentials.size() + " credentials]";
    }
}
