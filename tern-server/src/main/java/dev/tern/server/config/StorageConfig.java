package dev.tern.server.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The {@code storage:} section.
 *
 * @param engine rocksdb (durable, the default of {@code tern broker}) | memory (nothing survives a restart; the
 *     default of the embedded broker)
 * @param dir the data folder of the rocksdb engine
 * @param sync always | batch | none: when a change is on disk, see docs/configuration.md
 */
public record StorageConfig(String engine, Path dir, String sync) {
    public StorageConfig {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(sync, "sync");
    }

    /** The embedded broker's default: in memory. */
    public static StorageConfig defaults() {
        return new StorageConfig("memory", Path.of("data"), "always");
    }

    /** {@code tern broker}'s default (and a config file's without {@code storage.engine}): RocksDB in ./data. */
    public static StorageConfig durable() {
        return new StorageConfig("rocksdb", Path.of("data"), "always");
    }

    public boolean inMemory() {
        return engine.equals("memory");
    }
}
