package dev.tern.spi.storage;

import java.nio.file.Path;

/**
 * A store failed: it could not be opened, or a write or read failed. The message says what and, for stores with a
 * data folder, names the folder; {@link #dataDir()} gives it to code.
 */
public class StorageException extends RuntimeException {
    private final transient Path dataDir;

    public StorageException(String message, Path dataDir, Throwable cause) {
        super(message, cause);
        this.dataDir = dataDir;
    }

    public StorageException(String message, Path dataDir) {
        this(message, dataDir, null);
    }

    /** The data folder concerned, null for a memory store. */
    public Path dataDir() {
        return dataDir;
    }
}
