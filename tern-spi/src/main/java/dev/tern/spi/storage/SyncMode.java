package dev.tern.spi.storage;

/**
 * When a committed batch is made durable ({@code storage.sync}), and so when its future completes.
 *
 * <p>In every mode a batch is applied (visible to reads, written to the store's log through the operating system)
 * before its future completes, so a crash of the broker <em>process</em> loses nothing that was acknowledged. The
 * modes differ in what a crash of the <em>machine</em> (power loss, kernel panic) can lose.
 */
public enum SyncMode {
    /**
     * The future completes only after the batch is synced to disk (fsync/fdatasync of the write-ahead log). Batches
     * submitted concurrently, from any number of shards, share one sync (group commit). Nothing acknowledged is lost.
     */
    ALWAYS,
    /**
     * The future completes as soon as the batch is written (unsynced); the log is synced every
     * {@code batch interval} (e.g. 10 ms) by the store's own thread. A machine crash loses at most the batches of the
     * last interval plus the time one sync takes; a process crash loses nothing.
     */
    BATCH,
    /** Never synced by the broker: the operating system writes the log back when it chooses (a machine crash may
     * lose seconds of data); a process crash loses nothing. */
    NONE;

    /** Parses the {@code storage.sync} configuration value ({@code always}, {@code batch}, {@code none}). */
    public static SyncMode parse(String value) {
        for (SyncMode m : values()) {
            if (m.name().equalsIgnoreCase(value.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown sync mode '" + value + "' (expected always, batch or none)");
    }
}
