package dev.tern.server.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The {@code storage:} section. Until durable storage lands only {@code memory} runs; the keys are accepted so
 * that files written for later versions keep working.
 *
 * @param engine memory | rocksdb
 * @param sync always | batch | none
 */
public record StorageConfig(String engine, Path dir, String sync) {
    public StorageConfig {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(sync, "sync");
    }

    public static StorageConfig defaults() {
        return new StorageConfig("memory", Path.of("data"), "always");
    }
}
