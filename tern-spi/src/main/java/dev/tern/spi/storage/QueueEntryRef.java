package dev.tern.spi.storage;

/** Names one queue entry: the session and the entry's sequence number. */
public record QueueEntryRef(String clientId, long seq) {
}
