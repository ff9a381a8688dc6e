package dev.tern.storage;

import dev.tern.spi.storage.StorageEngine;
import dev.tern.spi.storage.SyncMode;
import java.nio.file.Path;

class MemoryStorageEngineTest extends StorageEngineContract {
    @Override
    protected StorageEngine open(Path dir, SyncMode sync) {
        return new MemoryStorageEngine();
    }
}
