package dev.tern.spi.storage;

import java.nio.file.Path;

/**
 * The data folder cannot be read as a store: damaged or foreign files, or a format this version does not know. The
 * message names the folder and what to do (move it aside to start empty, or restore a backup).
 */
public class StorageCorruptedException extends StorageException {
    public StorageCorruptedException(String message, Path dataDir, Throwable cause) {
        super(message, dataDir, cause);
    }
}
