package dev.tern.spi.storage;

/**
 * How much a store holds, counted exactly (it scans: for tools, tests and admin pages, not for the publish path).
 *
 * @param diskBytes bytes of the store's files on disk, 0 for a memory store
 */
public record StorageStats(long sessions, long subscriptions, long messages, long queueEntries, long retained,
                           long inboundPacketIds, long pendingWills, long diskBytes) {
}
