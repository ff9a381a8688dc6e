package dev.tern.spi.storage;

import java.util.List;

/**
 * What {@link StorageEngine#purgeExpiredMessages} removed, so that the core can drop its in-memory copies.
 *
 * @param queueEntries the queued (never sent) entries removed, per session and sequence number
 * @param retainedTopics the retained slots cleared
 * @param messagesDeleted messages deleted because no reference was left
 * @param more true when the limit was reached and more expired messages may be waiting
 */
public record ExpiredMessages(List<QueueEntryRef> queueEntries, List<String> retainedTopics, int messagesDeleted,
                              boolean more) {
}
