package dev.tern.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The HTTP listener's bearer token when the configuration gives no credentials at all ({@code http.token},
 * {@code http.admins}, {@code http.allow-anonymous} all unset) and the broker has a data folder: a random token kept
 * in {@code <data>/http-token}, readable by its owner only, created at the first start and the same at every later
 * one. The dashboard and {@code tern ctl} are then usable out of the box without any secret in the configuration,
 * the log or the command line.
 */
final class HttpTokenFile {
    static final String NAME = "http-token";
    private static final int TOKEN_BYTES = 32;

    /** The token, and whether this start created the file. */
    record Token(String value, Path file, boolean created) {
    }

    private HttpTokenFile() {
    }

    /**
     * Reads the token of {@code dataDir}, creating the file with a new random token if there is none.
     *
     * @throws IllegalStateException naming the file when it cannot be read or written, or holds no token
     */
    static Token readOrCreate(Path dataDir) {
        Path file = dataDir.resolve(NAME);
        try {
            if (!Files.exists(file)) {
                String token = HexFormat.of().formatHex(random());
                try {
                    write(file, token);
                    return new Token(token, file, true);
                } catch (FileAlreadyExistsException raced) {
                    // another start created it meanwhile: read that one
                }
            }
            String token = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (token.length() < 16 || token.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalStateException(file + " holds no usable token (16 or more characters, no spaces): "
                        + "delete it to get a new one, or set http.token");
            }
            return new Token(token, file, false);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or create the HTTP token file " + file + ": " + e
                    + " (set http.token, or check the data folder's permissions)", e);
        }
    }

    private static byte[] random() {
        byte[] b = new byte[TOKEN_BYTES];
        new SecureRandom().nextBytes(b);
        return b;
    }

    private static void write(Path file, String token) throws IOException {
        Files.createDirectories(file.getParent());
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
    }
}
