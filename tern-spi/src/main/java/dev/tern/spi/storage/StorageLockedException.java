package dev.tern.spi.storage;

import java.nio.file.Path;

/** The data folder is in use: another running broker (or this one, opened twice) holds its lock. */
public class StorageLockedException extends StorageException {
    public StorageLockedException(String message, Path dataDir, Throwable cause) {
        super(message, dataDir, cause);
    }
}
