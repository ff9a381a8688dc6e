package dev.tern.storage.kv;

/**
 * Reads and writes of one atomic unit of work (a group of batches): reads see the writes made through this writer
 * before them. Not thread-safe: one writer thread at a time.
 */
public interface KeyValueWriter extends KeyValueReader {

    void put(Table table, byte[] key, byte[] value);

    void delete(Table table, byte[] key);
}
