package dev.tern.spi.storage;

/**
 * What the core needs about a session's stored queue without reading it: its length and bytes (for
 * {@code max-queued-messages} / {@code max-queued-bytes}), where it starts and ends, how many entries are inflight.
 *
 * @param firstSeq the lowest sequence number, 0 when empty
 * @param lastSeq the highest sequence number, 0 when empty
 * @param bytes the sum of the payload sizes of the referenced messages
 * @param unacknowledged entries in state {@link DeliveryState#INFLIGHT} or {@link DeliveryState#RELEASED}
 */
public record QueueSummary(long count, long bytes, long firstSeq, long lastSeq, long unacknowledged) {
    public static final QueueSummary EMPTY = new QueueSummary(0, 0, 0, 0, 0);
}
