package dev.tern.security;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The lines of a password file, edited in place: other users' lines, comments and blank lines are kept as they
 * are. Used by {@code tern passwd}. Not thread-safe; {@link #writeTo} replaces the file atomically, mode 0600.
 */
public final class PasswordFileEditor {
    private final List<String> lines;

    private PasswordFileEditor(List<String> lines) {
        this.lines = lines;
    }

    /** An editor with no lines (what {@code -c} starts from). */
    public static PasswordFileEditor empty() {
        return new PasswordFileEditor(new ArrayList<>());
    }

    /** The lines of an existing file. */
    public static PasswordFileEditor open(Path file) throws IOException {
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        lines.replaceAll(l -> l.endsWith("\r") ? l.substring(0, l.length() - 1) : l);
        return new PasswordFileEditor(lines);
    }

    private static boolean isEntry(String line) {
        String s = line.strip();
        return !s.isEmpty() && !s.startsWith("#");
    }

    private static String userOf(String line) {
        String s = line.strip();
        int colon = s.indexOf(':');
        return colon < 0 ? s : s.substring(0, colon);
    }

    /** Sets a user's hash: replaces the user's line where it stands, or appends one. */
    public void put(String user, String encodedHash) {
        put(user, encodedHash, "");
    }

    /**
     * Sets one of a user's lines, for files with several lines per user (the SCRAM credential file: one per
     * mechanism): replaces the user's line whose value starts with {@code valuePrefix} where it stands, or appends
     * one.
     */
    public void put(String user, String value, String valuePrefix) {
        String problem = PasswordFile.usernameProblem(user);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        String line = user + ":" + value;
        for (int i = 0; i < lines.size(); i++) {
            if (matches(lines.get(i), user, valuePrefix)) {
                lines.set(i, line);
                return;
            }
        }
        lines.add(line);
    }

    private static boolean matches(String line, String user, String valuePrefix) {
        return isEntry(line) && userOf(line).equals(user)
                && (valuePrefix.isEmpty() || line.strip().substring(user.length()).startsWith(":" + valuePrefix));
    }

    /** Removes a user's line(s); false when the user was not there. */
    public boolean remove(String user) {
        return remove(user, "");
    }

    /** Removes the user's lines whose value starts with {@code valuePrefix}; false when there was none. */
    public boolean remove(String user, String valuePrefix) {
        return lines.removeIf(l -> matches(l, user, valuePrefix));
    }

    public boolean contains(String user) {
        return lines.stream().anyMatch(l -> isEntry(l) && userOf(l).equals(user));
    }

    /**
     * Hashes a plain-text file ({@code user:password} lines) in place ({@code -U}). Lines whose value already
     * looks like a supported hash ({@code $7$}, {@code $6$}, {@code $argon2id$}) are left alone, so running it
     * twice does no harm (Mosquitto's {@code -U} would hash the hashes).
     *
     * @param source the file name for error messages
     * @return how many lines were hashed
     */
    public int hashPlainText(String source, Function<byte[], String> hasher) throws FileFormatException {
        int n = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!isEntry(line)) {
                continue;
            }
            // the password is everything after the first colon, spaces included, without the line ending
            String entry = line.stripLeading();
            int colon = entry.indexOf(':');
            if (colon < 0) {
                throw new FileFormatException(source, i + 1, "expected username:password, found no ':'");
            }
            String user = entry.substring(0, colon);
            String problem = PasswordFile.usernameProblem(user);
            if (problem != null) {
                throw new FileFormatException(source, i + 1, problem);
            }
            String value = entry.substring(colon + 1);
            if (looksHashed(value)) {
                continue;
            }
            lines.set(i, user + ":" + hasher.apply(value.getBytes(StandardCharsets.UTF_8)));
            n++;
        }
        return n;
    }

    private static boolean looksHashed(String value) {
        try {
            PasswordHash.parse(value.strip());
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** The file's text: the lines, each ended by a newline. */
    public String text() {
        StringBuilder b = new StringBuilder();
        for (String l : lines) {
            b.append(l).append('\n');
        }
        return b.toString();
    }

    /**
     * Writes the lines to {@code file} atomically: a temporary file in the same directory (mode 0600 where the file
     * system is POSIX), flushed to disk, then moved over the target.
     */
    public void writeTo(Path file) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
        Path tmp;
        if (posix) {
            FileAttribute<Set<PosixFilePermission>> mode =
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
            tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp", mode);
        } else {
            tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        }
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
                out.write(text().getBytes(StandardCharsets.UTF_8));
                out.flush();
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
