package dev.tern.spi.storage;

/** A queue entry read back together with the message it references. */
public record QueuedMessage(QueueEntry entry, StoredMessage message) {
}
