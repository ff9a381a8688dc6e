/**
 * The store logic every storage engine shares, written once over an ordered key-value model: the tables
 * ({@link dev.tern.storage.kv.Table}), their key and value formats ({@link dev.tern.storage.kv.Keys},
 * {@link dev.tern.storage.kv.Records}), and how each {@link dev.tern.spi.storage.Mutation} changes them, reference
 * counts and indexes included ({@link dev.tern.storage.kv.StoreLogic}). An engine supplies ordered tables with
 * get / put / delete / prefix scan and decides threading and durability; the memory engine keeps the tables in
 * sorted maps, the RocksDB engine in column families.
 *
 * <p>Keys compare as unsigned bytes. Client ids and topics are UTF-8; numbers are big-endian so that they sort.
 */
package dev.tern.storage.kv;
