/**
 * The storage SPI: what the broker core persists and how it gets it back, in JDK types only, so that a store
 * (memory, RocksDB, ...) can be swapped without touching core.
 *
 * <h2>What is stored</h2>
 * <ul>
 *   <li>{@link dev.tern.spi.storage.SessionRecord sessions}: client id, expiry interval, when it disconnected;</li>
 *   <li>{@link dev.tern.spi.storage.SubscriptionRecord subscriptions}, keyed by client id and filter as written;</li>
 *   <li>{@link dev.tern.spi.storage.StoredMessage messages}, stored <em>once</em> and referenced by id;</li>
 *   <li>per-session {@link dev.tern.spi.storage.QueueEntry queue entries} in sequence order, each referencing a
 *       message, in state queued, inflight (packet id) or released (PUBREL sent);</li>
 *   <li>inbound QoS 2 packet ids awaiting PUBREL;</li>
 *   <li>retained messages (topic to message id);</li>
 *   <li>{@link dev.tern.spi.storage.PendingWill pending wills} with their due time.</li>
 * </ul>
 *
 * <h2>Reference counting</h2>
 * A message is written once ({@link dev.tern.spi.storage.Mutation.PutMessage}) and then referenced by every queue
 * entry that holds it and by the retained slot of its topic. The store keeps the count itself: putting a queue entry
 * or a retained slot adds a reference, removing or replacing one (or deleting the session that holds it) drops one.
 * When a mutation drops the last reference, the message is deleted in the same batch. A message that has never
 * been referenced is kept until {@link dev.tern.spi.storage.Mutation.DeleteMessageIfUnreferenced} or until the store
 * is opened again (messages left unreferenced by a crash are purged at open), so a publisher's shard can store a
 * message in its batch and subscribers' shards can reference it in theirs.
 *
 * <h2>Threads</h2>
 * See {@link dev.tern.spi.storage.StorageEngine}: every method a shard calls returns at once with a
 * {@link java.util.concurrent.CompletableFuture}; only opening, closing and the startup iterations block.
 */
package dev.tern.spi.storage;
